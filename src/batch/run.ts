/**
 * A batch's clips made one after another on one loaded model, into its folder (folder.ts: one MP4 with its
 * metadata per clip, overview.png, batch.json).
 *
 * A clip already in the folder with the same request in its metadata (prompt, seed, model, settings) is kept,
 * under its name, not made again: an interrupted batch picks up where it stopped, and an edited list makes only
 * its new lines. A new clip never takes the name of a file already there. A line's `image` is the clip's first
 * frame (image to video), known in its request by the picture's hash, so a changed picture makes the clip again.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { soundtrack } from '../audio/index.ts';
import { throwIfAborted } from '../engine/cancel.ts';
import { generateClip, type ClipProgress } from '../engine/clip.ts';
import type { VideoPipeline } from '../engine/pipeline.ts';
import { resolveSettings } from '../engine/request.ts';
import { sliceVideo, type VideoFrames } from '../media/frames.ts';
import { imageAsFrames, readImage } from '../media/image.ts';
import { writeClip } from '../media/write.ts';
import { clipFileName, clipRequestKey, freeName, madeBefore, readClip, writeBatchFiles, type BatchResult, type BatchSettings, type MadeClip } from './folder.ts';
import type { BatchItem } from './list.ts';

export interface BatchProgress {
  /** 1-based clip, of `clips`. */
  readonly clip: number;
  readonly clips: number;
  /** The clip's generation stage, or `reuse` when its file is kept. */
  readonly stage: ClipProgress['stage'] | 'reuse';
  readonly step: number;
  readonly total: number;
}

export interface BatchOptions {
  readonly out: string;
  /** The seed the clips' seeds derived from, kept in batch.json so a run again can use it. */
  readonly seed: number;
  readonly settings: BatchSettings;
  /** Columns of the overview: the variants of a line side by side. */
  readonly columns?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: BatchProgress) => void;
}

export async function makeBatch(pipe: VideoPipeline, items: readonly BatchItem[], options: BatchOptions): Promise<BatchResult> {
  const { out, settings } = options;
  const made: MadeClip[] = [];
  const earlier = await madeBefore(out, pipe.manifest.name);
  // A line's picture is read once, however many variants open on it.
  const pictures = new Map<string, Promise<{ frames: VideoFrames; hash: string }>>();
  const picture = (path: string) => pictures.get(path) ?? pictures.set(path, lineImage(path, settings)).get(path)!;
  for (const item of items) {
    throwIfAborted(options.signal);
    const progress = (p: Omit<BatchProgress, 'clip' | 'clips'>) => options.onProgress?.({ clip: item.index, clips: items.length, ...p });
    const request = {
      prompt: item.prompt,
      negativePrompt: item.negativePrompt ?? settings.negativePrompt,
      seed: item.seed,
      seconds: item.seconds ?? settings.seconds,
      steps: settings.steps,
      guidance: settings.guidance,
      shift: settings.shift,
      sampler: settings.sampler,
      camera: settings.camera,
      width: settings.width,
      height: settings.height,
      fps: settings.fps,
    };
    const image = item.image === undefined ? undefined : await picture(item.image);
    const conditioning = image && { mode: 'firstFrame' as const, image: image.frames };
    const recorded = { ...resolveSettings({ ...request, conditioning }, pipe.manifest), audio: settings.audio, image: image?.hash };
    const key = clipRequestKey(pipe.manifest.name, recorded);
    const kept = earlier.get(key);
    if (kept) {
      earlier.delete(key); // a repeated request is made again, with its own file
      progress({ stage: 'reuse', step: 1, total: 1 });
      const { frames, middle } = await readClip(out, kept, settings);
      made.push({ clip: { ...item, file: kept, frames, reused: true, ms: 0 }, middle });
      continue;
    }
    const file = await freeName(out, clipFileName(item, items.length));
    const t0 = performance.now();
    const result = await generateClip(pipe, { ...request, firstFrame: image?.frames }, { signal: options.signal, onProgress: (p) => progress(p) });
    const audio = settings.audio ? (await soundtrack(result.video, { seed: result.seed })).audio : undefined;
    await writeClip(result.video, join(out, file), {
      audio,
      signal: options.signal,
      metadata: {
        source: 'generator',
        prompt: item.prompt,
        negativePrompt: request.negativePrompt,
        seed: result.seed,
        model: { name: pipe.manifest.name },
        settings: { ...recorded, chunks: result.chunks, batch: { line: item.line, variant: item.variant } },
      },
    });
    const clip = { ...item, file, frames: result.video.count, reused: false, ms: performance.now() - t0 };
    made.push({ clip, middle: sliceVideo(result.video, result.video.count >> 1, 1) });
  }
  return writeBatchFiles(out, made, { model: pipe.manifest.name, seed: options.seed, settings }, options.columns);
}

/**
 * A line's picture as the clip's first frame: cropped to the batch's size (cover), and its file's hash, which
 * the clip's request records. Throws INPUT_UNREADABLE for a file that is missing or not a picture.
 */
export async function lineImage(path: string, size: { width: number; height: number; fps: number }): Promise<{ frames: VideoFrames; hash: string }> {
  const picture = await readImage(path, { width: size.width, height: size.height, fit: 'cover' });
  return { frames: imageAsFrames(picture, size.fps), hash: createHash('sha256').update(await readFile(path)).digest('hex') };
}
