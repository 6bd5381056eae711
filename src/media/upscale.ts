/**
 * Integer upscaling of VideoFrames, for looking at tiny clips (64x64 renders and generations).
 * `nearest` keeps every pixel exact (the default: what the model made, only bigger); `smooth` is bilinear
 * with pixel-centre alignment, in fixed point. Both are pure TypeScript and work a frame at a time.
 *
 * The policy helper decides the factor for MP4: H.264 in yuv420p stores colour at half resolution, so a
 * 4-pixel object in a 64x64 clip loses its colour; upscaling first keeps it.
 */
import { frameAt, frameBytes, makeFrames, type VideoFrames } from './frames.ts';
import { invalidArgument } from '../errors.ts';

export type UpscaleKernel = 'nearest' | 'smooth';

export interface UpscaleOptions {
  /** A fixed integer factor (1 = no upscale). When absent, the factor follows from `minShortSide`. */
  factor?: number;
  /** Upscale until the short side is at least this many pixels (default 256). */
  minShortSide?: number;
  /** Default `nearest`. */
  kernel?: UpscaleKernel;
}

export const DEFAULT_MIN_SHORT_SIDE = 256;
/**
 * The default policy stops before the long side passes this: a very wide or tall clip (4096x8) would otherwise
 * be blown up past what an H.264 encoder takes, for a short side that cannot be made viewable anyway.
 */
export const MAX_UPSCALED_LONG_SIDE = 4096;

/** What to do to a clip: `factor` 1 means leave it alone. */
export interface UpscalePlan {
  readonly factor: number;
  readonly kernel: UpscaleKernel;
}

export const NO_UPSCALE: UpscalePlan = { factor: 1, kernel: 'nearest' };

/**
 * The upscale `options` ask for on a clip of this size. `false` is off; `{}` is the default policy
 * (short side to at least 256, nearest). Callers pick their own default for `undefined`.
 */
export function planUpscale(width: number, height: number, options: UpscaleOptions | false): UpscalePlan {
  if (options === false) return NO_UPSCALE;
  const kernel = options.kernel ?? 'nearest';
  if (kernel !== 'nearest' && kernel !== 'smooth') throw invalidArgument('upscale.kernel', `upscale kernel must be nearest or smooth, got ${kernel}`);
  if (options.factor !== undefined) {
    if (!Number.isInteger(options.factor) || options.factor < 1 || options.factor > 64) {
      throw invalidArgument('upscale.factor', `upscale factor must be an integer in [1, 64], got ${options.factor}`);
    }
    return { factor: options.factor, kernel };
  }
  const minShortSide = options.minShortSide ?? DEFAULT_MIN_SHORT_SIDE;
  const short = Math.min(width, height);
  const wanted = short >= minShortSide ? 1 : Math.ceil(minShortSide / short);
  return { factor: Math.max(1, Math.min(wanted, Math.floor(MAX_UPSCALED_LONG_SIDE / Math.max(width, height)))), kernel };
}

/**
 * Upscales one RGB frame (`src`, w x h) by `factor` into a new buffer of (w*factor) x (h*factor).
 * Factor 1 returns `src` itself (no copy).
 */
export function upscaleFrame(src: Uint8Array, width: number, height: number, factor: number, kernel: UpscaleKernel = 'nearest'): Uint8Array {
  if (factor === 1) return src;
  return kernel === 'nearest' ? upscaleNearest(src, width, height, factor) : upscaleBilinear(src, width, height, factor);
}

/** Upscales every frame of `video` (a new clip; fps and count unchanged; factor 1 returns `video`). */
export function upscaleVideo(video: VideoFrames, factor: number, kernel: UpscaleKernel = 'nearest'): VideoFrames {
  if (factor === 1) return video;
  const out = makeFrames(video.width * factor, video.height * factor, video.fps, video.count);
  const n = frameBytes(out);
  for (let i = 0; i < video.count; i++) {
    out.data.set(upscaleFrame(frameAt(video, i), video.width, video.height, factor, kernel), i * n);
  }
  return out;
}

function upscaleNearest(src: Uint8Array, width: number, height: number, factor: number): Uint8Array {
  const outW = width * factor;
  const rowBytes = outW * 3;
  const dst = new Uint8Array(rowBytes * height * factor);
  for (let y = 0; y < height; y++) {
    // Build one widened row, then repeat it `factor` times with block copies.
    const rowStart = y * factor * rowBytes;
    let o = rowStart;
    for (let x = 0, s = y * width * 3; x < width; x++, s += 3) {
      const r = src[s], g = src[s + 1], b = src[s + 2];
      for (let k = 0; k < factor; k++, o += 3) {
        dst[o] = r;
        dst[o + 1] = g;
        dst[o + 2] = b;
      }
    }
    for (let k = 1; k < factor; k++) dst.copyWithin(rowStart + k * rowBytes, rowStart, rowStart + rowBytes);
  }
  return dst;
}

/** Weights are in 1/256ths: two 8-bit passes fit comfortably in 32-bit integers. */
const ONE = 256;

/**
 * For each output coordinate, the two source samples and the weight of the second. Output pixel i has
 * its centre at source coordinate (i + 0.5) / factor - 0.5; edges clamp (replicate the border).
 */
function taps(size: number, factor: number): { i0: Int32Array; i1: Int32Array; w1: Int32Array } {
  const n = size * factor;
  const i0 = new Int32Array(n), i1 = new Int32Array(n), w1 = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x = Math.min(Math.max((i + 0.5) / factor - 0.5, 0), size - 1);
    const x0 = Math.floor(x);
    i0[i] = x0;
    i1[i] = Math.min(x0 + 1, size - 1);
    w1[i] = Math.round((x - x0) * ONE);
  }
  return { i0, i1, w1 };
}

function upscaleBilinear(src: Uint8Array, width: number, height: number, factor: number): Uint8Array {
  const outW = width * factor, outH = height * factor;
  const tx = taps(width, factor), ty = taps(height, factor);
  // Horizontal pass into fixed point (x256) rows, then a vertical blend of two such rows per output row.
  const wide = new Uint32Array(outW * 3 * height);
  for (let y = 0; y < height; y++) {
    const s = y * width * 3;
    let o = y * outW * 3;
    for (let x = 0; x < outW; x++, o += 3) {
      const a = s + tx.i0[x] * 3, b = s + tx.i1[x] * 3, w = tx.w1[x], v = ONE - w;
      wide[o] = src[a] * v + src[b] * w;
      wide[o + 1] = src[a + 1] * v + src[b + 1] * w;
      wide[o + 2] = src[a + 2] * v + src[b + 2] * w;
    }
  }
  const dst = new Uint8Array(outW * 3 * outH);
  const half = (ONE * ONE) / 2; // rounds to nearest
  for (let y = 0; y < outH; y++) {
    const a = ty.i0[y] * outW * 3, b = ty.i1[y] * outW * 3, w = ty.w1[y], v = ONE - w;
    const o = y * outW * 3;
    for (let k = 0; k < outW * 3; k++) dst[o + k] = (wide[a + k] * v + wide[b + k] * w + half) >>> 16;
  }
  return dst;
}
