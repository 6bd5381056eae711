/**
 * On-screen controls for touch screens (and mice): hold a button to hold its action. Pointer capture keeps
 * the press until the finger lifts, even if it slides off; a keyboard activation (Enter on a focused
 * button) is a short tap.
 */
import { Icon, type IconName } from '../components/Icon.tsx';
import { useI18n } from '../i18n/i18n.tsx';
import type { MessageKey } from '../i18n/messages.ts';

const BUTTONS: readonly { action: string; icon: IconName; label: MessageKey }[] = [
  { action: 'left', icon: 'left', label: 'play.left' },
  { action: 'up', icon: 'up', label: 'play.jump' },
  { action: 'down', icon: 'down', label: 'play.duck' },
  { action: 'right', icon: 'right', label: 'play.right' },
];

/** How long a keyboard tap on a button holds its action. */
const TAP_MS = 200;

export function TouchPad({ held, onPress, onRelease }: { held: string; onPress: (source: string, action: string, at: number) => void; onRelease: (source: string, at: number) => void }) {
  const { t } = useI18n();
  return (
    <div className="touch-pad" role="group" aria-label={t('play.controls')}>
      {BUTTONS.map(({ action, icon, label }) => {
        const source = `pad-${action}`;
        return (
          <button
            key={action}
            type="button"
            className={`touch-button touch-${action}`}
            aria-pressed={held === action}
            onPointerDown={(e) => {
              e.currentTarget.setPointerCapture(e.pointerId);
              onPress(source, action, e.timeStamp);
            }}
            onPointerUp={(e) => onRelease(source, e.timeStamp)}
            onPointerCancel={(e) => onRelease(source, e.timeStamp)}
            onContextMenu={(e) => e.preventDefault()}
            onClick={(e) => {
              if (e.detail !== 0) return; // a pointer press, handled above
              onPress(source, action, e.timeStamp);
              setTimeout(() => onRelease(source, performance.now()), TAP_MS);
            }}
          >
            <Icon name={icon} size={28} />
            <span>{t(label)}</span>
          </button>
        );
      })}
    </div>
  );
}
