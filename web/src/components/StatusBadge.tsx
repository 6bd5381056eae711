/** A video's status as a coloured pill. */
import type { Video } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';

export function StatusBadge({ video }: { video: Pick<Video, 'status'> }) {
  const { t } = useI18n();
  return <span className={`status-badge status-${video.status}`}>{t(`status.${video.status}`)}</span>;
}
