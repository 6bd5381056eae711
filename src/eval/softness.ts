/**
 * A control for the VAE column of `cinesim eval`: the rendered clip blurred until it is as far from itself
 * (PSNR) as its VAE round trip is. A Gaussian blur loses only sharpness; where the probe reads the blurred
 * clip but not the round trip, the VAE lost the content (a colour, a shape's corners), and where it misses
 * both, the probe cannot read soft clips. The two caps call for different fixes (a better VAE, a probe
 * trained with more blur), so the eval tells them apart.
 */
import { makeFrames, type VideoFrames } from '../media/frames.ts';
import { psnr } from './metrics.ts';

/** Widest blur tried: far softer than any VAE worth shipping, so the search always brackets its target. */
const MAX_SIGMA = 4;
/** Bisection rounds: σ to within 4 / 2^10 px, well below what changes a rounded 8-bit frame. */
const ROUNDS = 10;

/** Every frame blurred by a separable Gaussian of `sigma` pixels (edges replicated), rounded to 8 bits. */
export function gaussianBlur(video: VideoFrames, sigma: number): VideoFrames {
  if (!(sigma >= 0)) throw new Error(`blur sigma must be ≥ 0, got ${sigma}`);
  const { width: w, height: h } = video;
  const out = makeFrames(w, h, video.fps, video.count);
  if (sigma === 0) {
    out.data.set(video.data);
    return out;
  }
  const r = Math.max(1, Math.ceil(3 * sigma));
  const kernel = Float32Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
  const total = kernel.reduce((a, b) => a + b, 0);
  for (let i = 0; i < kernel.length; i++) kernel[i] /= total;
  const clamp = (v: number, hi: number) => (v < 0 ? 0 : v > hi ? hi : v);
  const rows = new Float32Array(w * h * 3); // one frame blurred along x
  const frame = w * h * 3;
  for (let t = 0; t < video.count; t++) {
    const base = t * frame;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let k = -r; k <= r; k++) s += kernel[k + r] * video.data[base + (y * w + clamp(x + k, w - 1)) * 3 + c];
          rows[(y * w + x) * 3 + c] = s;
        }
      }
    }
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let c = 0; c < 3; c++) {
          let s = 0;
          for (let k = -r; k <= r; k++) s += kernel[k + r] * rows[(clamp(y + k, h - 1) * w + x) * 3 + c];
          out.data[base + (y * w + x) * 3 + c] = Math.round(s);
        }
      }
    }
  }
  return out;
}

/**
 * The clip blurred as little as it takes for its PSNR against the clip to fall to `targetDb` (bisection on σ;
 * PSNR falls as σ grows). A clip with little detail may stay above the target even at MAX_SIGMA: then that.
 */
export function blurToPsnr(video: VideoFrames, targetDb: number): { video: VideoFrames; sigma: number; psnr: number } {
  let lo = 0;
  let best = { video: gaussianBlur(video, MAX_SIGMA), sigma: MAX_SIGMA, psnr: 0 };
  best.psnr = psnr(video, best.video);
  if (best.psnr >= targetDb) return best;
  for (let i = 0; i < ROUNDS; i++) {
    const sigma = (lo + best.sigma) / 2;
    const blurred = gaussianBlur(video, sigma);
    const db = psnr(video, blurred);
    if (db > targetDb) lo = sigma;
    else best = { video: blurred, sigma, psnr: db };
  }
  return best;
}
