/** The API key, the interface language, and this key's usage: credits, limits and videos by status. */
import type { Usage } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { LANGS, type Lang } from '../i18n/messages.ts';
import { formatCredits } from '../lib/format.ts';
import { usePrefs } from '../state/prefs.tsx';
import { useServer } from '../state/server.tsx';
import { ApiKeyForm } from './ApiKeyForm.tsx';

export function SettingsPage() {
  const { t } = useI18n();
  const { lang, update } = usePrefs();
  const { usage, connection, problem, refreshUsage } = useServer();
  return (
    <div className="settings-page">
      <h1>{t('settings.title')}</h1>
      <section className="card" aria-labelledby="key-title">
        <h2 id="key-title">{t('settings.keyTitle')}</h2>
        <ApiKeyForm />
        <p className={`connection connection-${connection}`} role="status">
          {t(`connection.state.${connection}`)}
          {usage && connection === 'ready' ? ` · ${t('settings.keyName', { name: usage.key.name })}` : ''}
        </p>
        {problem && connection !== 'ready' ? <p className="muted small">{problem}</p> : null}
      </section>

      <section className="card" aria-labelledby="lang-title">
        <h2 id="lang-title">{t('settings.language')}</h2>
        <div className="preset-row" role="radiogroup" aria-labelledby="lang-title">
          {LANGS.map((l) => (
            <label key={l.id} className={`mode-option${lang === l.id ? ' selected' : ''}`}>
              <input type="radio" name="lang" value={l.id} checked={lang === l.id} onChange={() => update({ lang: l.id as Lang })} />
              <span>{l.label}</span>
            </label>
          ))}
        </div>
      </section>

      <section className="card" aria-labelledby="usage-title">
        <div className="card-head">
          <h2 id="usage-title">{t('usage.title')}</h2>
          <button type="button" className="button small ghost" onClick={refreshUsage}>
            {t('action.refresh')}
          </button>
        </div>
        {usage ? <UsageTable usage={usage} /> : <p className="muted">{t('usage.none')}</p>}
      </section>
    </div>
  );
}

function UsageTable({ usage }: { usage: Usage }) {
  const { t, credits } = useI18n();
  const rows: [string, string][] = [
    [t('usage.balance'), usage.balance === null ? t('credits.unmetered') : formatCredits(usage.balance)],
    [t('usage.granted'), formatCredits(usage.granted)],
    [t('usage.charged'), formatCredits(usage.charged)],
    [t('usage.refunded'), formatCredits(usage.refunded)],
    [t('usage.seconds'), formatCredits(usage.seconds_generated)],
    [t('usage.price'), credits(usage.credits_per_second)],
    [t('usage.rateLimit'), usage.rate_limit === null ? t('usage.unlimited') : t('usage.perMinute', { n: usage.rate_limit })],
    [t('usage.concurrency'), usage.concurrency === null ? t('usage.unlimited') : String(usage.concurrency)],
  ];
  return (
    <>
      <dl className="usage-grid">
        {rows.map(([k, v]) => (
          <div key={k} className="usage-item">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      <h3 className="small-heading">{t('usage.videos')}</h3>
      <ul className="status-counts">
        {(Object.keys(usage.videos) as (keyof Usage['videos'])[]).map((s) => (
          <li key={s}>
            <span className={`status-badge status-${s}`}>{t(`status.${s}`)}</span> {usage.videos[s]}
          </li>
        ))}
      </ul>
    </>
  );
}
