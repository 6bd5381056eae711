/**
 * Typed events: text read by the world's own event parser (src/world/game-events.ts) right in the page,
 * so an unknown word is answered at once with the parser's message and suggestions, and a good one goes to
 * the model as its event code for the next frame. The examples are one click away.
 */
import { useId, useState, type FormEvent } from 'react';
import { isCinesimError } from '../../../src/errors.ts';
import { describeGameEvent, EVENT_EXAMPLES, parseGameEvent, type GameEvent } from '../../../src/world/game-events.ts';
import { useI18n } from '../i18n/i18n.tsx';

export function EventBox({ disabled, onEvent }: { disabled: boolean; onEvent: (event: GameEvent) => void }) {
  const { t, lang } = useI18n();
  const id = useId();
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const [sent, setSent] = useState<GameEvent>();

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim() === '') return;
    let event: GameEvent;
    try {
      event = parseGameEvent(text);
    } catch (problem) {
      setError(isCinesimError(problem) || problem instanceof Error ? problem.message : String(problem));
      return;
    }
    setError(undefined);
    setSent(event);
    onEvent(event);
  };

  return (
    <form className="event-form" onSubmit={submit} noValidate>
      <label htmlFor={`${id}-event`} className="field-label">
        {t('play.event')}
      </label>
      <div className="input-group">
        <input
          id={`${id}-event`}
          name="event"
          value={text}
          autoComplete="off"
          placeholder={t('play.eventPlaceholder')}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-help${error ? ` ${id}-error` : ''}`}
          onChange={(e) => {
            setText(e.target.value);
            setError(undefined);
          }}
        />
        <button type="submit" className="button" disabled={disabled || text.trim() === ''}>
          {t('play.fire')}
        </button>
      </div>
      {error ? (
        <p id={`${id}-error`} className="error-text small event-error" role="alert">
          {error}
        </p>
      ) : null}
      <p id={`${id}-help`} className="muted small">
        {t('play.eventHelp')}
      </p>
      <div className="preset-row">
        {EVENT_EXAMPLES[lang].map((example) => (
          <button key={example} type="button" className="chip" onClick={() => (setText(example), setError(undefined))}>
            {example}
          </button>
        ))}
      </div>
      <p className="muted small event-sent" role="status">
        {sent ? t('play.eventSent', { event: describeGameEvent(sent, lang) }) : ''}
      </p>
    </form>
  );
}
