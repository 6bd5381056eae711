/**
 * How much one sampling pass may hold. The DiT attends over every latent token of a pass at once (full
 * self-attention, training/cinesim_train/models/attention.py), so its memory grows with the square of the
 * tokens: latent frames × (latent height / patch) × (latent width / patch), per pass. A clip longer than one
 * pass is made in chunks (long-video.ts), so the cap is per pass, not per video: a size is refused only when
 * even a chunk of it cannot run, and the message names the largest size of its aspect that can, instead of
 * the process being killed for memory minutes later.
 */
import { CinesimError, ERRORS } from '../errors.ts';
import { latentFrameCount } from './latents.ts';
import type { VideoManifest } from './manifest.ts';

/**
 * Most latent tokens one pass may hold. Measured 2026-12-07 on a 2-core, 24 GB machine: shapes-64 (dim 256,
 * 8 heads, 8 Euler steps, guidance 1.5 so both branches as one batch-2 call), `generateClip` of "a red ball
 * bounces", peak resident memory by `/usr/bin/time -f %M`:
 *
 *   tokens  size, length            peak      tokens  size, length            peak
 *      320  64x64, 2 s            0.3 GB        3920  224x224, 2 s          4.7 GB
 *     2880  192x192, 2 s          2.7 GB        4096  512x512, 1 frame      5.5 GB
 *     3380  208x208, 2 s          3.6 GB        5120  256x256, 2 s          7.7 GB
 *
 * (1 step: 1280 tokens 0.6 GB, 8000 tokens 9.4 GB.) Peak ≈ 0.4 GB + 2.8e-7 GB × tokens²: the attention scores,
 * batch × heads × tokens² floats, a few copies alive at once. 4096x4096 at 2 s (1,310,720 tokens) passed 6 GB
 * within 25 s and is killed by the OOM killer at 24 GB. 4096 keeps a pass near 5 GB.
 */
export const MAX_PASS_TOKENS = 4096;

/** Latent tokens the transformer sees in one pass of `latentFrames` latent frames at width × height pixels. */
export function passTokens(manifest: VideoManifest, latentFrames: number, width: number, height: number): number {
  const s = manifest.vae.spatialCompression;
  const [pt, ph, pw] = manifest.transformer.patch;
  return Math.ceil(latentFrames / pt) * Math.ceil(height / s / ph) * Math.ceil(width / s / pw);
}

/** Latent frames of a long-video chunk when neither the request nor the manifest says: the trained length. */
export function defaultChunkFrames(manifest: VideoManifest): number {
  return manifest.sampling.longVideo?.chunk ?? latentFrameCount(manifest.formats.frames, manifest.vae.temporalCompression);
}

export interface PassSize {
  readonly width: number;
  readonly height: number;
  /** Latent frames of the pass. */
  readonly latentFrames: number;
  /** The clip's length, for the message. */
  readonly seconds: number;
}

/** Throws INVALID_ARGUMENT (param `size`) when a pass of this size holds more than MAX_PASS_TOKENS. */
export function checkPassSize(manifest: VideoManifest, pass: PassSize): void {
  const { width, height, latentFrames, seconds } = pass;
  const tokens = passTokens(manifest, latentFrames, width, height);
  if (tokens <= MAX_PASS_TOKENS) return;
  const s = manifest.vae.spatialCompression;
  const [pt, ph, pw] = manifest.transformer.patch;
  const grid = `${latentFrames / pt} latent frames × ${height / s / ph} × ${width / s / pw}`;
  const fits = largestOfAspect(manifest, pass);
  const hint = fits ? `up to ${fits.width}x${fits.height} at ${Number(seconds.toFixed(3))} s` : `no smaller size has this aspect`;
  throw new CinesimError(
    ERRORS.INVALID_ARGUMENT,
    `size ${width}x${height}: ${tokens} latent tokens per pass (${grid}), this model runs at most ${MAX_PASS_TOKENS} (${hint})`,
    { param: 'size', details: { tokens, maxTokens: MAX_PASS_TOKENS } },
  );
}

/** The largest size below `pass`'s with exactly its aspect (both sides multiples of the token stride) that fits a pass. */
function largestOfAspect(manifest: VideoManifest, pass: PassSize): { width: number; height: number } | undefined {
  const s = manifest.vae.spatialCompression;
  const [, ph, pw] = manifest.transformer.patch;
  const [strideW, strideH] = [s * pw, s * ph];
  for (let width = Math.floor(pass.width / strideW) * strideW - strideW; width >= strideW; width -= strideW) {
    const height = (width * pass.height) / pass.width;
    if (!Number.isInteger(height / strideH) || height < strideH) continue;
    if (passTokens(manifest, pass.latentFrames, width, height) <= MAX_PASS_TOKENS) return { width, height };
  }
  return undefined;
}
