/**
 * Known frames given to the transformer: the generation modes users expect (text-to-video,
 * image-to-video, first + last frame, extend a clip) all reduce to clean latents plus a mask,
 * `cond_latents` [1, C, T, h, w] and `cond_mask` [1, 1, T, h, w] (1 = given), which is how the DiT was
 * trained (training/train_dit.py `sample_cond_mask`). Images and clips are encoded by the VAE encoder,
 * an image as a one-frame video.
 */
import { CinesimError, ERRORS } from '../errors.ts';
import type { VideoFrames } from '../media/frames.ts';
import { copyFrames, isValidFrameCount, latentFrameCount, validFrameCountsAround, zeroLatents, type LatentShape, type Latents } from './latents.ts';

export type Conditioning =
  /** Text-to-video: nothing given. */
  | { readonly mode: 'none' }
  /** Image-to-video: the image becomes latent frame 0. */
  | { readonly mode: 'firstFrame'; readonly image: VideoFrames }
  /** First + last frame: `first` at latent frame 0, `last` at the last latent frame. */
  | { readonly mode: 'firstLast'; readonly first: VideoFrames; readonly last: VideoFrames }
  /** Extend: the clip's 1 + 4k frames fill latent frames 0..k; the rest is generated. */
  | { readonly mode: 'prefix'; readonly frames: VideoFrames };

export type ConditioningMode = Conditioning['mode'];

/** The name each mode has in the manifest's `transformer.conditioning` list (what the model was trained for). */
export const MODE_CAPABILITY: Readonly<Record<ConditioningMode, string>> = Object.freeze({
  none: 't2v',
  firstFrame: 'i2v',
  firstLast: 'flf',
  prefix: 'extend',
});

export const NO_CONDITIONING: Conditioning = Object.freeze({ mode: 'none' });

export interface ConditioningTensors {
  readonly latents: Latents; // [1, C, T, h, w], zero where not given
  readonly mask: Latents; //    [1, 1, T, h, w], 1 where given
  /** Latent frame indices that are given, ascending. */
  readonly given: readonly number[];
}

/** What the generated clip looks like, for checking the inputs against it. */
export interface ConditioningTarget {
  readonly width: number;
  readonly height: number;
  readonly latentShape: LatentShape; // [1, C, T, h, w]
  readonly temporalCompression: number;
}

/** Anything that turns frames into normalised latents (the VAE encoder). */
export interface FrameEncoder {
  encode(frames: VideoFrames): Promise<Latents>;
}

/** Checks sizes and frame counts before any heavy work; throws INVALID_ARGUMENT with the fix. */
export function checkConditioning(cond: Conditioning, target: ConditioningTarget): void {
  const latentFrames = target.latentShape[2];
  switch (cond.mode) {
    case 'none':
      return;
    case 'firstFrame':
      checkImage(cond.image, target, 'conditioning.image');
      return;
    case 'firstLast':
      checkImage(cond.first, target, 'conditioning.first');
      checkImage(cond.last, target, 'conditioning.last');
      if (latentFrames < 2) {
        throw invalid('conditioning', `first + last frame needs a clip of at least ${1 + target.temporalCompression} frames`);
      }
      return;
    case 'prefix': {
      const { frames } = cond;
      checkSize(frames, target, 'conditioning.frames');
      const tc = target.temporalCompression;
      if (!isValidFrameCount(frames.count, tc)) {
        const [below, above] = validFrameCountsAround(frames.count, tc);
        throw invalid('conditioning.frames', `a prefix has 1 + ${tc}k frames; got ${frames.count}: give the last ${below} or ${above}`);
      }
      if (latentFrameCount(frames.count, tc) >= latentFrames) {
        const clip = 1 + (latentFrames - 1) * tc;
        const message = `a prefix of ${frames.count} frames leaves nothing to generate in a ${clip}-frame clip; make the clip longer`;
        throw invalid('conditioning.frames', message);
      }
      return;
    }
  }
}

/** Encodes the given images or frames and places them on the latent timeline. */
export async function buildConditioning(
  cond: Conditioning,
  encoder: FrameEncoder,
  target: ConditioningTarget,
): Promise<ConditioningTensors> {
  checkConditioning(cond, target);
  const t = target.latentShape[2];
  const encode = async (frames: VideoFrames, at: number) => ({ at, latents: await encoder.encode(frames) }); // [1, C, n, h, w]
  switch (cond.mode) {
    case 'none':
      return givenLatents(target.latentShape, []);
    case 'firstFrame':
      return givenLatents(target.latentShape, [await encode(cond.image, 0)]);
    case 'firstLast':
      return givenLatents(target.latentShape, [await encode(cond.first, 0), await encode(cond.last, t - 1)]);
    case 'prefix':
      return givenLatents(target.latentShape, [await encode(cond.frames, 0)]);
  }
}

/** Known frames that are latents already (long video: the previous chunk's tail), placed at latent indices. */
export function givenLatents(shape: LatentShape, parts: readonly { readonly at: number; readonly latents: Latents }[]): ConditioningTensors {
  const [, c, t, h, w] = shape;
  const latents = zeroLatents([1, c, t, h, w]);
  const given: number[] = [];
  for (const { at, latents: part } of parts) {
    const n = part.shape[2];
    if (at < 0 || at + n > t) throw new CinesimError(ERRORS.INTERNAL, `given latents ${at}..${at + n - 1} fall outside 0..${t - 1}`);
    copyFrames(part, 0, latents, at, n);
    for (let i = 0; i < n; i++) given.push(at + i);
  }
  given.sort((a, b) => a - b);
  return { latents, mask: maskFor(given, [1, 1, t, h, w]), given };
}

/**
 * Puts the given frames of a sample back on their noising path, x = (1 − σ)·x₀ + σ·ε, as the network saw
 * them in training. The velocity there carries no loss in training and is meaningless, so after each step
 * these frames are reset; at σ = 0 they are exactly the given latents. `sample` is changed in place.
 */
export function keepGivenFrames(sample: Float32Array, cond: ConditioningTensors, noise: Float32Array, sigma: number): void {
  const [, c, t, h, w] = cond.latents.shape;
  const plane = h * w;
  for (const frame of cond.given) {
    for (let ch = 0; ch < c; ch++) {
      const start = (ch * t + frame) * plane; // [0, ch, frame, 0, 0]
      for (let i = start; i < start + plane; i++) sample[i] = (1 - sigma) * cond.latents.data[i] + sigma * noise[i];
    }
  }
}

function maskFor(given: readonly number[], shape: LatentShape): Latents {
  const mask = zeroLatents(shape); // [1, 1, T, h, w]
  const plane = shape[3] * shape[4];
  for (const frame of given) mask.data.fill(1, frame * plane, (frame + 1) * plane);
  return mask;
}

function checkImage(image: VideoFrames, target: ConditioningTarget, param: string): void {
  if (image.count !== 1) throw invalid(param, `expected one image (a 1-frame video), got ${image.count} frames`);
  checkSize(image, target, param);
}

function checkSize(frames: VideoFrames, target: ConditioningTarget, param: string): void {
  if (frames.width !== target.width || frames.height !== target.height) {
    throw invalid(
      param,
      `is ${frames.width}x${frames.height} but the clip is ${target.width}x${target.height}; resize it to the clip's size first`,
    );
  }
}

function invalid(param: string, message: string): CinesimError {
  return new CinesimError(ERRORS.INVALID_ARGUMENT, `${param}: ${message}`, { param });
}
