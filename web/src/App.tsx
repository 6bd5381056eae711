/** The studio's frame: header with navigation, the page for the current route, and the player over the gallery. */
import { lazy, Suspense } from 'react';
import { ComparePage } from './components/ComparePage.tsx';
import { ConnectionNotice } from './components/ConnectionNotice.tsx';
import { CreatePage } from './components/CreatePage.tsx';
import { GalleryPage } from './components/GalleryPage.tsx';
import { Header } from './components/Header.tsx';
import { PlayerDialog } from './components/PlayerDialog.tsx';
import { SettingsPage } from './components/SettingsPage.tsx';
import { useI18n } from './i18n/i18n.tsx';
import { navigate, routeHref, useRoute } from './lib/route.ts';
import { useServer } from './state/server.tsx';

/** The Play page (the world model in the browser) loads on first visit: the rest of the studio does not carry it. */
const PlayPage = lazy(() => import('./play/PlayPage.tsx'));

/** Back to the gallery when the player closes, unless an action in it already went elsewhere (remix → queue). */
function closePlayer(videoId: string): void {
  if (window.location.hash === routeHref({ page: 'gallery', videoId })) navigate({ page: 'gallery' });
}

export function App() {
  const route = useRoute();
  const { connection } = useServer();
  const { t } = useI18n();
  const needsServer = route.page !== 'settings';
  return (
    <>
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      <Header route={route} />
      <main id="main" tabIndex={-1}>
        {needsServer && connection !== 'ready' ? (
          <ConnectionNotice />
        ) : (
          <>
            {route.page === 'create' && <CreatePage />}
            {route.page === 'gallery' && <GalleryPage />}
            {route.page === 'compare' && <ComparePage a={route.a} b={route.b} />}
            {route.page === 'play' && (
              <Suspense fallback={<p className="muted">{t('play.loading')}</p>}>
                <PlayPage />
              </Suspense>
            )}
            {route.page === 'settings' && <SettingsPage />}
          </>
        )}
      </main>
      {route.page === 'gallery' && route.videoId && connection === 'ready' ? <PlayerDialog videoId={route.videoId} onClose={() => closePlayer(route.videoId!)} /> : null}
    </>
  );
}
