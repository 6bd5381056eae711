/** Which completed video an extension continues: a list of the user's completed videos of this model. */
import { useId } from 'react';
import type { Video } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { shortId } from '../lib/format.ts';
import { useJobs } from '../state/jobs.tsx';
import { Thumbnail } from './Thumbnail.tsx';

export function ExtendPicker({ model, value, onChange }: { model?: string; value?: string; onChange: (id: string | undefined) => void }) {
  const { t } = useI18n();
  const { videos } = useJobs();
  const id = useId();
  const choices = videos.filter((v) => v.status === 'completed' && (!model || v.model === model));
  const chosen: Video | undefined = choices.find((v) => v.id === value);
  return (
    <div className="field extend-picker">
      <label htmlFor={id}>{t('extend.label')}</label>
      {choices.length === 0 ? (
        <p className="muted">{t('extend.none')}</p>
      ) : (
        <div className="extend-row">
          {chosen ? <Thumbnail video={chosen} className="extend-thumb" /> : null}
          <select id={id} value={value ?? ''} onChange={(e) => onChange(e.target.value || undefined)}>
            <option value="">{t('extend.choose')}</option>
            {choices.map((v) => (
              <option key={v.id} value={v.id}>
                {`${v.prompt ?? ''} · ${v.seconds} s · ${shortId(v.id)}`}
              </option>
            ))}
          </select>
        </div>
      )}
    </div>
  );
}
