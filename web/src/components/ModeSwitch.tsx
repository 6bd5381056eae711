/** Text, image, first + last frame, extend, story, list: a radio group with the modes the chosen model can do. */
import { useI18n } from '../i18n/i18n.tsx';
import type { CreateMode } from '../state/draft.ts';
import { Icon, type IconName } from './Icon.tsx';

const ICONS: Readonly<Record<CreateMode, IconName>> = {
  'text-to-video': 'sparkle',
  'image-to-video': 'image',
  'first-last-frame': 'compare',
  extend: 'extend',
  story: 'grid',
  list: 'list',
};

export function ModeSwitch({ modes, value, onChange }: { modes: readonly CreateMode[]; value: CreateMode; onChange: (mode: CreateMode) => void }) {
  const { t } = useI18n();
  return (
    <fieldset className="mode-switch">
      <legend className="visually-hidden">{t('mode.label')}</legend>
      {modes.map((mode) => (
        <label key={mode} className={`mode-option${mode === value ? ' selected' : ''}`}>
          <input type="radio" name="mode" value={mode} checked={mode === value} onChange={() => onChange(mode)} />
          <Icon name={ICONS[mode]} size={16} />
          <span>{t(`mode.${mode}`)}</span>
        </label>
      ))}
    </fieldset>
  );
}
