/**
 * Every video of this key, from the server's history: search by prompt, filter by mode, model and status,
 * open one in the player, or pick two to compare side by side. Older videos load page by page.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Video, VideoMode, VideoStatus } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { navigate } from '../lib/route.ts';
import { useJobs } from '../state/jobs.tsx';
import { Icon } from './Icon.tsx';
import { VideoCard } from './VideoCard.tsx';

const MODES: readonly VideoMode[] = ['text-to-video', 'image-to-video', 'first-last-frame', 'extend', 'story'];
const STATUSES: readonly VideoStatus[] = ['completed', 'in_progress', 'queued', 'failed', 'cancelled'];

export function GalleryPage() {
  const { t } = useI18n();
  const jobs = useJobs();
  const [query, setQuery] = useState('');
  const [mode, setMode] = useState<VideoMode | ''>('');
  const [model, setModel] = useState('');
  const [status, setStatus] = useState<VideoStatus | ''>('');
  const [comparing, setComparing] = useState(false);
  const [picked, setPicked] = useState<readonly string[]>([]);
  const search = useRef<HTMLInputElement>(null);

  // "/" jumps to the search box, as on most sites with one.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.key === '/' && !/^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName) && !target.isContentEditable) {
        e.preventDefault();
        search.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const models = useMemo(() => [...new Set(jobs.videos.map((v) => v.model))].sort(), [jobs.videos]);
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const shown = jobs.videos.filter(
    (v: Video) =>
      (!mode || v.mode === mode) &&
      (!model || v.model === model) &&
      (!status || v.status === status) &&
      words.every((w) => (v.prompt ?? '').toLowerCase().includes(w)),
  );

  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p.slice(-1), id]));

  return (
    <section className="gallery" aria-labelledby="gallery-title">
      <div className="gallery-head">
        <h1 id="gallery-title">{t('gallery.title')}</h1>
        <div className="toolbar" role="search">
          <div className="search">
            <Icon name="search" size={16} />
            <label htmlFor="gallery-search" className="visually-hidden">
              {t('gallery.search')}
            </label>
            <input id="gallery-search" ref={search} type="search" placeholder={t('gallery.searchPlaceholder')} value={query} onChange={(e) => setQuery(e.target.value)} />
          </div>
          <label className="filter">
            <span className="visually-hidden">{t('gallery.filterMode')}</span>
            <select value={mode} onChange={(e) => setMode(e.target.value as VideoMode | '')} aria-label={t('gallery.filterMode')}>
              <option value="">{t('gallery.allModes')}</option>
              {MODES.map((m) => (
                <option key={m} value={m}>
                  {t(`mode.${m}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="filter">
            <span className="visually-hidden">{t('gallery.filterModel')}</span>
            <select value={model} onChange={(e) => setModel(e.target.value)} aria-label={t('gallery.filterModel')}>
              <option value="">{t('gallery.allModels')}</option>
              {models.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </label>
          <label className="filter">
            <span className="visually-hidden">{t('gallery.filterStatus')}</span>
            <select value={status} onChange={(e) => setStatus(e.target.value as VideoStatus | '')} aria-label={t('gallery.filterStatus')}>
              <option value="">{t('gallery.allStatuses')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`status.${s}`)}
                </option>
              ))}
            </select>
          </label>
          <button
            type="button"
            className="button"
            aria-pressed={comparing}
            onClick={() => {
              setComparing((c) => !c);
              setPicked([]);
            }}
          >
            <Icon name="compare" size={16} />
            {t('gallery.compare')}
          </button>
        </div>
      </div>

      {comparing ? (
        <div className="compare-bar" role="region" aria-label={t('gallery.compare')}>
          <span>{t('gallery.comparePick', { n: picked.length })}</span>
          <button type="button" className="button primary" disabled={picked.length !== 2} onClick={() => navigate({ page: 'compare', a: picked[0], b: picked[1] })}>
            {t('gallery.compareGo')}
          </button>
        </div>
      ) : null}

      <p className="muted small" aria-live="polite">
        {t('gallery.count', { shown: shown.length, total: jobs.videos.length })}
      </p>
      {shown.length === 0 ? (
        <p className="empty">{jobs.loaded ? (jobs.videos.length ? t('gallery.noMatch') : t('gallery.empty')) : t('queue.loading')}</p>
      ) : (
        <ul className="video-grid">
          {shown.map((v) => (
            <VideoCard key={v.id} video={v} picking={comparing} picked={picked.includes(v.id)} onPick={toggle} disabled={comparing && v.status !== 'completed'} />
          ))}
        </ul>
      )}
      {jobs.hasMore ? (
        <button type="button" className="button load-more" onClick={jobs.loadMore} disabled={jobs.loading}>
          {t('gallery.loadMore')}
        </button>
      ) : null}
    </section>
  );
}
