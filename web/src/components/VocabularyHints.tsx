/** The words the model knows, by attribute, in the interface language; a chip adds its phrase to the prompt. */
import type { Vocabulary } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';

export function VocabularyHints({ vocabulary, onInsert }: { vocabulary?: Vocabulary; onInsert: (phrase: string) => void }) {
  const { t, lang } = useI18n();
  if (!vocabulary) return null;
  return (
    <details className="hints">
      <summary>{t('hints.title')}</summary>
      <p className="muted small">{t('hints.help')}</p>
      <dl className="hint-groups">
        {vocabulary.attributes.map((group) => (
          <div key={group.attribute} className="hint-group">
            <dt>{t(`attr.${group.attribute}`)}</dt>
            <dd>
              {group.values.map((v) => (
                <button key={v.id} type="button" className="chip" onClick={() => onInsert(v[lang])} title={lang === 'zh' ? v.en : v.zh}>
                  {v[lang]}
                </button>
              ))}
            </dd>
          </div>
        ))}
      </dl>
    </details>
  );
}
