/**
 * One clip from one request, whatever its length: what `cinesim generate`, stories and the server's workers
 * call. A clip of at most `onePassLimit` latent frames is one `pipeline.generate` when that pass fits in
 * memory (budget.ts); a longer one, a prompt schedule, keyframe anchors or a prefix to continue go through
 * long video's overlapping chunks. The modes map onto long video's inputs: the first frame opens the first
 * chunk, a last frame is an anchor at the end, a prefix opens the video.
 *
 * @example
 *   const { video, chunks } = await generateClip(pipe, { prompt: 'a red ball bounces', seconds: 30 });
 *   // 241 frames at 8 fps, from overlapping chunks (shapes-64: 5 latent frames each, 3 of them context)
 */
import type { VideoFrames } from '../media/frames.ts';
import { MAX_PASS_TOKENS, passTokens } from './budget.ts';
import { latentFrameCount } from './latents.ts';
import { generateLongVideo, longVideoPlan, promptSchedule, type Anchor, type LongVideoRequest, type PromptChange } from './long-video.ts';
import type { VideoManifest } from './manifest.ts';
import type { GenerateHooks, GenerateStage, VideoPipeline } from './pipeline.ts';
import { resolveSettings, type GenerateRequest, type GenerateSettings } from './request.ts';

export interface ClipRequest extends Omit<GenerateRequest, 'prompt' | 'conditioning'> {
  /** One prompt, or a schedule whose first entry starts at 0 s. */
  readonly prompt: string | readonly PromptChange[];
  /** Image-to-video: the clip opens on this picture. */
  readonly firstFrame?: VideoFrames;
  /** With `firstFrame`: the clip ends on this picture. */
  readonly lastFrame?: VideoFrames;
  /** Frames (1 + 4k) the clip continues from; they open it (extend), the new frames matched to them (seam.ts). */
  readonly prefix?: VideoFrames;
  readonly matchSeam?: LongVideoRequest['matchSeam'];
  readonly anchors?: readonly Anchor[];
  /** Long video's settings (default: the manifest's). */
  readonly chunk?: LongVideoRequest['chunk'];
  readonly context?: LongVideoRequest['context'];
  readonly contextNoise?: LongVideoRequest['contextNoise'];
  /** Most latent frames made in one pass (default `onePassLimit`). */
  readonly onePass?: number;
}

export interface ClipResult {
  readonly video: VideoFrames;
  readonly seed: number;
  readonly settings: GenerateSettings;
  /** Passes of the sampling loop: 1, or the long video's chunks. */
  readonly chunks: number;
  /** Wall time, ms. */
  readonly timings: { readonly denoise: number; readonly decode: number; readonly total: number };
}

/** A one-pass clip reports the pipeline's stages; a long one its chunks (one sampling loop each), then decoding. */
export type ClipStage = GenerateStage | 'chunk';

export interface ClipProgress {
  readonly stage: ClipStage;
  /** 1-based, of `total` in this stage. */
  readonly step: number;
  readonly total: number;
}

export interface ClipHooks extends Omit<GenerateHooks, 'onProgress'> {
  readonly onProgress?: (progress: ClipProgress) => void;
  /** `onStep` (each sampling step's latents) is called in one-pass clips only. */
  readonly onStep?: GenerateHooks['onStep'];
}

export async function generateClip(pipe: VideoPipeline, request: ClipRequest, hooks: ClipHooks = {}): Promise<ClipResult> {
  const { prompt, firstFrame, lastFrame, prefix, matchSeam, anchors = [], chunk, context, contextNoise, onePass: limit, frames, seconds, ...sampling } = request;
  const schedule = promptSchedule(prompt, Number.POSITIVE_INFINITY); // its times are checked against the length below
  const { manifest } = pipe;
  const settings = resolveSettings({ ...sampling, frames, seconds, prompt: schedule[0].prompt }, manifest);
  const latents = latentFrameCount(settings.frames, manifest.vae.temporalCompression);
  // A clip whose one pass would not fit in memory is made in chunks, which resolveSettings has checked do.
  const fits = passTokens(manifest, latents, settings.width, settings.height) <= MAX_PASS_TOKENS;
  const onePass = schedule.length === 1 && !prefix && anchors.length === 0 && fits && latents <= (limit ?? onePassLimit(manifest, { chunk, context }));

  if (onePass) {
    const conditioning = firstFrame
      ? lastFrame ? { mode: 'firstLast' as const, first: firstFrame, last: lastFrame } : { mode: 'firstFrame' as const, image: firstFrame }
      : undefined;
    const result = await pipe.generate({ ...sampling, prompt: schedule[0].prompt, frames: settings.frames, conditioning }, hooks);
    const { denoise, decode, total } = result.timings;
    return { video: result.video, seed: result.seed, settings: result.settings, chunks: 1, timings: { denoise, decode, total } };
  }

  const result = await generateLongVideo(
    pipe,
    {
      ...sampling,
      prompt: schedule,
      seconds: settings.seconds,
      fps: settings.fps,
      firstFrame,
      prefix,
      matchSeam,
      anchors: [...anchors, ...(lastFrame ? [{ at: settings.seconds, image: lastFrame }] : [])],
      chunk,
      context,
      contextNoise,
    },
    { signal: hooks.signal, onProgress: hooks.onProgress },
  );
  return { video: result.video, seed: result.seed, settings: result.settings, chunks: result.chunks.length, timings: result.timings };
}

/**
 * Most latent frames one pass makes: the manifest's `sampling.onePass`, else the long-video chunk. A clip
 * up to it has no seams at all. shapes-64 sets 13 (6 s at 8 fps): on 12 prompts apart from the eval suite
 * (suite seed 4242), 6 s clips read 58.5% of stated values in one pass against 48.5% from chunks of 5, as
 * much as its 2 s clips do; at 12 s one pass still read 50.4% against 46.9%, but falling.
 */
export function onePassLimit(manifest: VideoManifest, request: { chunk?: number; context?: number } = {}): number {
  return manifest.sampling.onePass ?? longVideoPlan(manifest, request).chunk;
}
