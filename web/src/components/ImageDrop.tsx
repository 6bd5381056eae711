/**
 * An image input that takes a drop, a paste (anywhere on the zone, focused) or a file picked the usual
 * way; it shows the image it holds. Its file input is named by its button and the zone's label ("Choose a
 * file First frame"), so several on one page are told apart.
 */
import { useEffect, useId, useState, type DragEvent } from 'react';
import { useI18n } from '../i18n/i18n.tsx';
import { imageFrom } from '../lib/files.ts';
import { Icon } from './Icon.tsx';

/** `empty` is what the zone says while it holds no file (by default, to drop or paste one). */
export function ImageDrop({ label, file, empty, onChange }: { label: string; file?: File; empty?: string; onChange: (file: File | undefined) => void }) {
  const { t } = useI18n();
  const id = useId();
  const [over, setOver] = useState(false);
  const [preview, setPreview] = useState<string>();

  useEffect(() => {
    if (!file) {
      setPreview(undefined);
      return;
    }
    const url = URL.createObjectURL(file);
    setPreview(url);
    return () => URL.revokeObjectURL(url);
  }, [file]);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const image = imageFrom(e.dataTransfer);
    if (image) onChange(image);
  };

  return (
    <div className="field">
      <span className="field-label" id={`${id}-label`}>
        {label}
      </span>
      <div
        className={`drop-zone${over ? ' over' : ''}${file ? ' filled' : ''}`}
        role="group"
        aria-labelledby={`${id}-label`}
        tabIndex={0}
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
        onPaste={(e) => {
          const image = imageFrom(e.clipboardData);
          if (image) {
            e.preventDefault();
            onChange(image);
          }
        }}
      >
        {preview ? <img src={preview} alt={t('image.chosen', { name: file?.name ?? '' })} /> : <Icon name="image" size={28} />}
        <div className="drop-text">
          {file ? <span className="file-name">{file.name}</span> : <span>{empty ?? t('image.drop')}</span>}
          <span className="drop-actions">
            <label className="button small" htmlFor={id} id={`${id}-choose`}>
              {file ? t('image.replace') : t('image.choose')}
            </label>
            <input
              id={id}
              className="visually-hidden"
              type="file"
              aria-labelledby={`${id}-choose ${id}-label`}
              accept="image/png,image/jpeg,image/webp"
              onChange={(e) => {
                onChange(e.target.files?.[0]);
                e.target.value = '';
              }}
            />
            {file ? (
              <button type="button" className="button small ghost" onClick={() => onChange(undefined)}>
                {t('image.remove')}
              </button>
            ) : null}
          </span>
        </div>
      </div>
    </div>
  );
}
