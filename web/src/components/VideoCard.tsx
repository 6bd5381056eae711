/** A video in the gallery grid: opens the player, or (while comparing) toggles its place in the pair. */
import type { Video } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { sizeLabel, timeAgo } from '../lib/format.ts';
import { routeHref } from '../lib/route.ts';
import { useJobs } from '../state/jobs.tsx';
import { StatusBadge } from './StatusBadge.tsx';
import { Thumbnail } from './Thumbnail.tsx';

interface Props {
  readonly video: Video;
  readonly picking: boolean;
  readonly picked: boolean;
  readonly disabled: boolean;
  readonly onPick: (id: string) => void;
}

export function VideoCard({ video, picking, picked, disabled, onPick }: Props) {
  const { t, locale } = useI18n();
  const { previews } = useJobs();
  const body = (
    <>
      <Thumbnail video={video} preview={previews.get(video.id)} className="card-thumb" />
      <span className="video-card-text">
        <span className="video-card-prompt">{video.prompt}</span>
        <span className="video-card-meta">
          <StatusBadge video={video} />
          <span>{t('unit.seconds', { n: video.seconds })}</span>
          <span>{sizeLabel(video.size)}</span>
          <span>{timeAgo(video.created_at, locale)}</span>
        </span>
      </span>
    </>
  );
  return (
    <li className={`video-card${picked ? ' picked' : ''}`} data-video-id={video.id}>
      {picking ? (
        <label className={`video-card-inner${disabled ? ' disabled' : ''}`}>
          <input type="checkbox" className="pick" checked={picked} disabled={disabled} onChange={() => onPick(video.id)} aria-label={t('gallery.pickLabel', { prompt: video.prompt ?? '' })} />
          {body}
        </label>
      ) : (
        <a className="video-card-inner" href={routeHref({ page: 'gallery', videoId: video.id })}>
          {body}
        </a>
      )}
    </li>
  );
}
