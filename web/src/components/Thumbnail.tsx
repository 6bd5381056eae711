/** A video's thumbnail (completed), its live preview strip (running), or a placeholder. */
import type { Preview, Video } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { useMediaUrl } from '../state/media.tsx';
import { Icon } from './Icon.tsx';

export function Thumbnail({ video, preview, className = '' }: { video: Video; preview?: Preview; className?: string }) {
  const { t } = useI18n();
  const completed = video.status === 'completed';
  const { url } = useMediaUrl(video.id, 'thumbnail', completed);
  const [w, h] = video.size.split('x').map(Number);
  const shape = w && h ? (w > h * 1.2 ? 'wide' : h > w * 1.2 ? 'tall' : 'square') : 'square';
  if (!completed && preview) {
    return (
      <div className={`thumb thumb-preview ${className}`}>
        <img src={preview.image} alt={t('queue.previewAlt', { step: preview.step, total: preview.total })} className="pixelated" />
      </div>
    );
  }
  return (
    <div className={`thumb thumb-${shape} ${className}`}>
      {completed && url ? (
        <img src={url} alt="" className="pixelated" />
      ) : (
        <span className={`thumb-placeholder status-${video.status}`} aria-hidden="true">
          <Icon name={video.status === 'failed' ? 'alert' : video.status === 'cancelled' ? 'stop' : 'sparkle'} size={22} />
        </span>
      )}
    </div>
  );
}
