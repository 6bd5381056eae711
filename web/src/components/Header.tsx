/** The top bar: the studio's name, the pages, the credit balance and the language switch. */
import { useI18n } from '../i18n/i18n.tsx';
import { LANGS, type Lang } from '../i18n/messages.ts';
import { routeHref, type Route } from '../lib/route.ts';
import { usePrefs } from '../state/prefs.tsx';
import { useServer } from '../state/server.tsx';
import { Icon, type IconName } from './Icon.tsx';

const PAGES: readonly { page: 'create' | 'gallery' | 'play' | 'settings'; icon: IconName }[] = [
  { page: 'create', icon: 'sparkle' },
  { page: 'gallery', icon: 'grid' },
  { page: 'play', icon: 'gamepad' },
  { page: 'settings', icon: 'settings' },
];

export function Header({ route }: { route: Route }) {
  const { t, credits } = useI18n();
  const { lang, update } = usePrefs();
  const { usage } = useServer();
  const current = route.page === 'compare' ? 'gallery' : route.page;
  return (
    <header className="topbar">
      <a className="brand" href="#/create" aria-label={t('app.title')}>
        <span className="brand-mark" aria-hidden="true">
          <Icon name="play" size={14} />
        </span>
        <span className="brand-name">Cinesim</span>
        <span className="brand-sub">{t('app.studio')}</span>
      </a>
      <nav className="nav" aria-label={t('nav.label')}>
        {PAGES.map(({ page, icon }) => (
          <a key={page} href={routeHref({ page })} className="nav-link" aria-current={current === page ? 'page' : undefined}>
            <Icon name={icon} size={16} />
            <span>{t(`nav.${page}`)}</span>
          </a>
        ))}
      </nav>
      <div className="topbar-end">
        {usage ? (
          <a className="credits" href="#/settings" title={t('usage.title')}>
            {usage.balance === null ? t('credits.unmetered') : credits(usage.balance)}
          </a>
        ) : null}
        <label className="visually-hidden" htmlFor="lang-select">
          {t('settings.language')}
        </label>
        <select id="lang-select" className="lang-select" value={lang} onChange={(e) => update({ lang: e.target.value as Lang })}>
          {LANGS.map((l) => (
            <option key={l.id} value={l.id}>
              {l.label}
            </option>
          ))}
        </select>
      </div>
    </header>
  );
}
