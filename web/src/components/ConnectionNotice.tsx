/** Shown instead of failing requests one by one: the server wants an API key, or cannot be reached. */
import { useI18n } from '../i18n/i18n.tsx';
import { usePrefs } from '../state/prefs.tsx';
import { useServer } from '../state/server.tsx';
import { ApiKeyForm } from './ApiKeyForm.tsx';

export function ConnectionNotice() {
  const { t } = useI18n();
  const { connection, problem, reconnect } = useServer();
  const { apiKey } = usePrefs();
  if (connection === 'connecting') {
    return (
      <p className="notice" role="status">
        {t('connection.connecting')}
      </p>
    );
  }
  if (connection === 'needs-key') {
    return (
      <section className="card notice notice-key" aria-labelledby="needs-key-title">
        <h2 id="needs-key-title">{t('connection.needsKey')}</h2>
        <p>{t('connection.needsKeyHelp')}</p>
        <pre className="command">node bin/cinesim.mjs keys create --credits 100</pre>
        <ApiKeyForm />
        {apiKey && problem ? <p className="error-text small">{problem}</p> : null}
      </section>
    );
  }
  return (
    <section className="card notice notice-error" role="alert">
      <h2>{t('connection.offline')}</h2>
      <p>{problem ?? t('connection.offlineHelp')}</p>
      <button type="button" className="button" onClick={reconnect}>
        {t('action.retry')}
      </button>
    </section>
  );
}
