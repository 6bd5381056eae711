/**
 * A generation request and its validation into the exact settings a run uses. Bad values are rejected
 * with INVALID_ARGUMENT and a message that says what would be valid; nothing is silently rounded (a clip
 * that is not the size or length asked for is a bug to the caller). Defaults come from the manifest.
 */
import { randomInt } from 'node:crypto';
import { CinesimError, ERRORS } from '../errors.ts';
import { withCamera } from '../world/controls.ts';
import { checkPassSize, defaultChunkFrames } from './budget.ts';
import { MODE_CAPABILITY, NO_CONDITIONING, type Conditioning, type ConditioningMode } from './conditioning.ts';
import { isValidFrameCount, latentFrameCount, validFrameCountsAround, type LatentShape } from './latents.ts';
import type { VideoManifest } from './manifest.ts';
import { SAMPLERS, type SamplerName } from './schedulers/flow-match.ts';

export interface GenerateRequest {
  readonly prompt: string;
  /** What to steer away from; default the empty prompt. Used only when guidance ≠ 1. */
  readonly negativePrompt?: string;
  /** Integer in [0, 2³²); default random, reported in the result. */
  readonly seed?: number;
  readonly steps?: number;
  /** Classifier-free guidance scale; 1 = conditional prediction only (half the transformer work). */
  readonly guidance?: number;
  readonly shift?: number;
  readonly sampler?: SamplerName;
  /** Pixels; multiples of the VAE's spatial factor × the transformer's patch size. */
  readonly width?: number;
  readonly height?: number;
  /** Clip length as seconds at fps (seconds·fps + 1 frames), or as frames (1 + 4k); not both. */
  readonly seconds?: number;
  readonly fps?: number;
  readonly frames?: number;
  readonly conditioning?: Conditioning;
  /** Structured camera move (pan-left, zoom-in, …): its canonical phrase is added to the prompt. */
  readonly camera?: string;
  /** Latent frames per decoder call (memory vs. call overhead; the frames are the same). Default 1. */
  readonly decodeChunk?: number;
}

/** The settings a generation actually used (all defaults filled in). */
export interface GenerateSettings {
  readonly prompt: string;
  readonly negativePrompt: string;
  readonly seed: number;
  readonly steps: number;
  readonly guidance: number;
  readonly shift: number;
  readonly sampler: SamplerName;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frames: number;
  readonly seconds: number;
  readonly conditioning: ConditioningMode;
  readonly decodeChunk: number;
}

const MAX_STEPS = 1000;
const SEED_LIMIT = 2 ** 32;

/**
 * Fills defaults from the manifest and checks every field; throws INVALID_ARGUMENT naming the field. A size
 * whose sampling pass would not fit in memory (budget.ts) is refused here too, before any model runs.
 */
export function resolveSettings(request: GenerateRequest, manifest: VideoManifest): GenerateSettings {
  if (typeof request.prompt !== 'string') throw invalid('prompt', 'prompt must be a string');
  const sampling = manifest.sampling;
  const steps = request.steps ?? sampling.steps;
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_STEPS) {
    throw invalid('steps', `steps must be an integer from 1 to ${MAX_STEPS}, got ${steps}`);
  }
  const guidance = request.guidance ?? sampling.guidance;
  if (!Number.isFinite(guidance) || guidance < 0) throw invalid('guidance', `guidance must be a number >= 0, got ${guidance}`);
  const shift = request.shift ?? sampling.shift;
  if (!Number.isFinite(shift) || shift <= 0) throw invalid('shift', `shift must be a number > 0, got ${shift}`);
  const sampler = request.sampler ?? sampling.sampler;
  if (!SAMPLERS.includes(sampler)) throw invalid('sampler', `sampler must be one of ${SAMPLERS.join(', ')}, got ${sampler}`);
  const seed = request.seed ?? randomInt(0, 2 ** 31); // a reported seed should be easy to type back
  if (!Number.isInteger(seed) || seed < 0 || seed >= SEED_LIMIT) {
    throw invalid('seed', `seed must be an integer from 0 to ${SEED_LIMIT - 1}, got ${seed}`);
  }
  const decodeChunk = request.decodeChunk ?? 1;
  if (!Number.isInteger(decodeChunk) || decodeChunk < 1) {
    throw invalid('decodeChunk', `decodeChunk must be an integer >= 1, got ${decodeChunk}`);
  }
  const conditioning = (request.conditioning ?? NO_CONDITIONING).mode;
  const capability = MODE_CAPABILITY[conditioning];
  if (capability === undefined) throw invalid('conditioning', `unknown conditioning mode '${conditioning}'`);
  if (!manifest.transformer.conditioning.includes(capability)) {
    throw invalid(
      'conditioning',
      `model '${manifest.name}' was not trained for ${conditioning} (${capability}); ` +
        `it supports ${manifest.transformer.conditioning.join(', ')}`,
    );
  }

  const { width, height } = resolveSize(request, manifest);
  const { fps, frames } = resolveLength(request, manifest);
  // A clip longer than a chunk can be made in chunks (clip.ts), so the size must fit the smaller of the two.
  const latentFrames = Math.min(latentFrameCount(frames, manifest.vae.temporalCompression), defaultChunkFrames(manifest));
  checkPassSize(manifest, { width, height, latentFrames, seconds: (frames - 1) / fps });
  return {
    prompt: request.camera === undefined ? request.prompt : withCamera(request.prompt, request.camera),
    negativePrompt: request.negativePrompt ?? '',
    seed,
    steps,
    guidance,
    shift,
    sampler,
    width,
    height,
    fps,
    frames,
    seconds: (frames - 1) / fps,
    conditioning,
    decodeChunk,
  };
}

/** [1, C, T, h, w] for a clip of these settings. */
export function latentShapeFor(settings: Pick<GenerateSettings, 'width' | 'height' | 'frames'>, manifest: VideoManifest): LatentShape {
  const { latentChannels, spatialCompression: s, temporalCompression: tc } = manifest.vae;
  return [1, latentChannels, latentFrameCount(settings.frames, tc), settings.height / s, settings.width / s];
}

function resolveSize(request: GenerateRequest, manifest: VideoManifest): { width: number; height: number } {
  const [defaultWidth, defaultHeight] = manifest.formats.defaultSize;
  const s = manifest.vae.spatialCompression;
  const [, ph, pw] = manifest.transformer.patch;
  const check = (param: 'width' | 'height', value: number, patch: number): number => {
    const stride = s * patch; // one transformer token covers stride × stride pixels
    if (!Number.isInteger(value) || value < stride || value % stride !== 0) {
      const below = Math.floor(value / stride) * stride;
      const nearest = [below, below + stride].filter((v) => v >= stride).join(' or ');
      const near = Number.isFinite(value) ? `; nearest: ${nearest}` : '';
      throw invalid(param, `${param} must be a multiple of ${stride} (VAE ×${s} × patch ${patch}), got ${value}${near}`);
    }
    return value;
  };
  return {
    width: check('width', request.width ?? defaultWidth, pw),
    height: check('height', request.height ?? defaultHeight, ph),
  };
}

function resolveLength(request: GenerateRequest, manifest: VideoManifest): { fps: number; frames: number } {
  const tc = manifest.vae.temporalCompression;
  const fps = request.fps ?? manifest.formats.fps;
  if (!Number.isFinite(fps) || fps <= 0) throw invalid('fps', `fps must be a number > 0, got ${fps}`);
  if (request.seconds !== undefined && request.frames !== undefined) {
    throw invalid('frames', 'give seconds or frames, not both');
  }
  let frames = manifest.formats.frames;
  if (request.frames !== undefined) {
    frames = request.frames;
    if (!isValidFrameCount(frames, tc)) {
      const [below, above] = validFrameCountsAround(frames, tc);
      throw invalid('frames', `frames must be 1 + ${tc}k (1, 5, 9, 13, 17, …), got ${frames}; nearest: ${below} or ${above}`);
    }
  } else if (request.seconds !== undefined) {
    frames = framesForSeconds(request.seconds, fps, tc);
  }
  const [pt] = manifest.transformer.patch;
  if (latentFrameCount(frames, tc) % pt !== 0) {
    throw invalid('frames', `${frames} frames give ${latentFrameCount(frames, tc)} latent frames, not a multiple of the time patch ${pt}`);
  }
  return { fps, frames };
}

/** seconds·fps + 1 frames, which must be 1 + 4k; otherwise the error names the nearest valid durations. */
function framesForSeconds(seconds: number, fps: number, tc: number): number {
  if (!Number.isFinite(seconds) || seconds <= 0) throw invalid('seconds', `seconds must be a number > 0, got ${seconds}`);
  const exact = seconds * fps;
  const rounded = Math.round(exact);
  // Tolerate float noise such as 2.1 * 10 = 21.000000000000004.
  if (Math.abs(exact - rounded) < 1e-6 && rounded % tc === 0) return rounded + 1;
  const below = Math.floor(exact / tc) * tc;
  const options = [below, below + tc].filter((n) => n > 0).map((n) => `${formatSeconds(n / fps)} s (${n + 1} frames)`);
  throw invalid(
    'seconds',
    `${seconds} s at ${fps} fps is ${formatSeconds(exact)} frame intervals; a clip has 1 + ${tc}k frames, so seconds × fps ` +
      `must be a multiple of ${tc}: nearest ${options.join(' or ')}`,
  );
}

function formatSeconds(v: number): string {
  return String(Number(v.toFixed(3)));
}

function invalid(param: string, message: string): CinesimError {
  return new CinesimError(ERRORS.INVALID_ARGUMENT, message, { param });
}
