/**
 * A generation worker (runs in a worker thread, started through ./worker-boot.mjs): keeps one model's
 * pipeline loaded, runs one task at a time, reports progress, writes the clip (with the soundtrack src/audio
 * hears in its frames, unless the request turned it off), its thumbnail,
 * spritesheet and metadata into the task's folder, and answers `done` or `failed`. A story's task makes its
 * film (src/story) the same way, one shot after another. Generation is CPU
 * work in ONNX Runtime and ffmpeg; off the main thread, the HTTP loop keeps answering status polls.
 */
import { join } from 'node:path';
import { parentPort, type MessagePort } from 'node:worker_threads';
import { soundtrack } from '../../audio/index.ts';
import { CinesimError, ERRORS, isCinesimError } from '../../errors.ts';
import { generateClip, type ClipHooks, type ClipRequest } from '../../engine/clip.ts';
import { loadManifest, requireKind, type VideoManifest } from '../../engine/manifest.ts';
import { VideoPipeline } from '../../engine/pipeline.ts';
import { decodeVideo } from '../../media/decode.ts';
import { frameBytes, makeFrames, type VideoFrames } from '../../media/frames.ts';
import { imageAsFrames, readImage, writeContactSheet, writeThumbnail } from '../../media/image.ts';
import { sidecarPath } from '../../media/metadata.ts';
import { writeClip } from '../../media/write.ts';
import { makeFilm } from '../../story/film.ts';
import type { ShotPicture } from '../../story/pictures.ts';
import type { StoryPlan } from '../../story/plan.ts';
import { filmSettingsOf, picturesByShot } from '../jobs/plan.ts';
import { packShots, unpackShots } from '../storage/shots.ts';
import { PreviewRenderer } from './preview.ts';
import type { FromWorker, GenerationOutput, GenerationTask, SerializedError, ToWorker } from './protocol.ts';

class GenerationWorker {
  private loaded: { dir: string; threads: number; pipeline: VideoPipeline } | undefined;
  /** The task being run; `previews` is on while someone watches it (the server says so with `previews` messages). */
  private running: { jobId: string; abort: AbortController; previews: boolean } | undefined;

  constructor(private readonly port: MessagePort) {
    port.on('message', (message: ToWorker) => {
      if (message.type === 'run') void this.run(message.task, message.threads);
      else if (this.running?.jobId !== message.jobId) return;
      else if (message.type === 'cancel') this.running.abort.abort();
      else if (message.type === 'previews') this.running.previews = message.enabled;
    });
  }

  private async run(task: GenerationTask, threads: number): Promise<void> {
    const abort = new AbortController();
    this.running = { jobId: task.jobId, abort, previews: task.previews };
    try {
      const output = await this.generate(task, threads, abort.signal);
      this.post({ type: 'done', jobId: task.jobId, output });
    } catch (error) {
      this.post({ type: 'failed', jobId: task.jobId, error: serialize(error) });
    } finally {
      this.running = undefined;
    }
  }

  private async generate(task: GenerationTask, threads: number, signal: AbortSignal): Promise<GenerationOutput> {
    const p = task.params;
    if (p.story) return this.film(task, threads, p.story, signal);
    const pipeline = await this.pipeline(task.modelDir, threads);
    const onProgress: ClipHooks['onProgress'] = (progress) => {
      this.post({ type: 'progress', jobId: task.jobId, ...progress });
      if (progress.stage === 'denoise') debugHooks(task, progress.step);
    };
    const renderer = new PreviewRenderer(pipeline.components.vaeDecoder, {
      fps: p.fps,
      wanted: () => this.running?.jobId === task.jobId && this.running.previews,
      signal,
      publish: (preview) => this.post({ type: 'preview', jobId: task.jobId, preview }),
      onError: (error) => console.warn(`cinesim: live preview of ${task.jobId} failed: ${(error as Error)?.message ?? error}`),
    });
    // Longer clips run as overlapping chunks (engine/clip.ts), as `cinesim generate` makes them.
    const result = await generateClip(
      pipeline,
      {
        prompt: p.prompt,
        negativePrompt: p.negativePrompt,
        seed: p.seed,
        steps: p.steps,
        guidance: p.guidance,
        shift: p.shift,
        sampler: p.sampler,
        width: p.width,
        height: p.height,
        fps: p.fps,
        frames: p.frames,
        ...(await inputsFor(task)),
      },
      { onProgress, onStep: (info) => renderer.onStep(info), signal },
    );

    const video = join(task.outDir, 'video.mp4');
    const metadata = {
      source: 'generator' as const,
      prompt: p.prompt,
      negativePrompt: p.negativePrompt,
      seed: result.seed,
      model: { name: task.modelName },
      settings: { ...result.settings, chunks: result.chunks, audio: p.audio },
      extra: { ...task.metadataExtra },
    };
    const audio = p.audio ? (await soundtrack(result.video, { seed: result.seed })).audio : undefined;
    await writeClip(result.video, video, { metadata, audio, signal });
    await writeThumbnail(result.video, join(task.outDir, 'thumbnail.webp'), { upscale: {} });
    await writeContactSheet(result.video, join(task.outDir, 'spritesheet.png'), { maxFrames: 16 });
    return {
      seed: result.seed,
      timings: { ...result.timings },
      files: [
        { role: 'video', path: video, contentType: 'video/mp4' },
        { role: 'thumbnail', path: join(task.outDir, 'thumbnail.webp'), contentType: 'image/webp' },
        { role: 'spritesheet', path: join(task.outDir, 'spritesheet.png'), contentType: 'image/png' },
        { role: 'metadata', path: sidecarPath(video), contentType: 'application/json' },
      ],
    };
  }

  /**
   * A story's film, made as `cinesim story` makes it (src/story) in a folder of the task's: the film is the
   * video, the storyboard its spritesheet, and its shots are kept (`shots`) for a later remake. A remake
   * starts from the earlier film's shots, and `makeFilm` reuses those whose key is unchanged. A shot that opens
   * on a picture opens on its stored upload. Progress counts shots (the 'chunk' stage's range). The model is
   * loaded at the first shot made: a remake that keeps every shot only cuts the film again.
   */
  private async film(task: GenerationTask, threads: number, plan: StoryPlan, signal: AbortSignal): Promise<GenerationOutput> {
    const p = task.params;
    const t0 = performance.now();
    const out = join(task.outDir, 'story');
    // An archive that cannot be read costs the remake its reuse, not the film: every shot is made.
    if (task.inputs.shots) await unpackShots(task.inputs.shots, out).catch((error: unknown) => console.warn(`cinesim: ${task.jobId}: earlier shots not reused: ${(error as Error)?.message ?? error}`));
    const model = { manifest: await this.manifest(task.modelDir), load: () => this.pipeline(task.modelDir, threads) };
    const result = await makeFilm(model, plan, {
      out,
      signal,
      settings: filmSettingsOf(p),
      pictures: await shotPictures(task, plan),
      metadataExtra: task.metadataExtra,
      onProgress: ({ shot, shots, stage, step, total }) => {
        // How far into its shot: sampling is most of the work, decoding the rest.
        const within = stage === 'reuse' ? 1 : stage === 'decode' ? 0.9 + (0.1 * step) / total : stage === 'encode' ? 0 : (0.9 * step) / total;
        this.post({ type: 'progress', jobId: task.jobId, stage: 'chunk', step: shot - 1 + within, total: shots });
        if (stage === 'denoise') debugHooks(task, step);
      },
    });
    const thumbnail = join(task.outDir, 'thumbnail.webp');
    await writeThumbnail(result.video, thumbnail, { upscale: {} });
    const shots = join(task.outDir, 'shots.zip');
    await packShots(out, shots);
    return {
      seed: plan.seed,
      timings: { total: performance.now() - t0 },
      files: [
        { role: 'video', path: result.files.film, contentType: 'video/mp4' },
        { role: 'thumbnail', path: thumbnail, contentType: 'image/webp' },
        { role: 'spritesheet', path: result.files.storyboard, contentType: 'image/png' },
        { role: 'metadata', path: sidecarPath(result.files.film), contentType: 'application/json' },
        { role: 'shots', path: shots, contentType: 'application/zip' },
      ],
    };
  }

  /** The model's manifest: the loaded pipeline's, or read from its folder without loading it. */
  private async manifest(dir: string): Promise<VideoManifest> {
    if (this.loaded?.dir === dir) return this.loaded.pipeline.manifest;
    return requireKind(await loadManifest(dir), 'video', dir);
  }

  /** The loaded pipeline, reloaded only when the model (or thread count) changes. */
  private async pipeline(dir: string, threads: number): Promise<VideoPipeline> {
    if (this.loaded?.dir === dir && this.loaded.threads === threads) return this.loaded.pipeline;
    await this.loaded?.pipeline.dispose();
    this.loaded = undefined;
    const pipeline = await VideoPipeline.load(dir, { threads });
    this.loaded = { dir, threads, pipeline };
    return pipeline;
  }

  private post(message: FromWorker): void {
    this.port.postMessage(message);
  }
}

/** The job's stored inputs as the clip request's pictures and frames. */
async function inputsFor(task: GenerationTask): Promise<Pick<ClipRequest, 'firstFrame' | 'lastFrame' | 'prefix'>> {
  const { params: p, inputs } = task;
  const image = async (role: 'first' | 'last') => imageAsFrames(await readImage(required(inputs[role], role)), p.fps);
  switch (p.mode) {
    case 'none':
      return {};
    case 'firstFrame':
      return { firstFrame: await image('first') };
    case 'firstLast':
      return { firstFrame: await image('first'), lastFrame: await image('last') };
    case 'prefix':
      return { prefix: lastFrames(await decodeVideo(required(inputs.prefix, 'prefix'), { size: p }), task.prefixFrames) };
  }
}

/** The pictures a story's shots open on: the job's `image:<path>` inputs (stored fitted to the frame), keyed by the hash of their uploads' bytes. */
async function shotPictures(task: GenerationTask, plan: StoryPlan): Promise<Map<number, ShotPicture>> {
  const { width, height, pictureHashes = {} } = task.params;
  const paths = [...new Set(plan.shots.flatMap((shot) => (shot.image === undefined ? [] : [shot.image])))];
  const images = new Map(
    await Promise.all(paths.map(async (path) => [path, await readImage(required(task.inputs[`image:${path}`], `image:${path}`), { width, height, fit: 'cover' })] as const)),
  );
  return picturesByShot(plan, (path) => ({ hash: required(pictureHashes[path], `image:${path}`), image: images.get(path)! }));
}

function lastFrames(video: VideoFrames, count: number): VideoFrames {
  if (video.count < count) {
    throw new CinesimError(ERRORS.INPUT_UNREADABLE, `the video to extend has ${video.count} frames; an extension needs ${count}`, { param: 'extend_video_id' });
  }
  const n = frameBytes(video);
  return makeFrames(video.width, video.height, video.fps, count, video.data.slice((video.count - count) * n));
}

function required(path: string | undefined, role: string): string {
  if (path === undefined) throw new CinesimError(ERRORS.INTERNAL, `the job has no stored ${role} input`);
  return path;
}

/** Test-only: slow each denoising step down (a blocking sleep: this is a worker thread), or fail at one. */
function debugHooks(task: GenerationTask, step: number): void {
  const { stepDelayMs, failAtStep } = task.debug;
  if (stepDelayMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, stepDelayMs);
  if (failAtStep !== undefined && step >= failAtStep) throw new CinesimError(ERRORS.INTERNAL, `debug.failAtStep: failing at step ${step}`);
}

function serialize(error: unknown): SerializedError {
  if (isCinesimError(error)) return { code: error.code, status: error.status, message: error.message, param: error.param ?? null };
  return { code: ERRORS.INTERNAL.code, status: 500, message: (error as Error)?.message ?? String(error), param: null };
}

if (!parentPort) throw new Error('generate-worker.ts runs as a worker thread (see worker-pool.ts)');
new GenerationWorker(parentPort);
