/**
 * Length, size, frame rate, seed, steps and guidance, with presets: quality presets set steps (and
 * guidance) from the model's defaults; aspect presets pick among the model's sizes. Only values
 * the model can make are offered, so a request never fails on them.
 */
import type { Model } from '../api/types.ts';
import { useI18n } from '../i18n/i18n.tsx';
import { aspectLabel, randomSeed, sizeLabel } from '../lib/format.ts';
import { fpsChoices, VARIANT_CHOICES, type Draft } from '../state/draft.ts';
import { Icon } from './Icon.tsx';

interface Props {
  readonly model: Model;
  readonly draft: Draft;
  readonly onChange: (change: Partial<Draft>) => void;
  /** A story's shots say their own lengths: no length field. */
  readonly story?: boolean;
}

type QualityPreset = 'draft' | 'standard' | 'quality';

function presetSteps(model: Model, preset: QualityPreset): number {
  const steps = model.defaults.steps;
  return preset === 'draft' ? Math.max(1, Math.round(steps / 2)) : preset === 'quality' ? Math.min(100, steps * 2) : steps;
}

export function GenerationSettings({ model, draft, onChange, story = false }: Props) {
  const { t } = useI18n();
  const presets: QualityPreset[] = ['draft', 'standard', 'quality'];
  const activePreset = presets.find((p) => draft.steps === presetSteps(model, p) && draft.guidance === model.defaults.guidance);
  const aspects = [...new Map(model.sizes.map((s) => [aspectLabel(s), s])).entries()];
  return (
    <div className="settings-block">
      <div className="preset-row" role="group" aria-label={t('settings.presets')}>
        {presets.map((p) => (
          <button
            key={p}
            type="button"
            className="chip"
            aria-pressed={activePreset === p}
            onClick={() => onChange({ steps: presetSteps(model, p), guidance: model.defaults.guidance })}
            title={t('preset.stepsHint', { n: presetSteps(model, p) })}
          >
            {t(`preset.${p}`)}
          </button>
        ))}
        <span className="preset-sep" aria-hidden="true" />
        {aspects.map(([label, size]) => (
          <button key={size} type="button" className="chip" aria-pressed={draft.size === size} onClick={() => onChange({ size })} title={sizeLabel(size)}>
            <AspectIcon size={size} />
            {label}
          </button>
        ))}
      </div>

      <div className="settings-grid">
        {story ? null : (
          <div className="field">
            <label htmlFor="set-seconds">{t('settings.seconds')}</label>
            <select id="set-seconds" value={draft.seconds} onChange={(e) => onChange({ seconds: e.target.value })}>
              {model.seconds.map((s) => (
                <option key={s} value={s}>
                  {t('unit.seconds', { n: s })}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor="set-size">{t('settings.size')}</label>
          <select id="set-size" value={draft.size} onChange={(e) => onChange({ size: e.target.value })}>
            {model.sizes.map((s) => (
              <option key={s} value={s}>
                {`${sizeLabel(s)} · ${aspectLabel(s)}`}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="set-fps">{t('settings.fps')}</label>
          <select id="set-fps" value={draft.fps} onChange={(e) => onChange({ fps: Number(e.target.value) })}>
            {fpsChoices(model).map((f) => (
              <option key={f} value={f}>
                {f === model.fps ? t('settings.fpsNative', { n: f }) : String(f)}
              </option>
            ))}
          </select>
        </div>
        <div className="field seed-field">
          <label htmlFor="set-seed">{t('settings.seed')}</label>
          <div className="input-group">
            <input
              id="set-seed"
              type="number"
              inputMode="numeric"
              min={0}
              max={4294967295}
              value={draft.seed}
              onChange={(e) => onChange({ seed: clampSeed(e.target.valueAsNumber) })}
            />
            <button
              type="button"
              className="icon-button"
              aria-pressed={draft.seedLocked}
              onClick={() => onChange({ seedLocked: !draft.seedLocked })}
              title={draft.seedLocked ? t('settings.seedLocked') : t('settings.seedUnlocked')}
              aria-label={t('settings.seedLock')}
            >
              <Icon name={draft.seedLocked ? 'lock' : 'unlock'} />
            </button>
            <button type="button" className="icon-button" onClick={() => onChange({ seed: randomSeed() })} aria-label={t('settings.seedRandom')} title={t('settings.seedRandom')}>
              <Icon name="dice" />
            </button>
          </div>
        </div>
        {story ? null : (
          <div className="field">
            <label htmlFor="set-variants">{t('settings.variants')}</label>
            <select id="set-variants" value={draft.variants} onChange={(e) => onChange({ variants: Number(e.target.value) })} title={t('settings.variantsHint')}>
              {VARIANT_CHOICES.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </div>
        )}
        <div className="field">
          <label htmlFor="set-steps">{t('settings.steps')}</label>
          <input id="set-steps" type="number" min={1} max={100} value={draft.steps ?? ''} onChange={(e) => onChange({ steps: positiveInt(e.target.valueAsNumber) })} />
        </div>
        <div className="field">
          <label htmlFor="set-guidance">{t('settings.guidance')}</label>
          <input
            id="set-guidance"
            type="number"
            min={0}
            max={20}
            step={0.5}
            value={draft.guidance ?? ''}
            onChange={(e) => onChange({ guidance: Number.isFinite(e.target.valueAsNumber) ? Math.max(0, e.target.valueAsNumber) : undefined })}
          />
        </div>
      </div>
    </div>
  );
}

/** A small outline rectangle of the frame's shape. */
function AspectIcon({ size }: { size: string }) {
  const [w, h] = size.split('x').map(Number);
  const r = w && h ? w / h : 1;
  const box = r >= 1 ? { width: 15, height: Math.max(6, Math.round(15 / r)) } : { width: Math.max(6, Math.round(15 * r)), height: 15 };
  return <span className="aspect-icon" style={box} aria-hidden="true" />;
}

function clampSeed(n: number): number {
  return Number.isFinite(n) ? Math.min(4294967295, Math.max(0, Math.floor(n))) : 0;
}

function positiveInt(n: number): number | undefined {
  return Number.isFinite(n) ? Math.min(100, Math.max(1, Math.round(n))) : undefined;
}
