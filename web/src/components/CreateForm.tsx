/**
 * Making a video: mode, prompt (checked as it is typed), the mode's inputs, settings and the cost, then
 * Generate (or Ctrl/Cmd+Enter). In the story mode the prompt is a script (shots, a cast; the server checks
 * it line by line) and the video is the film of its shots, with a picture slot for each path its `image`
 * shots name (sent with the script as uploads). In the list mode it is one prompt per line, each
 * checked on its own and made with the same settings; Generate makes the list's videos not made yet (a list
 * partly refused or failed is finished, not made again), and once all are made, another take with a new seed.
 * The button stays disabled, with the reason next to it, while the request could not succeed; whatever the
 * server still refuses is shown as it says it.
 */
import { useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { CreateRequest } from '../api/client.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { randomSeed } from '../lib/format.ts';
import { fitDraft, listPrompts, MAX_LIST_PROMPTS, shownScript, type CreateMode } from '../state/draft.ts';
import { useJobs } from '../state/jobs.tsx';
import { madeVideos } from '../state/list-made.ts';
import { usePrefs } from '../state/prefs.tsx';
import { usePromptCheck, usePromptChecks } from '../state/prompt-check.ts';
import { useStoryCheck } from '../state/story-check.ts';
import { useStoryPictures } from '../state/story-pictures.ts';
import { useServer } from '../state/server.tsx';
import { useToast } from '../state/toasts.tsx';
import { useVocabulary } from '../state/vocabulary.ts';
import { ExtendPicker } from './ExtendPicker.tsx';
import { GenerationSettings } from './GenerationSettings.tsx';
import { Icon } from './Icon.tsx';
import { ImageDrop } from './ImageDrop.tsx';
import { LinesField } from './LinesField.tsx';
import { ModeSwitch } from './ModeSwitch.tsx';
import { PromptEditor } from './PromptEditor.tsx';
import { StoryPictures } from './StoryPictures.tsx';
import { VocabularyHints } from './VocabularyHints.tsx';

export function CreateForm() {
  const { t, credits, lang } = useI18n();
  const { draft: stored, updateDraft } = usePrefs();
  const { models, usage, connection } = useServer();
  const jobs = useJobs();
  const notify = useToast();
  const model = models.find((m) => m.id === stored.model) ?? models.find((m) => m.default) ?? models[0];
  const draft = fitDraft(stored, model);
  const [first, setFirst] = useState<File>();
  const [last, setLast] = useState<File>();
  const [submitting, setSubmitting] = useState(false);
  const [failure, setFailure] = useState<string>();
  const promptRef = useRef<HTMLTextAreaElement>(null);

  const story = draft.mode === 'story';
  const list = draft.mode === 'list';
  // In the story and list modes their own text is checked (below), not the prompt field it replaces.
  const promptCheck = usePromptCheck(draft.prompt, model?.id, !story && !list);
  const lines = listPrompts(draft.list);
  // Past the cap only the first lines are asked about: the list cannot be made until it is cut anyway.
  const listCheck = usePromptChecks(lines.slice(0, MAX_LIST_PROMPTS).map((l) => l.prompt), model?.id, list);
  const badLines = lines.flatMap(({ line, prompt }) => {
    const check = listCheck.checks.get(prompt);
    return check && !check.ok ? [{ line, message: check.error?.message ?? t('create.blockPrompt') }] : [];
  });
  const negativeCheck = usePromptCheck(draft.negativePrompt, model?.id, draft.negativePrompt.trim() !== '', 'negative_prompt');
  const vocabulary = useVocabulary(model?.id);

  const shared = {
    negative_prompt: draft.negativePrompt.trim() || undefined,
    model: model?.id,
    size: draft.size,
    fps: draft.fps,
    seed: draft.seed,
    steps: draft.steps,
    guidance: draft.guidance,
  };
  // A story's length (and so its cost) is known once the server has planned its script.
  const script = shownScript(draft.script, lang);
  const remake = draft.remakeOf;
  // The pictures its shots open on, uploaded with it (a remake's server takes the earlier film's for a path not uploaded).
  const pictures = useStoryPictures(script, story, remake?.pictures);
  const storyRequest = { ...shared, script, images: pictures.images, ...(remake ? { reuse_video_id: remake.id, shift: remake.shift, sampler: remake.sampler, audio: remake.audio } : {}) };
  // Without every picture the server could only answer that one is missing: the script is checked once they are all there.
  const storyCheck = useStoryCheck(storyRequest, story && pictures.missing.length === 0);
  const reusedShots = storyCheck.plan?.shots.filter((s) => s.reused).length ?? 0;

  const request: CreateRequest = {
    ...shared,
    prompt: draft.prompt.trim(),
    seconds: draft.seconds,
    keyframes:
      draft.mode === 'image-to-video' && first
        ? [{ role: 'first', image: first }]
        : draft.mode === 'first-last-frame' && first && last
          ? [
              { role: 'first', image: first },
              { role: 'last', image: last },
            ]
          : undefined,
    extend_video_id: draft.mode === 'extend' ? draft.extendId : undefined,
  };
  // Variants: the same request with seeds seed, seed + 1, … (each its own video and idempotency key);
  // a list: each line's prompt in turn, with those same seeds.
  const requestsFor = (seed: number) => {
    const seeds = Array.from({ length: draft.variants }, (_, k) => (seed + k) % 2 ** 32);
    const prompts = list ? lines.map((l) => l.prompt) : [request.prompt];
    return prompts.flatMap((prompt) => seeds.map((s) => ({ ...request, prompt, seed: s })));
  };
  const requests = requestsFor(draft.seed);
  // A list's videos made already are kept: only the others are sent (and charged); once every one is made, Generate is a new take.
  // (A list past the cap cannot be made until it is cut: it is not looked up.)
  const found = list && lines.length <= MAX_LIST_PROMPTS ? madeVideos(requests, jobs.videos) : [];
  const made = found.filter(Boolean).length;
  const newTake = list && requests.length > 0 && made === requests.length;
  const videos = story ? 1 : newTake ? requests.length : requests.length - made;
  const cost = !model ? 0 : story ? storyCheck.plan?.cost ?? 0 : Number(draft.seconds) * model.credits_per_second * videos;
  const balance = usage?.balance ?? null;

  // Why Generate is disabled, as shown next to it.
  const blockers: string[] = [];
  if (!model) blockers.push(t('create.blockNoModel'));
  if (story) {
    if (script.trim() === '') blockers.push(t('create.blockScript'));
    else if (pictures.missing.length > 0) blockers.push(...pictures.missing.map((path) => t('create.blockPicture', { path })));
    else if (storyCheck.error) blockers.push(t('create.blockScriptInvalid'));
  } else if (list) {
    if (lines.length === 0) blockers.push(t('create.blockList'));
    else if (lines.length > MAX_LIST_PROMPTS) blockers.push(t('create.blockListLong', { n: lines.length, max: MAX_LIST_PROMPTS }));
    else if (badLines.length > 0) blockers.push(t('create.blockListInvalid'));
    // A list is many creates: a line refused halfway would leave it half made, so every line is checked first.
    else if (listCheck.pending) blockers.push(t('create.blockListChecking'));
    else if (newTake && draft.seedLocked) blockers.push(t('create.blockListMade'));
  } else if (draft.prompt.trim() === '') blockers.push(t('create.blockEmpty'));
  else if (promptCheck.check && !promptCheck.check.ok) blockers.push(t('create.blockPrompt'));
  if (negativeCheck.check && !negativeCheck.check.ok) blockers.push(t('create.blockNegative'));
  if ((draft.mode === 'image-to-video' || draft.mode === 'first-last-frame') && !first) blockers.push(t('create.blockFirst'));
  if (draft.mode === 'first-last-frame' && !last) blockers.push(t('create.blockLast'));
  if (draft.mode === 'extend' && !draft.extendId) blockers.push(t('create.blockExtend'));
  if (balance !== null && cost > balance) blockers.push(t('create.blockCredits'));
  const disabled = blockers.length > 0 || submitting || connection !== 'ready';

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (disabled || !model) return;
    setSubmitting(true);
    setFailure(undefined);
    // A list sends the videos it has not made yet, or, when all are, a new take of it with a new seed (kept in the
    // form, so a take partly refused or failed is finished by the next Generate). Another mode sends every variant.
    let toSend = requests;
    if (newTake) {
      const seed = randomSeed();
      updateDraft({ seed });
      toSend = requestsFor(seed);
    } else if (list) toSend = requests.filter((_, i) => !found[i]);
    let queued = 0;
    try {
      if (story) await jobs.createStory(storyRequest);
      else for (; queued < toSend.length; queued++) await jobs.create(toSend[queued]);
      notify(queued > 1 ? t('toast.queuedMany', { n: queued }) : t('toast.queued'), 'success');
      if (!list && !draft.seedLocked) updateDraft({ seed: randomSeed() });
    } catch (error) {
      // The videos already queued stay queued (and charged): say how far it got.
      const message = (error as Error).message;
      setFailure(queued > 0 ? t('create.partlyQueued', { n: queued, total: toSend.length, message }) : message);
    } finally {
      setSubmitting(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void submit();
    }
  };

  // A word from the hints goes in at the caret of the text being written (the prompt, the script or the list).
  const field = story ? 'script' : list ? 'list' : 'prompt';
  const insert = (phrase: string) => {
    const area = promptRef.current;
    const text = story ? script : draft[field];
    const at = area ? area.selectionEnd : text.length;
    const before = text.slice(0, at);
    const glue = (s: string, next: string) => (s === '' || /\s$/.test(s) || /[\u4e00-\u9fff]/.test(next) ? '' : ' ');
    const updated = `${before}${glue(before, phrase)}${phrase}${text.slice(at)}`;
    updateDraft({ [field]: updated });
    requestAnimationFrame(() => {
      area?.focus();
      const caret = before.length + glue(before, phrase).length + phrase.length;
      area?.setSelectionRange(caret, caret);
    });
  };

  const mac = /Mac|iPhone|iPad/.test(navigator.platform);
  return (
    <form className="card create-form" onSubmit={submit} onKeyDown={onKeyDown} aria-labelledby="create-title" noValidate>
      <div className="card-head">
        <h1 id="create-title">{t('create.title')}</h1>
        {models.length > 1 ? (
          <label className="model-select">
            <span className="visually-hidden">{t('create.model')}</span>
            <select value={model?.id} onChange={(e) => updateDraft({ model: e.target.value })}>
              {models.map((m) => (
                <option key={m.id} value={m.id}>
                  {m.id}
                </option>
              ))}
            </select>
          </label>
        ) : model ? (
          <span className="badge" title={model.description ?? undefined}>
            {model.id}
          </span>
        ) : null}
      </div>

      {model ? <ModeSwitch modes={[...model.modes, 'story', 'list']} value={draft.mode} onChange={(mode: CreateMode) => updateDraft({ mode })} /> : null}

      {story ? (
        <LinesField
          id="story-script"
          label={t('create.script')}
          help={t('create.scriptHelp')}
          value={script}
          onChange={(script) => updateDraft({ script })}
          invalid={storyCheck.error !== undefined}
          textareaRef={promptRef}
          statusClassName="story-check"
          status={
            storyCheck.error ? (
              <span className="error-text">{storyCheck.error}</span>
            ) : pictures.missing.length > 0 ? (
              t('create.storyPicturesFirst')
            ) : storyCheck.plan ? (
              t('create.storyPlan', { shots: storyCheck.plan.shots.length, s: storyCheck.plan.seconds.toFixed(2).replace(/\.?0+$/, '') }) +
              (draft.remakeOf ? ` ${t('create.storyReused', { n: reusedShots })}` : '')
            ) : null
          }
        >
          {draft.remakeOf ? (
            <p className="story-remake small muted">
              {t('create.storyRemake', { title: draft.remakeOf.title })}{' '}
              <button type="button" className="button ghost small" onClick={() => updateDraft({ remakeOf: undefined })}>
                {t('create.storyRemakeOff')}
              </button>
            </p>
          ) : null}
          <StoryPictures paths={pictures.paths} pictures={pictures.pictures} kept={pictures.kept} onChange={pictures.set} remake={draft.remakeOf !== undefined} />
        </LinesField>
      ) : list ? (
        <LinesField
          id="prompt-list"
          label={t('create.list')}
          help={t('create.listHelp', { max: MAX_LIST_PROMPTS })}
          value={draft.list}
          onChange={(text) => updateDraft({ list: text })}
          invalid={badLines.length > 0}
          placeholder={t('create.listPlaceholder')}
          textareaRef={promptRef}
          statusClassName="list-check"
          status={
            badLines.length > 0 ? (
              <ul className="list-errors">
                {badLines.map(({ line, message }) => (
                  <li key={line} className="error-text">
                    {t('create.listLineError', { line, message })}
                  </li>
                ))}
              </ul>
            ) : lines.length > 0 ? (
              t('create.listPlan', { prompts: lines.length, videos: requests.length }) +
              (newTake
                ? ` · ${t(draft.seedLocked ? 'create.listAllMadeLocked' : 'create.listAllMade', { videos: requests.length })}`
                : made > 0
                  ? ` · ${t('create.listMade', { made, videos: requests.length, rest: requests.length - made })}`
                  : '')
            ) : null
          }
        />
      ) : (
        <PromptEditor
          id="prompt"
          label={t('create.prompt')}
          value={draft.prompt}
          onChange={(prompt) => updateDraft({ prompt })}
          state={promptCheck}
          vocabulary={vocabulary}
          placeholder={t('create.promptPlaceholder')}
          textareaRef={promptRef}
        />
      )}
      <VocabularyHints vocabulary={vocabulary} onInsert={insert} />

      {draft.mode === 'image-to-video' ? <ImageDrop label={t('image.first')} file={first} onChange={setFirst} /> : null}
      {draft.mode === 'first-last-frame' ? (
        <div className="two-up">
          <ImageDrop label={t('image.first')} file={first} onChange={setFirst} />
          <ImageDrop label={t('image.last')} file={last} onChange={setLast} />
        </div>
      ) : null}
      {draft.mode === 'extend' ? <ExtendPicker model={model?.id} value={draft.extendId} onChange={(extendId) => updateDraft({ extendId })} /> : null}

      {model ? <GenerationSettings model={model} draft={draft} onChange={updateDraft} story={story} /> : null}

      <details className="negative" open={draft.negativePrompt !== '' || undefined}>
        <summary>{t('create.negative')}</summary>
        <PromptEditor
          id="negative-prompt"
          label={t('create.negativeLabel')}
          value={draft.negativePrompt}
          onChange={(negativePrompt) => updateDraft({ negativePrompt })}
          state={negativeCheck}
          rows={2}
          showMeaning={false}
        />
      </details>

      <div className="create-footer">
        <div className="cost" aria-live="polite">
          {story && model && !storyCheck.plan ? (
            <span className="muted small">{t('create.storyCost', { credits: credits(model.credits_per_second) })}</span>
          ) : (
            <>
              <span className="cost-value">{credits(cost)}</span>
              <span className="muted small">
                {balance === null ? t('create.unmetered') : t('create.balanceAfter', { credits: credits(Math.max(0, balance - cost)) })}
              </span>
            </>
          )}
        </div>
        <div id="create-blockers" className="blockers">
          {blockers.map((b) => (
            <p key={b} className="muted small">
              {b}
            </p>
          ))}
          {failure ? (
            <p className="error-text" role="alert">
              {failure}
            </p>
          ) : null}
        </div>
        <button type="submit" className="button primary large" disabled={disabled} aria-describedby="create-blockers" aria-keyshortcuts={mac ? 'Meta+Enter' : 'Control+Enter'}>
          <Icon name="sparkle" />
          {submitting ? t('create.submitting') : t('create.generate')}
          <kbd className="shortcut" aria-hidden="true">
            {mac ? '⌘↵' : 'Ctrl ↵'}
          </kbd>
        </button>
      </div>
    </form>
  );
}
