/** One video in the queue: its live preview, status and progress, what went wrong, and what can be done. */
import type { Preview, Video } from '../api/types.ts';
import { useI18n, type Translate } from '../i18n/i18n.tsx';
import { sizeLabel } from '../lib/format.ts';
import { routeHref } from '../lib/route.ts';
import { Icon } from './Icon.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { Thumbnail } from './Thumbnail.tsx';

export function JobCard({ video, preview, onCancel }: { video: Video; preview?: Preview; onCancel: (video: Video) => void }) {
  const { t } = useI18n();
  const unfinished = video.status === 'queued' || video.status === 'in_progress';
  return (
    <li className={`job-card status-${video.status}${unfinished && preview ? ' has-preview' : ''}`} data-video-id={video.id}>
      <Thumbnail video={video} preview={preview} className="job-thumb" />
      <div className="job-body">
        <p className="job-prompt" title={video.prompt ?? ''}>
          {video.prompt}
        </p>
        <p className="job-meta">
          <StatusBadge video={video} />
          <span>{t('unit.seconds', { n: video.seconds })}</span>
          <span>{sizeLabel(video.size)}</span>
          <span>{t(`mode.${video.mode}`)}</span>
        </p>
        {unfinished ? <ProgressBar video={video} preview={preview} /> : null}
        {video.status === 'failed' ? <p className="error-text small">{explainFailure(video, t)}</p> : null}
        <div className="job-actions">
          {unfinished ? (
            <button type="button" className="button small" onClick={() => onCancel(video)} aria-label={t('queue.cancelLabel', { prompt: video.prompt ?? '' })}>
              <Icon name="stop" size={14} />
              {t('action.cancel')}
            </button>
          ) : null}
          {video.status === 'completed' ? (
            <a className="button small" href={routeHref({ page: 'gallery', videoId: video.id })}>
              <Icon name="play" size={14} />
              {t('action.open')}
            </a>
          ) : null}
        </div>
      </div>
    </li>
  );
}

function ProgressBar({ video, preview }: { video: Video; preview?: Preview }) {
  const { t } = useI18n();
  const label = video.status === 'queued' ? t('queue.waiting') : preview ? t('queue.step', { step: preview.step, total: preview.total }) : t('queue.rendering');
  return (
    <div className="progress">
      <div className="progress-track" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={video.progress} aria-label={t('queue.progressLabel', { prompt: video.prompt ?? '' })}>
        <div className={`progress-fill${video.status === 'queued' ? ' indeterminate' : ''}`} style={{ width: `${video.status === 'queued' ? 100 : Math.max(2, video.progress)}%` }} />
      </div>
      <span className="progress-text">
        {label}
        {video.status === 'in_progress' ? ` · ${video.progress}%` : ''}
      </span>
    </div>
  );
}

/** A failure in words a creator can act on, with the server's own message after it. */
export function explainFailure(video: Video, t: Translate): string {
  const error = video.error;
  if (!error) return t('failure.unknown');
  const known: Record<string, Parameters<Translate>[0]> = {
    CINE_ERR_WORKER_FAILED: 'failure.worker',
    CINE_ERR_TOOL_FAILED: 'failure.tool',
    CINE_ERR_INPUT_UNREADABLE: 'failure.input',
    CINE_ERR_PROMPT_UNKNOWN_WORDS: 'failure.prompt',
    CINE_ERR_INVALID_ARGUMENT: 'failure.invalid',
    CINE_ERR_INTERNAL: 'failure.internal',
  };
  const key = known[error.code];
  const refund = video.cost > 0 ? ` ${t('failure.refunded')}` : '';
  return `${key ? t(key, { attempts: video.attempts }) : t('failure.unknown')} (${error.message})${refund}`;
}
