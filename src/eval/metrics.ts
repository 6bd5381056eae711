/**
 * Per-clip image metrics on VideoFrames (uint8 RGB), on the 0..1 scale.
 *
 * PSNR and SSIM follow training/cinesim_train/metrics.py exactly, so the figures `cinesim eval` prints
 * compare with those the training logs print:
 * - PSNR: −10·log10(MSE) over every value of the clip, MSE clamped at 1e-10 (identical clips give 100 dB
 *   rather than ∞, which JSON cannot hold);
 * - SSIM: an 11×11 Gaussian window (σ 1.5) applied per frame and channel as a zero-padded 'same'
 *   convolution (F.conv2d with padding 5, so borders see zeros), C1 = 0.01², C2 = 0.03², the map averaged
 *   over frames, channels and pixels.
 *
 * Flicker is Cinesim's own: the mean absolute second temporal difference,
 *   mean over t = 1..F−2 and all values of |f_t − (f_{t−1} + f_{t+1})/2| / 255,
 * which is 0 for a still clip and for any pixel that changes linearly in time (a fade), and grows with
 * frame-to-frame jitter. Moving edges contribute too, so a generated clip's flicker is read next to the
 * flicker of the rendered clip of the same scene.
 *
 * Seam continuity is for videos put together from parts (extend, long video): the frame step into the
 * first frame of a new part, mean |f_t − f_{t−1}| / 255, over the video's normal frame step, the median
 * step away from the seams. A ratio ≤ 1 means the seam changes the picture no more than an ordinary step.
 */
import type { VideoFrames } from '../media/frames.ts';

/** MSE floor of metrics.py: caps PSNR at 100 dB. */
const MIN_MSE = 1e-10;

const SSIM_RADIUS = 5; // window 11
const SSIM_SIGMA = 1.5;
const C1 = 0.01 ** 2;
const C2 = 0.03 ** 2;

/** The normalised 1-D Gaussian the 11×11 SSIM window is the outer product of. */
const GAUSSIAN: Float64Array = (() => {
  const g = new Float64Array(2 * SSIM_RADIUS + 1);
  for (let i = 0; i < g.length; i++) g[i] = Math.exp(-((i - SSIM_RADIUS) ** 2) / (2 * SSIM_SIGMA ** 2));
  const sum = g.reduce((a, b) => a + b, 0);
  return g.map((v) => v / sum);
})();

function checkSameShape(a: VideoFrames, b: VideoFrames): void {
  if (a.width !== b.width || a.height !== b.height || a.count !== b.count) {
    throw new Error(`clips differ in shape: ${a.width}x${a.height}x${a.count} and ${b.width}x${b.height}x${b.count}`);
  }
}

/** Peak signal-to-noise ratio in dB (0..1 scale), as metrics.py `psnr`. */
export function psnr(a: VideoFrames, b: VideoFrames): number {
  checkSameShape(a, b);
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const d = (a.data[i] - b.data[i]) / 255;
    sum += d * d;
  }
  return -10 * Math.log10(Math.max(sum / a.data.length, MIN_MSE));
}

/** Structural similarity, as metrics.py `ssim`: 1 for identical clips. */
export function ssim(a: VideoFrames, b: VideoFrames): number {
  checkSameShape(a, b);
  const { width: w, height: h } = a;
  const plane = w * h;
  const x = new Float64Array(plane);
  const y = new Float64Array(plane);
  const products = [new Float64Array(plane), new Float64Array(plane), new Float64Array(plane)]; // x², y², xy
  const scratch = new Float64Array(plane);
  let total = 0;
  for (let f = 0; f < a.count; f++) {
    for (let ch = 0; ch < 3; ch++) {
      const base = f * plane * 3 + ch; // [f, 0, 0, ch]
      for (let p = 0; p < plane; p++) {
        x[p] = a.data[base + p * 3] / 255;
        y[p] = b.data[base + p * 3] / 255;
        products[0][p] = x[p] * x[p];
        products[1][p] = y[p] * y[p];
        products[2][p] = x[p] * y[p];
      }
      const [mx, my, exx, eyy, exy] = [x, y, ...products].map((m) => blur(m, w, h, scratch));
      for (let p = 0; p < plane; p++) {
        const vx = exx[p] - mx[p] * mx[p];
        const vy = eyy[p] - my[p] * my[p];
        const cxy = exy[p] - mx[p] * my[p];
        total +=
          ((2 * mx[p] * my[p] + C1) * (2 * cxy + C2)) / ((mx[p] * mx[p] + my[p] * my[p] + C1) * (vx + vy + C2));
      }
    }
  }
  return total / (a.count * 3 * plane);
}

/**
 * The 11×11 Gaussian blur with zero padding, done as two 1-D passes (the window is separable, and zero
 * padding in 2-D is zero padding of each pass). Returns a new plane; `scratch` holds the row pass.
 */
function blur(src: Float64Array, w: number, h: number, scratch: Float64Array): Float64Array {
  const r = SSIM_RADIUS;
  for (let yy = 0; yy < h; yy++) {
    for (let xx = 0; xx < w; xx++) {
      let s = 0;
      for (let k = Math.max(-r, -xx); k <= Math.min(r, w - 1 - xx); k++) s += GAUSSIAN[k + r] * src[yy * w + xx + k];
      scratch[yy * w + xx] = s;
    }
  }
  const out = new Float64Array(w * h);
  for (let yy = 0; yy < h; yy++) {
    for (let xx = 0; xx < w; xx++) {
      let s = 0;
      for (let k = Math.max(-r, -yy); k <= Math.min(r, h - 1 - yy); k++) s += GAUSSIAN[k + r] * scratch[(yy + k) * w + xx];
      out[yy * w + xx] = s;
    }
  }
  return out;
}

/** Mean |f_t − (f_{t−1} + f_{t+1})/2| / 255 over inner frames and all values; needs 3 frames or more. */
export function flicker(video: VideoFrames): number {
  if (video.count < 3) throw new Error(`flicker needs at least 3 frames, got ${video.count}`);
  const n = video.width * video.height * 3; // values per frame
  const d = video.data;
  let sum = 0;
  for (let t = 1; t < video.count - 1; t++) {
    for (let i = t * n; i < (t + 1) * n; i++) sum += Math.abs(d[i] - 0.5 * (d[i - n] + d[i + n]));
  }
  return sum / ((video.count - 2) * n * 255);
}

/** Mean |f_t − f_{t−1}| / 255 over all values, for t = 1..F−1: entry t − 1 is the step into frame t. */
export function frameSteps(video: VideoFrames): Float64Array {
  const n = video.width * video.height * 3; // values per frame
  const d = video.data;
  const steps = new Float64Array(Math.max(video.count - 1, 0));
  for (let t = 1; t < video.count; t++) {
    let sum = 0;
    for (let i = t * n; i < (t + 1) * n; i++) sum += Math.abs(d[i] - d[i - n]);
    steps[t - 1] = sum / (n * 255);
  }
  return steps;
}

/**
 * The smallest normal step a seam is compared with: one grey level per value. A still scene steps by 0,
 * which would make any seam infinitely worse; a change below one level is below what 8-bit video shows.
 */
export const MIN_NORMAL_STEP = 1 / 255;

export interface SeamContinuity {
  /** Per seam, in order: its step over the normal step. */
  readonly ratios: readonly number[];
  /** Per seam: the step into its first frame (0..1 scale). */
  readonly steps: readonly number[];
  /** The median step of the video away from its seams, at least MIN_NORMAL_STEP. */
  readonly normal: number;
  /**
   * With a `period` (the VAE's temporal compression): the median step away from seams into frames at the
   * seams' phase, where a new latent frame starts (at least MIN_NORMAL_STEP), and each seam's step over it.
   * A latent video steps more there than inside a latent frame's group, so this says what chunking adds
   * beyond the model's own stepping. NaN / empty without a period or such steps.
   */
  readonly phaseNormal: number;
  readonly phaseRatios: readonly number[];
  /**
   * Per seam: its step over the median step away from seams within `localWindow` frames of it (at least
   * MIN_NORMAL_STEP). A video whose motion changes (a ball that slides for five seconds, then a still
   * minute) makes the whole-video median the still part's: seams in the moving part then read as jumps
   * against stillness. The local normal is the motion around the seam itself.
   */
  readonly localRatios: readonly number[];
  /** Per seam: that local normal step (0..1 scale; NaN where no step is near). */
  readonly localNormals: readonly number[];
  /** Frames either side a seam's local normal is taken from: the seams' median spacing (the whole video for one seam). */
  readonly localWindow: number;
}

/**
 * `seams` are the indices of the first frame of each new part (the step from frame t − 1 to t crosses it).
 * `period`: frames per latent frame, when the seams fall where latent frames start (t − 1 ≡ 0 mod period).
 */
export function seamContinuity(video: VideoFrames, seams: readonly number[], period?: number): SeamContinuity {
  const all = frameSteps(video);
  for (const t of seams) {
    if (!Number.isInteger(t) || t < 1 || t >= video.count) throw new Error(`seam at frame ${t} is outside 1..${video.count - 1}`);
  }
  const atSeam = new Set(seams);
  const away = [...all.entries()].filter(([i]) => !atSeam.has(i + 1));
  const normal = Math.max(median(away.map(([, s]) => s)), MIN_NORMAL_STEP);
  const phase = period ? away.filter(([i]) => i % period === 0).map(([, s]) => s) : [];
  const phaseNormal = phase.length > 0 ? Math.max(median(phase), MIN_NORMAL_STEP) : Number.NaN;
  const steps = seams.map((t) => all[t - 1]);
  const localWindow = seams.length < 2 ? video.count : median(seams.slice(1).map((t, i) => t - seams[i]));
  const localNormals = seams.map((t) => {
    const near = away.filter(([i]) => Math.abs(i + 1 - t) <= localWindow).map(([, s]) => s);
    return Math.max(median(near), MIN_NORMAL_STEP); // no step near: NaN, not a made-up figure
  });
  const localRatios = steps.map((s, k) => s / localNormals[k]);
  return {
    ratios: steps.map((s) => s / normal),
    steps,
    normal,
    phaseNormal,
    phaseRatios: Number.isNaN(phaseNormal) ? [] : steps.map((s) => s / phaseNormal),
    localRatios,
    localNormals,
    localWindow,
  };
}

/** The middle value (mean of the two middle ones for an even count); NaN for no values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Arithmetic mean; NaN for no values (a figure that was not measured must not read as 0). */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
