/**
 * Long video from a model that natively makes a few seconds: chunks that overlap in latent time. Each
 * chunk after the first is given the last `context` latent frames of the video so far as its first
 * frames — with a little noise added (as SkyReels-V2 does), so the errors of one chunk do not become the
 * next chunk's certainties — and generates the rest. The appearance of the objects travels in that
 * context, so a prompt schedule can change the action at given times while the objects stay the same.
 * Keyframe anchors pin an image at a time: the chunk that reaches that time is given it.
 *
 * Working memory per chunk is constant; only the finished latents and frames grow with the length (a few
 * MB per minute at the default size). Decoding runs once at the end through the causal, chunked decoder.
 */
import { CinesimError, ERRORS } from '../errors.ts';
import type { VideoFrames } from '../media/frames.ts';
import { Rng } from '../util/random.ts';
import { defaultChunkFrames } from './budget.ts';
import { throwIfAborted } from './cancel.ts';
import { givenLatents } from './conditioning.ts';
import { copyFrames, latentFrameCount, makeLatents, sliceFrames, zeroLatents, type Latents } from './latents.ts';
import type { VideoManifest } from './manifest.ts';
import type { GenerateHooks, VideoPipeline } from './pipeline.ts';
import { matchPrefixSeam } from './seam.ts';
import { latentShapeFor, resolveSettings, type GenerateRequest, type GenerateSettings } from './request.ts';
import { encodePrompt } from './tokenizer.ts';

/**
 * Latent frames each chunk after the first is given from the video so far (at most the chunk's length − 1),
 * when the manifest's `sampling.longVideo` does not say. More context means smoother seams but fewer new
 * frames per chunk. On shapes-64 (chunks of the trained length, 5), 6 prompts × 8 s: the step
 * into a chunk's first new frame was 1.14× the model's own step where a latent frame starts with 2 of 5,
 * 0.98× with 3, 0.83× with 4 (4 costs 3× the time of 2 per second of video, 3 costs 1.5×); `cinesim eval
 * modes --parts long --long-prompts 2`: seam ratio 1.74 with 3 against 1.83 with 2. With the retrained weights
 * (2026-11-23), 20 s of suite entries 40–43 (apart from the eval's long prompts): mean seam ratio 0.96 with 3,
 * 0.88 with 4; the context noise (0, 0.05, 0.1) made no difference (0.963, 0.963, 0.964).
 */
const DEFAULT_CONTEXT = 3;

/** From `at` seconds on, chunks are generated with `prompt`. */
export interface PromptChange {
  readonly at: number;
  readonly prompt: string;
}

/** An image the video should show at `at` seconds (the size of the clip). */
export interface Anchor {
  readonly at: number;
  readonly image: VideoFrames;
}

export interface LongVideoRequest extends Omit<GenerateRequest, 'prompt' | 'conditioning' | 'frames'> {
  /** One prompt, or a schedule whose first entry starts at 0. */
  readonly prompt: string | readonly PromptChange[];
  readonly seconds: number;
  /** Optional first frame (image-to-video for the first chunk). */
  readonly firstFrame?: VideoFrames;
  /** Optional opening frames (1 + 4k of them) to continue: "extend this clip". They open the video. */
  readonly prefix?: VideoFrames;
  readonly anchors?: readonly Anchor[];
  /** Latent frames of overlap between chunks (default: the manifest's, else DEFAULT_CONTEXT). */
  readonly context?: number;
  /** Latent frames each chunk makes in one pass, context included (default: the manifest's, else the trained length). */
  readonly chunk?: number;
  /** Standard deviation of the noise added to context latents (default 0.05). */
  readonly contextNoise?: number;
  /**
   * With a prefix: the video opens on the prefix's own frames and the new ones are matched to them at the
   * seam (seam.ts; default true). False returns the decoded video as it is, the prefix re-decoded.
   */
  readonly matchSeam?: boolean;
}

export interface LongVideoChunk {
  /** Latent frames [start, start + length) of the video; the first `given` were context. */
  readonly start: number;
  readonly length: number;
  readonly given: number;
  readonly prompt: string;
  readonly seed: number;
  readonly ms: number;
}

export interface LongVideoResult {
  readonly video: VideoFrames;
  readonly seed: number;
  readonly settings: GenerateSettings;
  readonly chunks: readonly LongVideoChunk[];
  readonly timings: { readonly denoise: number; readonly decode: number; readonly total: number };
}

export interface LongVideoHooks extends Pick<GenerateHooks, 'signal'> {
  /** After each chunk (1-based) and after decoding. */
  readonly onProgress?: (progress: { stage: 'chunk' | 'decode'; step: number; total: number }) => void;
}

export async function generateLongVideo(pipe: VideoPipeline, request: LongVideoRequest, hooks: LongVideoHooks = {}): Promise<LongVideoResult> {
  const t0 = performance.now();
  const { manifest, components } = pipe;
  const tc = manifest.vae.temporalCompression;
  const schedule = promptSchedule(request.prompt, request.seconds);

  // The whole video's settings, checked like any request (size, length as 1 + 4k frames, every prompt's words).
  const settings = resolveSettings({ ...request, prompt: schedule[0].prompt, conditioning: undefined }, manifest);
  for (const change of schedule) encodePrompt(components.tokenizer, change.prompt);
  const { chunk: chunkLatents, context } = longVideoPlan(manifest, request);
  const total = latentFrameCount(settings.frames, tc);
  const contextNoise = request.contextNoise ?? 0.05;
  if (!(contextNoise >= 0 && contextNoise <= 1)) throw invalid('contextNoise', `contextNoise must be in [0, 1], got ${contextNoise}`);

  const [, , , h, w] = latentShapeFor(settings, manifest);
  const video = zeroLatents([1, manifest.vae.latentChannels, total, h, w]); // [1, C, L, h, w]
  const anchors = await encodeAnchors(pipe, request.anchors ?? [], settings);
  if (request.firstFrame && request.prefix) throw invalid('prefix', 'give a first frame or a prefix, not both');
  const first = request.firstFrame ? await components.vaeEncoder.encode(request.firstFrame) : undefined; // [1, C, 1, h, w]
  let done = 0; // latent frames of `video` already final
  if (request.prefix) {
    const prefix = await components.vaeEncoder.encode(request.prefix); // [1, C, n, h, w]
    if (prefix.shape[2] >= total) throw invalid('prefix', `the prefix already fills the ${settings.seconds} s video; ask for more seconds`);
    copyFrames(prefix, 0, video, 0, prefix.shape[2]);
    done = prefix.shape[2];
  }

  const chunks: LongVideoChunk[] = [];
  const plan = chunkPlan(total, chunkLatents, context, done);
  for (const [k, start] of plan.entries()) {
    throwIfAborted(hooks.signal);
    const t = performance.now();
    const length = Math.min(chunkLatents, total);
    const given = done - start; // context frames, 0 for the first chunk
    const parts: { at: number; latents: Latents }[] = [];
    if (given > 0) parts.push({ at: 0, latents: noisy(sliceFrames(video, start, given), contextNoise, settings.seed, k) });
    else if (first) parts.push({ at: 0, latents: first });
    for (const a of anchors) if (a.index >= Math.max(done, 1) && a.index < start + length) parts.push({ at: a.index - start, latents: a.latents });

    const prompt = promptAt(schedule, (done * tc) / settings.fps); // the time of the chunk's first new frame
    const seed = Rng.derive(settings.seed, `chunk:${k}`).nextUint32();
    const shape = [1, manifest.vae.latentChannels, length, h, w] as const;
    const { latents } = await pipe.generateLatents(
      { ...request, prompt, seed, frames: 1 + (length - 1) * tc, seconds: undefined, fps: settings.fps },
      givenLatents(shape, parts),
      { signal: hooks.signal },
    );
    copyFrames(latents, given, video, done, length - given); // keep only the new frames
    done = start + length;
    chunks.push({ start, length, given, prompt, seed, ms: performance.now() - t });
    hooks.onProgress?.({ stage: 'chunk', step: k + 1, total: plan.length });
  }
  const t1 = performance.now();

  const frames = await components.vaeDecoder.decode(video, {
    fps: settings.fps,
    signal: hooks.signal,
    onChunk: (step, all) => hooks.onProgress?.({ stage: 'decode', step, total: all }),
  });
  const t2 = performance.now();
  const delivered = request.prefix && request.matchSeam !== false ? matchPrefixSeam(request.prefix, frames) : frames;
  return { video: delivered, seed: settings.seed, settings, chunks, timings: { denoise: t1 - t0, decode: t2 - t1, total: t2 - t0 } };
}

/**
 * Latent frames per pass and of context: the request's, else the manifest's `sampling.longVideo`, else the
 * trained length with DEFAULT_CONTEXT. Checked: 2 ≤ chunk, 1 ≤ context < chunk.
 *
 * Longer chunks trade smooth seams for following the prompt, so shapes-64 keeps the trained length (5, with 3
 * of context: 2 new latent frames a pass, the context outweighs the prompt). Measured 2026-12-07 on prompts
 * apart from the eval suite (suite seed 4242; probe-read stated values in 17-frame windows; local seam ratio),
 * chunk/context: 6 prompts × 30 s (entries 12–17): 5/3 39.0%, seams 1.10; 7/3 57.5%, 1.03; 7/4 60.1%, 1.00;
 * 9/3 58.5%, 1.17; 9/4 57.5%, 1.21; 13/3 54.4%, 1.36. 12 other prompts × 20 s (entries 24–35): 5/3 43.3%, 1.14;
 * 7/3 49.2%, 1.31; 7/4 50.7%, 1.29. The eval's own long videos (`eval modes --parts long,drift`, 2 × 60 s) with
 * 7/3: seams 1.65 against 0.94, first-minute adherence of the drift video unchanged (30.0%). So chunks of 7
 * follow the prompt 6–18 points better but step visibly at their seams; the default keeps the seams (the
 * issue's target) and `chunk` (or the manifest's `sampling.longVideo`) is there for the other trade. Clips
 * up to a few seconds need no chunks at all (engine/clip.ts `onePassLimit`).
 */
export function longVideoPlan(manifest: VideoManifest, request: { chunk?: number; context?: number } = {}): { chunk: number; context: number } {
  const own = manifest.sampling.longVideo;
  const chunk = request.chunk ?? defaultChunkFrames(manifest);
  if (!Number.isInteger(chunk) || chunk < 2) throw invalid('chunk', `chunk must be an integer of at least 2 latent frames, got ${chunk}`);
  const context = request.context ?? own?.context ?? Math.min(DEFAULT_CONTEXT, chunk - 1);
  if (!Number.isInteger(context) || context < 1 || context >= chunk) {
    throw invalid('context', `context must be an integer from 1 to ${chunk - 1} latent frames, got ${context}`);
  }
  return { chunk, context };
}

/**
 * How many of a clip's last frames `generate --extend` continues from: 1 + tc, two latent frames. (Three,
 * 1 + 2·tc, measured worse on shapes-64's extend suite: decoded seam ratio 1.54 against 1.36, 16 clips.)
 */
export function extendPrefixFrames(manifest: VideoManifest): number {
  return 1 + manifest.vae.temporalCompression;
}

/**
 * Start latent frame of each chunk: every chunk is the model's native length and begins `context` frames
 * before the end of the previous one; the last starts early enough to end exactly at the video's end.
 */
export function chunkPlan(total: number, chunk: number, context: number, given = 0): number[] {
  if (total <= chunk) return [0];
  // With `given` frames already known, the first chunk starts so that it ends `context` frames past them
  // at least, or at 0.
  const starts = [given === 0 ? 0 : Math.max(0, Math.min(given - context, total - chunk))];
  while (starts.at(-1)! + chunk < total) starts.push(Math.min(starts.at(-1)! + chunk - context, total - chunk));
  return starts;
}

export function promptSchedule(prompt: LongVideoRequest['prompt'], seconds: number): PromptChange[] {
  const list = typeof prompt === 'string' ? [{ at: 0, prompt }] : [...prompt].sort((a, b) => a.at - b.at);
  if (list.length === 0) throw invalid('prompt', 'a prompt schedule needs at least one prompt');
  if (list[0].at !== 0) throw invalid('prompt', `the first prompt must start at 0 s, not ${list[0].at} s`);
  for (const c of list) {
    if (!(c.at >= 0 && c.at < seconds)) throw invalid('prompt', `a prompt starts at ${c.at} s, outside the video's 0–${seconds} s`);
  }
  return list;
}

function promptAt(schedule: readonly PromptChange[], seconds: number): string {
  let current = schedule[0].prompt;
  for (const c of schedule) if (c.at <= seconds + 1e-9) current = c.prompt;
  return current;
}

/** Context latents plus N(0, σ²) noise, seeded per chunk. */
function noisy(latents: Latents, sigma: number, seed: number, chunk: number): Latents {
  if (sigma === 0) return latents;
  const rng = Rng.derive(seed, `context:${chunk}`);
  const data = Float32Array.from(latents.data, (v) => v + sigma * rng.normal());
  return makeLatents(latents.shape, data);
}

async function encodeAnchors(pipe: VideoPipeline, anchors: readonly Anchor[], settings: GenerateSettings) {
  const tc = pipe.manifest.vae.temporalCompression;
  const seconds = settings.seconds;
  return Promise.all(
    anchors.map(async (a) => {
      if (!(a.at > 0 && a.at <= seconds)) throw invalid('anchors', `an anchor at ${a.at} s is outside the video's (0, ${seconds}] s`);
      if (a.image.width !== settings.width || a.image.height !== settings.height || a.image.count !== 1) {
        throw invalid('anchors', `an anchor must be one ${settings.width}x${settings.height} image`);
      }
      return { index: Math.round((a.at * settings.fps) / tc), latents: await pipe.components.vaeEncoder.encode(a.image) };
    }),
  );
}

function invalid(param: string, message: string): CinesimError {
  return new CinesimError(ERRORS.INVALID_ARGUMENT, message, { param });
}
