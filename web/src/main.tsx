/** Entry point: the providers, outermost first (preferences → language → server → media, videos, notices), then the app. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { I18nProvider } from './i18n/i18n.tsx';
import { JobsProvider } from './state/jobs.tsx';
import { MediaProvider } from './state/media.tsx';
import { PrefsProvider, usePrefs } from './state/prefs.tsx';
import { ServerProvider } from './state/server.tsx';
import { ToastProvider } from './state/toasts.tsx';
import './styles.css';

function WithLanguage() {
  const { lang } = usePrefs();
  return (
    <I18nProvider lang={lang}>
      <ToastProvider>
        <ServerProvider>
          <MediaProvider>
            <JobsProvider>
              <App />
            </JobsProvider>
          </MediaProvider>
        </ServerProvider>
      </ToastProvider>
    </I18nProvider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <PrefsProvider>
      <WithLanguage />
    </PrefsProvider>
  </StrictMode>,
);
