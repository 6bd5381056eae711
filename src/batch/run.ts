/**
 * A batch's clips made one after another on one loaded model, into a folder:
 *
 *   out/001-a-red-ball-bounces-on-green-grass.mp4 (+ .json)   each clip with its sound and metadata
 *   out/overview.png                                          the middle frame of every clip, a row per line
 *   out/batch.json                                            what was made: line, variant, prompt, seed, file
 *
 * A clip already in the folder with the same request in its metadata (prompt, seed, model, settings) is kept,
 * under its name, not made again: an interrupted batch picks up where it stopped, and an edited list makes only
 * its new lines. A new clip never takes the name of a file already there.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { soundtrack } from '../audio/index.ts';
import { throwIfAborted } from '../engine/cancel.ts';
import { generateClip, type ClipProgress } from '../engine/clip.ts';
import type { VideoPipeline } from '../engine/pipeline.ts';
import { resolveSettings, type GenerateRequest } from '../engine/request.ts';
import { decodeVideo } from '../media/decode.ts';
import { makeFrames, sliceVideo, type VideoFrames } from '../media/frames.ts';
import { writeContactSheet } from '../media/image.ts';
import { sidecarPath } from '../media/metadata.ts';
import { writeClip } from '../media/write.ts';
import type { BatchItem } from './list.ts';

export const BATCH_FILES = { index: 'batch.json', overview: 'overview.png' } as const;

/** What every clip of the batch shares. */
export interface BatchSettings extends Pick<GenerateRequest, 'steps' | 'guidance' | 'shift' | 'sampler' | 'negativePrompt' | 'camera'> {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Seconds of a clip whose line does not say; default the model's. */
  readonly seconds?: number;
  readonly audio: boolean;
}

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

export interface BatchClip extends BatchItem {
  /** Relative to the batch folder. */
  readonly file: string;
  readonly frames: number;
  readonly reused: boolean;
  /** Wall time of making it (0 when kept). */
  readonly ms: number;
}

export interface BatchResult {
  readonly clips: readonly BatchClip[];
  readonly files: { readonly index: string; readonly overview: string };
}

export async function makeBatch(pipe: VideoPipeline, items: readonly BatchItem[], options: BatchOptions): Promise<BatchResult> {
  const { out, settings } = options;
  const clips: BatchClip[] = [];
  const middles: VideoFrames[] = [];
  const earlier = await madeBefore(out, pipe.manifest.name);
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
    const recorded = { ...resolveSettings(request, pipe.manifest), audio: settings.audio };
    const key = JSON.stringify(recorded);
    const kept = earlier.get(key);
    if (kept) {
      earlier.delete(key); // a repeated request is made again, with its own file
      progress({ stage: 'reuse', step: 1, total: 1 });
      const video = await decodeVideo(join(out, kept), { size: { width: settings.width, height: settings.height } });
      clips.push({ ...item, file: kept, frames: video.count, reused: true, ms: 0 });
      middles.push(sliceVideo(video, video.count >> 1, 1));
      continue;
    }
    const file = await freeName(out, clipFileName(item, items.length));
    const path = join(out, file);
    const t0 = performance.now();
    const result = await generateClip(pipe, request, { signal: options.signal, onProgress: (p) => progress(p) });
    const audio = settings.audio ? soundtrack(result.video, { seed: result.seed }).audio : undefined;
    await writeClip(result.video, path, {
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
    clips.push({ ...item, file, frames: result.video.count, reused: false, ms: performance.now() - t0 });
    middles.push(sliceVideo(result.video, result.video.count >> 1, 1));
  }

  const files = { index: join(out, BATCH_FILES.index), overview: join(out, BATCH_FILES.overview) };
  const strip = makeFrames(settings.width, settings.height, settings.fps, middles.length);
  middles.forEach((m, i) => strip.data.set(m.data, i * m.data.length));
  const columns = options.columns ?? Math.ceil(Math.sqrt(middles.length));
  await writeContactSheet(strip, files.overview, { columns, maxFrames: middles.length, scale: Math.max(1, Math.round(128 / settings.width)) });
  const record: BatchRecord = { formatVersion: 1, model: pipe.manifest.name, seed: options.seed, settings, clips: clips.map(({ ms: _ms, ...c }) => c) };
  await writeFile(files.index, `${JSON.stringify(record, null, 2)}\n`);
  return { clips, files };
}

/** batch.json, as written. */
export interface BatchRecord {
  readonly formatVersion: 1;
  readonly model: string;
  readonly seed: number;
  readonly settings: BatchSettings;
  readonly clips: readonly Omit<BatchClip, 'ms'>[];
}

/** The batch.json of an earlier run in `out`, if any. */
export async function readBatchRecord(out: string): Promise<BatchRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(out, BATCH_FILES.index), 'utf8')) as BatchRecord;
  } catch {
    return undefined;
  }
}

/** `007-a-red-ball-bounces.mp4`: the clip's number, then the first words of its prompt (ASCII). */
export function clipFileName(item: Pick<BatchItem, 'index' | 'prompt'>, count: number): string {
  let words = '';
  for (const word of item.prompt.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean)) {
    if (words.length + word.length + 1 > 40) break;
    words = words ? `${words}-${word}` : word;
  }
  return `${String(item.index).padStart(Math.max(3, String(count).length), '0')}${words ? `-${words}` : ''}.mp4`;
}

/** The clips already in `out` made by `model`, by their request (the settings in their metadata) → file name. */
async function madeBefore(out: string, model: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const names = await readdir(out).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.mp4')).sort()) {
    try {
      const meta = JSON.parse(await readFile(sidecarPath(join(out, name)), 'utf8')) as { model?: { name?: string }; settings?: Record<string, unknown> };
      if (meta.model?.name !== model || !meta.settings || (await stat(join(out, name))).size === 0) continue;
      const { chunks: _chunks, batch: _batch, ...settings } = meta.settings;
      found.set(JSON.stringify(settings), name);
    } catch {
      // no metadata, or not ours: not a clip this batch can keep
    }
  }
  return found;
}

/** `name`, or `name` with -2, -3, … before its extension when a file of that name is already there. */
async function freeName(out: string, name: string): Promise<string> {
  const taken = async (n: string) => (await stat(join(out, n)).catch(() => undefined)) !== undefined;
  if (!(await taken(name))) return name;
  for (let k = 2; ; k++) {
    const candidate = name.replace(/\.mp4$/, `-${k}.mp4`);
    if (!(await taken(candidate))) return candidate;
  }
}
