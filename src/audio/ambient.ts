/**
 * The ambient bed: procedural layers mixed by the scene's AmbientMix (scene.ts), no samples.
 *
 *   wind      two decorrelated noises (left, right) through lowpass filters whose cutoff and level drift
 *             with slow random gusts
 *   waves     low noise under a train of slow swells (each a rise and a fall of a few seconds), with a
 *             brighter wash at each crest
 *   crickets  a few crickets, each at its own pitch and place, chirping short trains of pulses at random
 *   hum       a soft low drone of two sines with a slow beat
 *
 * The bed is quiet by design (about −30 dBFS RMS): impacts and whooshes must stand out over it.
 */
import type { Rng } from '../util/random.ts';
import type { AmbientMix } from './events.ts';
import { noise, panGains, smoothing, StateVariableFilter } from './dsp.ts';

/** Level of each layer at weight 1, linear. */
const LEVEL = { wind: 0.05, waves: 0.06, crickets: 0.03, hum: 0.025 } as const;

/** Renders the bed as interleaved stereo of `frames` sample frames, adding into `out`. */
export function addAmbient(out: Float32Array, mix: AmbientMix, sampleRate: number, rng: (layer: string) => Rng): void {
  const frames = out.length / 2;
  if (mix.wind > 0) wind(out, frames, sampleRate, mix.wind * LEVEL.wind, rng('wind'));
  if (mix.waves > 0) waves(out, frames, sampleRate, mix.waves * LEVEL.waves, rng('waves'));
  if (mix.crickets > 0) crickets(out, frames, sampleRate, mix.crickets * LEVEL.crickets, rng('crickets'));
  if (mix.hum > 0) hum(out, frames, sampleRate, mix.hum * LEVEL.hum, rng('hum'));
}

/** A smooth random walk in [0, 1] that changes over about `seconds`. */
function drift(rng: Rng, sampleRate: number, seconds: number): () => number {
  let target = rng.next(), value = target, countdown = 0;
  const a = smoothing(seconds / 2, sampleRate);
  return () => {
    if (countdown-- <= 0) {
      target = rng.next();
      countdown = Math.round(seconds * sampleRate * (0.5 + rng.next()));
    }
    value += a * (target - value);
    return value;
  };
}

/** Fade in and out over the first and last 50 ms, so the bed never starts or stops with a click. */
function edgeFade(i: number, frames: number, sampleRate: number): number {
  const ramp = 0.05 * sampleRate;
  return Math.min(1, i / ramp, (frames - 1 - i) / ramp);
}

function wind(out: Float32Array, frames: number, sr: number, level: number, rng: Rng): void {
  const filters = [new StateVariableFilter(sr), new StateVariableFilter(sr)];
  const gust = drift(rng, sr, 2.5), tone = drift(rng, sr, 4);
  for (let i = 0; i < frames; i++) {
    const g = gust(), cutoff = 250 + 900 * tone() * (0.5 + g);
    const amp = level * (0.4 + 0.8 * g) * edgeFade(i, frames, sr);
    for (let c = 0; c < 2; c++) {
      filters[c].step(noise(rng), cutoff, 0.9);
      out[2 * i + c] += amp * filters[c].band * 2.2;
    }
  }
}

function waves(out: Float32Array, frames: number, sr: number, level: number, rng: Rng): void {
  const body = [new StateVariableFilter(sr), new StateVariableFilter(sr)];
  const wash = [new StateVariableFilter(sr), new StateVariableFilter(sr)];
  // Swell envelope: one raised-cosine wave after another, 4–7 s each, at random heights.
  let start = -rng.next() * 5 * sr, length = (4 + 3 * rng.next()) * sr, height = 0.6 + 0.4 * rng.next();
  for (let i = 0; i < frames; i++) {
    if (i - start >= length) {
      start += length;
      length = (4 + 3 * rng.next()) * sr;
      height = 0.6 + 0.4 * rng.next();
    }
    const phase = (i - start) / length;
    const swell = height * Math.sin(Math.PI * phase) ** 2;
    const amp = level * (0.25 + swell) * edgeFade(i, frames, sr);
    for (let c = 0; c < 2; c++) {
      body[c].step(noise(rng), 380 + 250 * swell, 0.7);
      wash[c].step(noise(rng), 2500 + 1500 * swell, 0.7);
      out[2 * i + c] += amp * (body[c].low * 1.6 + wash[c].band * swell * swell * 0.8);
    }
  }
}

function crickets(out: Float32Array, frames: number, sr: number, level: number, rng: Rng): void {
  const count = 3;
  for (let n = 0; n < count; n++) {
    const pitch = 3900 + 1100 * rng.next();
    const [left, right] = panGains(0.15 + 0.7 * rng.next());
    const amp = level * (0.6 + 0.4 * rng.next());
    const pulse = Math.round(0.012 * sr), gap = Math.round(0.022 * sr);
    // Chirps: 3–5 pulses each, then a pause of 0.3–1.2 s.
    for (let t = Math.round(rng.next() * 0.8 * sr); t < frames; ) {
      const pulses = 3 + rng.int(3);
      for (let p = 0; p < pulses; p++) {
        const s0 = t + p * (pulse + gap);
        for (let i = 0; i < pulse && s0 + i < frames; i++) {
          const env = Math.sin((Math.PI * i) / pulse) ** 2 * edgeFade(s0 + i, frames, sr);
          const v = amp * env * Math.sin((2 * Math.PI * pitch * i) / sr);
          out[2 * (s0 + i)] += v * left;
          out[2 * (s0 + i) + 1] += v * right;
        }
      }
      t += pulses * (pulse + gap) + Math.round((0.3 + 0.9 * rng.next()) * sr);
    }
  }
}

function hum(out: Float32Array, frames: number, sr: number, level: number, rng: Rng): void {
  const base = 55 * 2 ** (rng.int(5) / 12);
  for (let i = 0; i < frames; i++) {
    const t = i / sr;
    const beat = 0.75 + 0.25 * Math.sin(2 * Math.PI * 0.2 * t);
    const v = level * beat * edgeFade(i, frames, sr) * (Math.sin(2 * Math.PI * base * t) + 0.5 * Math.sin(2 * Math.PI * base * 1.5 * t));
    out[2 * i] += v;
    out[2 * i + 1] += v;
  }
}
