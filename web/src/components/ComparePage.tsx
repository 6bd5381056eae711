/** Two clips side by side under one set of controls, with the settings that differ between them. */
import { useEffect } from 'react';
import type { Video } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { sizeLabel } from '../lib/format.ts';
import { routeHref } from '../lib/route.ts';
import { useJobs } from '../state/jobs.tsx';
import { Player } from './Player.tsx';

const FIELDS = ['prompt', 'negative_prompt', 'model', 'mode', 'seconds', 'size', 'fps', 'seed', 'steps', 'guidance', 'sampler'] as const;

export function ComparePage({ a, b }: { a: string; b: string }) {
  const { t } = useI18n();
  const jobs = useJobs();
  const first = jobs.find(a);
  const second = jobs.find(b);
  const { loaded, fetchOne } = jobs;
  useEffect(() => {
    if (!loaded) return;
    if (!first) void fetchOne(a);
    if (!second) void fetchOne(b);
  }, [a, b, loaded]); // deliberately not on every change of the list

  const pair = [first, second].filter((v): v is Video => v !== undefined && v.status === 'completed');
  return (
    <section className="compare-page" aria-labelledby="compare-title">
      <div className="gallery-head">
        <h1 id="compare-title">{t('compare.title')}</h1>
        <a className="button ghost" href={routeHref({ page: 'gallery' })}>
          {t('compare.back')}
        </a>
      </div>
      {pair.length === 2 ? (
        <>
          <div className="card">
            <Player videos={pair} />
          </div>
          <table className="compare-table">
            <thead>
              <tr>
                <th scope="col">{t('compare.setting')}</th>
                <th scope="col">A</th>
                <th scope="col">B</th>
              </tr>
            </thead>
            <tbody>
              {FIELDS.map((field) => {
                const show = (v: Video) => (field === 'size' ? sizeLabel(v.size) : field === 'mode' ? t(`mode.${v.mode}`) : String(v[field] ?? ''));
                const differs = show(pair[0]) !== show(pair[1]);
                return (
                  <tr key={field} className={differs ? 'differs' : undefined}>
                    <th scope="row">{t(`field.${field}`)}</th>
                    <td>{show(pair[0])}</td>
                    <td>{show(pair[1])}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      ) : (
        <p className="empty">{loaded ? t('compare.unavailable') : t('queue.loading')}</p>
      )}
    </section>
  );
}
