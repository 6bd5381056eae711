/**
 * The pictures a story script's `image` shots open on: one slot per path the script names, labelled with the
 * path, each an ImageDrop (drop, paste or pick). The studio keeps the Files only while the page is open; in a
 * remake the server has the earlier film's pictures, so a slot for a path that film had says it is taken from
 * it (a picture dropped there replaces it), and the note says so.
 */
import { useI18n } from '../i18n/i18n.tsx';
import { ImageDrop } from './ImageDrop.tsx';

interface Props {
  /** The paths as the script writes them, each once. */
  readonly paths: readonly string[];
  readonly pictures: ReadonlyMap<string, File>;
  /** Paths with no File, whose picture the server takes from the earlier film (a remake). */
  readonly kept: readonly string[];
  readonly onChange: (path: string, file: File | undefined) => void;
  /** The script is a film's, given back: a remake of it. */
  readonly remake: boolean;
}

export function StoryPictures({ paths, pictures, kept, onChange, remake }: Props) {
  const { t } = useI18n();
  if (paths.length === 0) return null;
  return (
    <section className="story-pictures" aria-labelledby="story-pictures-title">
      <h2 id="story-pictures-title" className="field-label">
        {t('create.storyPictures')}
      </h2>
      <p className="muted small">{remake ? t('create.storyPicturesAgain') : t('create.storyPicturesHelp')}</p>
      <div className="story-picture-slots">
        {paths.map((path) => (
          <ImageDrop
            key={path}
            label={path}
            file={pictures.get(path)}
            empty={kept.includes(path) ? t('create.storyPictureKept') : undefined}
            onChange={(file) => onChange(path, file)}
          />
        ))}
      </div>
    </section>
  );
}
