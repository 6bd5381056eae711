/**
 * Small DSP building blocks for the synthesiser: a state-variable filter, seeded noise, equal-power
 * panning, adding a mono voice into an interleaved stereo buffer, and the look-ahead limiter that keeps
 * the mix inside [-1, 1]. Everything is deterministic given the Rng it is handed.
 */
import type { Rng } from '../util/random.ts';

/**
 * Chamberlin state-variable filter (2x oversampled, so it stays stable up to about a third of the sample
 * rate). One `step` gives lowpass, bandpass and highpass outputs; cutoff and damping may change per sample.
 */
export class StateVariableFilter {
  low = 0;
  band = 0;
  high = 0;

  constructor(private readonly sampleRate: number) {}

  /** Filters one sample; q > 0.5 rings, q ≈ 0.7 is flat. */
  step(input: number, cutoff: number, q = 0.707): void {
    const f = 2 * Math.sin((Math.PI * Math.min(cutoff, this.sampleRate / 6)) / (2 * this.sampleRate));
    const damping = 1 / q;
    for (let i = 0; i < 2; i++) {
      this.low += f * this.band;
      this.high = input - this.low - damping * this.band;
      this.band += f * this.high;
    }
  }
}

/** One-pole lowpass (smoothing): y += a·(x − y), with a from a time constant in seconds. */
export function smoothing(seconds: number, sampleRate: number): number {
  return 1 - Math.exp(-1 / Math.max(seconds * sampleRate, 1));
}

/** White noise in [-1, 1). */
export function noise(rng: Rng): number {
  return 2 * rng.next() - 1;
}

/** Equal-power stereo gains for a position in [0, 1] (0 = hard left). */
export function panGains(position: number): [number, number] {
  const p = Math.min(1, Math.max(0, position));
  return [Math.cos((p * Math.PI) / 2), Math.sin((p * Math.PI) / 2)];
}

/** Adds a mono voice, starting at sample `start`, into interleaved stereo `out` with pan gains. */
export function mixIn(out: Float32Array, voice: Float32Array, start: number, [left, right]: [number, number]): void {
  const frames = out.length / 2;
  for (let i = Math.max(0, -start); i < voice.length && start + i < frames; i++) {
    out[(start + i) * 2] += voice[i] * left;
    out[(start + i) * 2 + 1] += voice[i] * right;
  }
}

export interface LimiterOptions {
  /** Peak level the output never exceeds. */
  ceiling: number;
  /** Look-ahead, seconds: the gain is down before a peak arrives, so there is no clipped attack. */
  lookahead: number;
  /** Recovery time constant, seconds. */
  release: number;
}

/**
 * Look-ahead peak limiter, in place, on interleaved stereo. The gain needed at each sample (ceiling over
 * the louder channel's peak) is taken as a running minimum over the look-ahead, smoothed by a moving average
 * of the same length (so it falls gradually, and still reaches its minimum by the peak), and released
 * slowly. Both channels get the same gain, so the stereo image holds. A final clamp guards rounding.
 */
export function limit(samples: Float32Array, sampleRate: number, o: LimiterOptions): void {
  const n = samples.length / 2;
  const look = Math.max(1, Math.round(o.lookahead * sampleRate));
  const need = new Float32Array(n);
  let loud = false;
  for (let i = 0; i < n; i++) {
    const peak = Math.max(Math.abs(samples[2 * i]), Math.abs(samples[2 * i + 1]));
    need[i] = peak > o.ceiling ? o.ceiling / peak : 1;
    if (need[i] < 1) loud = true;
  }
  if (!loud) return;
  // Running minimum over [i, i + look] (monotonic deque), then a moving average over [i − look, i].
  const ahead = new Float32Array(n);
  const queue = new Int32Array(n);
  let head = 0, tail = 0;
  for (let i = n - 1; i >= 0; i--) {
    while (tail > head && need[queue[tail - 1]] >= need[i]) tail--;
    queue[tail++] = i;
    while (queue[head] > i + look) head++;
    ahead[i] = need[queue[head]];
  }
  const release = smoothing(o.release, sampleRate);
  // sum = Σ ahead[j] for j in [i − look, i], samples before the start counting as gain 1.
  let sum = look + 1, gain = 1;
  for (let i = 0; i < n; i++) {
    sum += ahead[i] - (i - look - 1 >= 0 ? ahead[i - look - 1] : 1);
    gain = Math.min(sum / (look + 1), gain + (1 - gain) * release);
    for (let c = 0; c < 2; c++) {
      const v = samples[2 * i + c] * gain;
      samples[2 * i + c] = v > 1 ? 1 : v < -1 ? -1 : v;
    }
  }
}
