/**
 * The queue: every unfinished video (the running one first) with its progress and live preview, then the
 * latest finished ones. Status changes are announced politely for screen readers.
 */
import type { Video } from '../api/types.ts';
import { isFinal } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { useJobs } from '../state/jobs.tsx';
import { useToast } from '../state/toasts.tsx';
import { JobCard } from './JobCard.tsx';

const RECENT = 6;

export function QueuePanel() {
  const { t } = useI18n();
  const jobs = useJobs();
  const notify = useToast();
  const running = jobs.videos.filter((v) => v.status === 'in_progress').reverse();
  const waiting = jobs.videos.filter((v) => v.status === 'queued').reverse();
  const recent = jobs.videos.filter(isFinal).slice(0, RECENT);
  const list = [...running, ...waiting, ...recent];

  const cancel = (video: Video) => {
    jobs.cancel(video.id).then(
      () => notify(t('toast.cancelled'), 'info'),
      (error: unknown) => notify((error as Error).message, 'error'),
    );
  };

  return (
    <section className="card queue" aria-labelledby="queue-title">
      <div className="card-head">
        <h2 id="queue-title">{t('queue.title')}</h2>
        <span className="muted small">{running.length + waiting.length > 0 ? t('queue.active', { n: running.length + waiting.length }) : t('queue.idle')}</span>
      </div>
      {list.length === 0 ? (
        <p className="empty">{jobs.loaded ? t('queue.empty') : t('queue.loading')}</p>
      ) : (
        <ul className="job-list" aria-live="polite" aria-relevant="additions">
          {list.map((v) => (
            <JobCard key={v.id} video={v} preview={jobs.previews.get(v.id)} onCancel={cancel} />
          ))}
        </ul>
      )}
      {recent.length > 0 ? (
        <a className="link-more" href="#/gallery">
          {t('queue.seeAll')}
        </a>
      ) : null}
    </section>
  );
}
