/**
 * Sound events → a stereo soundtrack, deterministic under a seed:
 *
 *   impacts    a short pitched thump (a sine falling from 1.6x to its pitch, with a faster-decaying
 *              overtone and a noise click on the attack); pitch from size (small objects sound high),
 *              loudness from the velocity change; collisions add a bright noise burst
 *   fast       a whoosh: noise through a band that sweeps up and back down over the motion, louder for
 *              faster motion
 *   spin       a soft whirr (band noise, fluttering); grow / shrink a quiet rising / falling glide
 *   ambient    the bed chosen from the scene (ambient.ts)
 *
 * Each voice is panned by its horizontal position, the mix goes through a look-ahead limiter so it never
 * clips, and its length is exactly the clip's duration (frames / fps) at 48 kHz.
 */
import type { AudioSamples } from '../media/wav.ts';
import { Rng } from '../util/random.ts';
import { addAmbient } from './ambient.ts';
import { limit, mixIn, noise, panGains, StateVariableFilter } from './dsp.ts';
import type { SoundEvents, SoundImpact, SoundMotion } from './events.ts';

export const SAMPLE_RATE = 48_000;

export interface SynthOptions {
  seed?: number;
  /** Play the ambient bed (default true). */
  ambient?: boolean;
}

/** Peak level of the mix: −1 dBFS leaves room for the AAC encoder's overshoot. */
const CEILING = 0.89;

export function synthesize(events: SoundEvents, options: SynthOptions = {}): AudioSamples {
  const seed = options.seed ?? 0;
  const frames = Math.round((events.frames / events.fps) * SAMPLE_RATE);
  const out = new Float32Array(frames * 2);
  const pan = (x: number) => panGains(events.width > 1 ? x / (events.width - 1) : 0.5);

  events.impacts.forEach((impact, i) => {
    const voice = impactVoice(impact, Rng.derive(seed, `impact ${i}`));
    mixIn(out, voice, Math.round(impact.time * SAMPLE_RATE), pan(impact.x));
  });
  events.motions.forEach((motion, i) => {
    const voice = motionVoice(motion, Rng.derive(seed, `motion ${i}`));
    mixIn(out, voice, Math.round(Math.max(0, motion.start) * SAMPLE_RATE), pan(motion.x));
  });
  if (options.ambient ?? true) addAmbient(out, events.scene.ambient, SAMPLE_RATE, (layer) => Rng.derive(seed, `ambient ${layer}`));

  limit(out, SAMPLE_RATE, { ceiling: CEILING, lookahead: 0.002, release: 0.08 });
  return { samples: out, sampleRate: SAMPLE_RATE, channels: 2 };
}

/** Pitch of an impact from the object's radius (share of the short side): 28/r Hz, 70–1000 Hz. */
export function impactPitch(size: number): number {
  return Math.min(1000, Math.max(70, 28 / Math.max(size, 1e-3)));
}

/** Loudness of an impact from its velocity change (short-sides per second), 0.08–0.8. */
export function impactGain(strength: number): number {
  return Math.min(0.8, 0.08 + 0.22 * Math.sqrt(Math.max(0, strength)));
}

function impactVoice(impact: SoundImpact, rng: Rng): Float32Array {
  const f0 = impactPitch(impact.size);
  const gain = impactGain(impact.strength);
  const decay = 0.05 + 0.5 * impact.size; // bigger objects ring longer
  const length = Math.round((decay * 6 + 0.03) * SAMPLE_RATE);
  const voice = new Float32Array(length);
  const click = new StateVariableFilter(SAMPLE_RATE);
  const burst = new StateVariableFilter(SAMPLE_RATE);
  let phase = 0, overtone = 0;
  for (let i = 0; i < length; i++) {
    const t = i / SAMPLE_RATE;
    const attack = Math.min(1, t / 0.001);
    const f = f0 * (1 + 0.6 * Math.exp(-t / 0.012)); // falls onto its pitch in ~15 ms
    phase += (2 * Math.PI * f) / SAMPLE_RATE;
    overtone += (2 * Math.PI * f * 2.76) / SAMPLE_RATE;
    let v = attack * (Math.exp(-t / decay) * Math.sin(phase) + 0.35 * Math.exp(-t / (decay * 0.3)) * Math.sin(overtone));
    click.step(noise(rng), 3500, 0.7);
    v += 0.5 * Math.exp(-t / 0.003) * click.high;
    if (impact.kind === 'collision') {
      burst.step(noise(rng), Math.min(6000, 4 * f0 + 1200), 1.2);
      v += 0.9 * Math.exp(-t / 0.025) * burst.band;
    }
    voice[i] = gain * v;
  }
  return voice;
}

function motionVoice(motion: SoundMotion, rng: Rng): Float32Array {
  const duration = Math.max(0.05, motion.end - motion.start);
  const length = Math.round(duration * SAMPLE_RATE);
  const voice = new Float32Array(length);
  const filter = new StateVariableFilter(SAMPLE_RATE);
  let phase = 0;
  for (let i = 0; i < length; i++) {
    const s = i / length; // 0..1 through the motion
    const bell = Math.sin(Math.PI * s) ** 2;
    switch (motion.kind) {
      case 'fast': {
        // The band sweeps up to a peak that rises with speed, then back down.
        const top = 400 + 700 * Math.min(motion.speed, 4);
        filter.step(noise(rng), 250 + (top - 250) * bell, 1.8);
        voice[i] = Math.min(0.35, 0.07 * motion.speed) * bell * filter.band;
        break;
      }
      case 'spin': {
        filter.step(noise(rng), 900, 3);
        const flutter = 0.6 + 0.4 * Math.sin((2 * Math.PI * 7 * i) / SAMPLE_RATE);
        voice[i] = 0.06 * Math.min(1, 4 * s, 4 * (1 - s)) * flutter * filter.band;
        break;
      }
      case 'grow':
      case 'shrink': {
        const f = motion.kind === 'grow' ? 180 * 2 ** s : 360 * 2 ** -s;
        phase += (2 * Math.PI * f) / SAMPLE_RATE;
        voice[i] = 0.05 * Math.min(1, 8 * s, 8 * (1 - s)) * Math.sin(phase);
        break;
      }
    }
  }
  return voice;
}
