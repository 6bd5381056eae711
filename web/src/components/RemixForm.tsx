/** Remix: the same video (seed, size, length, inputs) with a new prompt, checked as it is typed. */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Video } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { useJobs } from '../state/jobs.tsx';
import { usePromptCheck } from '../state/prompt-check.ts';
import { useVocabulary } from '../state/vocabulary.ts';
import { PromptEditor } from './PromptEditor.tsx';

export function RemixForm({ video, onDone, onCancel }: { video: Video; onDone: (remix: Video) => void; onCancel: () => void }) {
  const { t } = useI18n();
  const jobs = useJobs();
  const [prompt, setPrompt] = useState(video.prompt ?? '');
  const [failure, setFailure] = useState<string>();
  const [sending, setSending] = useState(false);
  const check = usePromptCheck(prompt, video.model);
  const vocabulary = useVocabulary(video.model);
  const field = useRef<HTMLTextAreaElement>(null);
  useEffect(() => field.current?.focus(), []);
  const blocked = prompt.trim() === '' || (check.check !== undefined && !check.check.ok) || sending;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (blocked) return;
    setSending(true);
    setFailure(undefined);
    try {
      onDone(await jobs.remix(video.id, prompt.trim()));
    } catch (error) {
      setFailure((error as Error).message);
      setSending(false);
    }
  };

  return (
    <form className="remix-form" onSubmit={submit} aria-labelledby="remix-title">
      <h3 id="remix-title">{t('remix.title')}</h3>
      <p className="muted small">{t('remix.help')}</p>
      <PromptEditor id="remix-prompt" label={t('remix.prompt')} value={prompt} onChange={setPrompt} state={check} vocabulary={vocabulary} rows={2} textareaRef={field} />
      <div className="form-actions">
        <button type="submit" className="button primary" disabled={blocked}>
          {t('remix.submit')}
        </button>
        <button type="button" className="button ghost" onClick={onCancel}>
          {t('action.cancel')}
        </button>
      </div>
      {failure ? (
        <p className="error-text" role="alert">
          {failure}
        </p>
      ) : null}
    </form>
  );
}
