/**
 * The interface language: `t(key, params)` looks a message up in the typed dictionary (messages.ts) and
 * fills `{name}` placeholders. The page's `lang` attribute follows, so screen readers and fonts switch too.
 */
import { createContext, useContext, useEffect, useMemo, type ReactNode } from 'react';
import { MESSAGES, type Lang, type MessageKey } from './messages.ts';

export type Translate = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;

interface I18nValue {
  readonly lang: Lang;
  /** BCP 47 tag for Intl formatting. */
  readonly locale: string;
  readonly t: Translate;
  /** "1 credit", "3 credits", "2.5 credits" (and the Chinese forms). */
  readonly credits: (n: number) => string;
}

const I18nContext = createContext<I18nValue | null>(null);

export function I18nProvider({ lang, children }: { lang: Lang; children: ReactNode }) {
  useEffect(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    document.title = MESSAGES[lang]['app.title'];
  }, [lang]);
  const value = useMemo<I18nValue>(() => {
    const table = MESSAGES[lang];
    const t: Translate = (key, params) => {
      const text = table[key];
      return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m)) : text;
    };
    const credits = (n: number) => (n === 1 ? t('credits.one') : t('credits.other', { n: Number.isInteger(n) ? n : n.toFixed(2) }));
    return { lang, locale: lang === 'zh' ? 'zh-CN' : 'en', t, credits };
  }, [lang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18nValue {
  const value = useContext(I18nContext);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
