/**
 * What the studio remembers in this browser (localStorage): the API key, the interface language and the
 * create form's last settings. Everything else (videos, credits) comes from the server.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Lang } from '../i18n/messages.ts';
import { parseDraft, type Draft } from './draft.ts';

const STORAGE_KEY = 'cinesim.studio.v1';

export interface Prefs {
  readonly apiKey: string;
  readonly lang: Lang;
  readonly draft: Draft;
}

interface PrefsValue extends Prefs {
  update(change: Partial<Prefs>): void;
  updateDraft(change: Partial<Draft>): void;
}

const PrefsContext = createContext<PrefsValue | null>(null);

function load(): Prefs {
  let stored: Record<string, unknown> = {};
  try {
    stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Record<string, unknown>;
  } catch {
    // unreadable: start over
  }
  const lang: Lang = stored.lang === 'zh' || stored.lang === 'en' ? stored.lang : navigator.language.toLowerCase().startsWith('zh') ? 'zh' : 'en';
  return { apiKey: typeof stored.apiKey === 'string' ? stored.apiKey : '', lang, draft: parseDraft(stored.draft) };
}

export function PrefsProvider({ children }: { children: ReactNode }) {
  const [prefs, setPrefs] = useState(load);

  useEffect(() => {
    const timer = setTimeout(() => {
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify(prefs));
      } catch {
        // storage full or disabled: the studio still works for this visit
      }
    }, 200);
    return () => clearTimeout(timer);
  }, [prefs]);

  const update = useCallback((change: Partial<Prefs>) => setPrefs((p) => ({ ...p, ...change })), []);
  const updateDraft = useCallback((change: Partial<Draft>) => setPrefs((p) => ({ ...p, draft: { ...p.draft, ...change } })), []);
  const value = useMemo(() => ({ ...prefs, update, updateDraft }), [prefs, update, updateDraft]);
  return <PrefsContext.Provider value={value}>{children}</PrefsContext.Provider>;
}

export function usePrefs(): PrefsValue {
  const value = useContext(PrefsContext);
  if (!value) throw new Error('usePrefs outside PrefsProvider');
  return value;
}
