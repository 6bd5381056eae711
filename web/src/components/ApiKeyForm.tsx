/** Entering, showing and forgetting the API key (kept in this browser's localStorage only). */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { usePrefs } from '../state/prefs.tsx';
import { useServer } from '../state/server.tsx';
import { useToast } from '../state/toasts.tsx';

export function ApiKeyForm() {
  const { t } = useI18n();
  const { apiKey, update } = usePrefs();
  const { reconnect } = useServer();
  const notify = useToast();
  const [value, setValue] = useState(apiKey);
  const [shown, setShown] = useState(false);
  const id = useId();
  useEffect(() => setValue(apiKey), [apiKey]);

  const save = (e: FormEvent) => {
    e.preventDefault();
    update({ apiKey: value.trim() });
    reconnect();
    notify(value.trim() ? t('settings.keySaved') : t('settings.keyCleared'), 'success');
  };
  return (
    <form className="key-form" onSubmit={save}>
      <label htmlFor={id}>{t('settings.apiKey')}</label>
      <div className="key-row">
        <input
          id={id}
          type={shown ? 'text' : 'password'}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder="csk_…"
          autoComplete="off"
          spellCheck={false}
          aria-describedby={`${id}-help`}
        />
        <button type="button" className="button ghost" onClick={() => setShown((s) => !s)} aria-pressed={shown}>
          {shown ? t('settings.hide') : t('settings.show')}
        </button>
        <button type="submit" className="button primary">
          {t('action.save')}
        </button>
      </div>
      <p id={`${id}-help`} className="muted small">
        {t('settings.apiKeyHelp')}
      </p>
    </form>
  );
}
