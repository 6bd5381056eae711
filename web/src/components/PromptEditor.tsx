/**
 * The prompt box with live validation: unknown words are underlined in place (a backdrop under the
 * transparent textarea draws the marks at the same positions) and listed below with the model's
 * suggestions, each a button that replaces the word. What the prompt describes is shown as a hint.
 */
import { useRef, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import type { PromptCheck, Vocabulary } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import type { PromptCheckState } from '../state/prompt-check.ts';

interface Props {
  readonly id: string;
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly state: PromptCheckState;
  readonly vocabulary?: Vocabulary;
  readonly placeholder?: string;
  readonly rows?: number;
  readonly onKeyDown?: (e: KeyboardEvent<HTMLTextAreaElement>) => void;
  /** Show what the prompt describes (not for negative prompts). */
  readonly showMeaning?: boolean;
  readonly textareaRef?: RefObject<HTMLTextAreaElement | null>;
}

type Unknown = PromptCheck['unknown'][number];

export function PromptEditor({ id, label, value, onChange, state, vocabulary, placeholder, rows = 3, onKeyDown, showMeaning = true, textareaRef }: Props) {
  const { t } = useI18n();
  const backdrop = useRef<HTMLDivElement>(null);
  const { check } = state;
  const placed = (check?.unknown ?? []).filter((u): u is Unknown & { start: number; end: number } => u.start !== null && u.end !== null);
  const invalid = check ? !check.ok : false;
  const issuesId = `${id}-issues`;

  const replace = (u: Unknown, word: string) => {
    if (u.start === null || u.end === null) return;
    onChange(value.slice(0, u.start) + word + value.slice(u.end));
  };

  return (
    <div className="field prompt-editor">
      <label htmlFor={id}>{label}</label>
      <div className={`prompt-field${invalid ? ' invalid' : ''}`}>
        <div className="prompt-backdrop" ref={backdrop} aria-hidden="true">
          {highlight(value, placed)}
        </div>
        <textarea
          id={id}
          ref={textareaRef}
          value={value}
          rows={rows}
          placeholder={placeholder}
          spellCheck={false}
          aria-invalid={invalid}
          aria-describedby={issuesId}
          onChange={(e) => onChange(e.target.value)}
          onScroll={(e) => {
            if (backdrop.current) backdrop.current.scrollTop = e.currentTarget.scrollTop;
          }}
          onKeyDown={onKeyDown}
        />
      </div>
      <div id={issuesId} className="prompt-issues" aria-live="polite">
        {check && check.unknown.length > 0 ? (
          <ul className="unknown-list">
            {check.unknown.map((u, i) => (
              <li key={`${u.word}-${i}`} className="unknown-item">
                <span>{t('prompt.unknownWord', { word: u.word })}</span>
                {u.suggestions.length > 0 ? (
                  <span className="suggestions">
                    <span className="muted">{t('prompt.didYouMean')}</span>
                    {u.suggestions.map((s) => (
                      <button key={s} type="button" className="chip chip-suggestion" onClick={() => replace(u, s)} aria-label={t('prompt.replaceWith', { word: u.word, suggestion: s })}>
                        {s}
                      </button>
                    ))}
                  </span>
                ) : (
                  <span className="muted">{t('prompt.noSuggestion')}</span>
                )}
              </li>
            ))}
          </ul>
        ) : check && !check.ok && check.error ? (
          <p className="error-text">{check.error.message}</p>
        ) : null}
        {showMeaning && check?.ok ? <Meaning check={check} vocabulary={vocabulary} /> : null}
        {check ? (
          <p className={`token-count${check.tokens > check.max_tokens ? ' error-text' : ''}`}>{t('prompt.tokens', { n: check.tokens, max: check.max_tokens })}</p>
        ) : null}
      </div>
    </div>
  );
}

/** The text with unknown words wrapped in marks; a trailing space keeps the last line's height. */
function highlight(text: string, unknown: readonly { start: number; end: number }[]) {
  const parts: ReactNode[] = [];
  let at = 0;
  for (const u of unknown) {
    if (u.start < at) continue;
    parts.push(text.slice(at, u.start));
    parts.push(
      <mark key={u.start} className="unknown">
        {text.slice(u.start, u.end)}
      </mark>,
    );
    at = u.end;
  }
  parts.push(`${text.slice(at)} `);
  return parts;
}

/** "Reads as: red ball · bounces · on green grass", in the interface language. */
function Meaning({ check, vocabulary }: { check: PromptCheck; vocabulary?: Vocabulary }) {
  const { t, lang } = useI18n();
  if (!check.spec) return check.spec_warning ? <p className="meaning warning-text">{check.spec_warning}</p> : null;
  const name = (attribute: string, id: string | undefined) => {
    if (!id) return undefined;
    const value = vocabulary?.attributes.find((a) => a.attribute === attribute)?.values.find((v) => v.id === id);
    return value ? value[lang] : id;
  };
  const words = lang === 'zh' ? '' : ' '; // Chinese runs words together
  const parts = check.spec.objects.map((o) =>
    [name('size', o.size), name('color', o.color), name('texture', o.texture), name('shape', o.shape), name('motion', o.motion)].filter(Boolean).join(words),
  );
  const scene = [name('background', check.spec.background), name('camera', check.spec.camera)].filter(Boolean);
  const all = [...parts, ...scene].filter((p) => p !== '');
  return (
    <p className="meaning">
      {all.length ? (
        <>
          <span className="muted">{t('prompt.readsAs')}</span> {all.join(' · ')}
        </>
      ) : null}
    </p>
  );
}
