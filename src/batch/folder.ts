/**
 * A batch folder, whoever makes its clips (a loaded model, run.ts, or a Cinesim server, remote.ts):
 *
 *   out/001-a-red-ball-bounces-on-green-grass.mp4 (+ .json)   each clip with its sound and metadata
 *   out/overview.png                                          the middle frame of every clip, a row per line
 *   out/batch.json                                            what was made: line, variant, prompt, seed, file
 *
 * A clip is known by its request: the model and the settings its metadata records. A clip already in the folder
 * whose request matches is kept rather than made again, whether a local run or a server made it.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GenerateRequest } from '../engine/request.ts';
import { decodeVideo } from '../media/decode.ts';
import { makeFrames, sliceVideo, type VideoFrames } from '../media/frames.ts';
import { writeContactSheet } from '../media/image.ts';
import { sidecarPath } from '../media/metadata.ts';
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

export interface BatchClip extends BatchItem {
  /** Relative to the batch folder. */
  readonly file: string;
  readonly frames: number;
  readonly reused: boolean;
  /** Wall time of making it (0 when kept). */
  readonly ms: number;
  /** The server's video id, for a clip a server made in this run. */
  readonly video?: string;
}

/** A clip of the batch that was not made, and why. */
export interface FailedClip extends BatchItem {
  /** The error's code (CINE_ERR_…) and message. */
  readonly code: string;
  readonly error: string;
}

export interface BatchResult {
  readonly clips: readonly BatchClip[];
  readonly files: { readonly index: string; readonly overview: string };
}

/** batch.json, as written. */
export interface BatchRecord {
  readonly formatVersion: 1;
  readonly model: string;
  /** The server that made the clips (`cinesim batch --server`); absent for a local batch. */
  readonly server?: string;
  readonly seed: number;
  readonly settings: BatchSettings;
  readonly clips: readonly Omit<BatchClip, 'ms'>[];
  /** Clips that failed (their lines are made again by a run again); absent when none did. */
  readonly failed?: readonly FailedClip[];
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

/**
 * Recorded settings that do not tell clips apart: how a clip was decoded or split into chunks, the frame count
 * (its seconds and fps say it) and where in a batch it stood.
 */
const NOT_THE_REQUEST = new Set(['frames', 'decodeChunk', 'chunks', 'batch']);

/**
 * What a clip is known by: its model and the settings that decide it (prompt, seed, steps, size, seconds, sound,
 * …), in any order. The engine's resolved settings of a request, or the settings a clip's metadata records.
 */
export function clipRequestKey(model: string, settings: Readonly<Record<string, unknown>>): string {
  const fields = Object.keys(settings).filter((k) => !NOT_THE_REQUEST.has(k) && settings[k] !== undefined).sort();
  return JSON.stringify([model, ...fields.map((k) => [k, settings[k]])]);
}

/** The clips already in `out` made by `model`, by their request key → file name. */
export async function madeBefore(out: string, model: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const names = await readdir(out).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.mp4')).sort()) {
    try {
      const meta = JSON.parse(await readFile(sidecarPath(join(out, name)), 'utf8')) as { model?: { name?: string }; settings?: Record<string, unknown> };
      if (meta.model?.name !== model || !meta.settings || (await stat(join(out, name))).size === 0) continue;
      found.set(clipRequestKey(model, meta.settings), name);
    } catch {
      // no metadata, or not ours: not a clip this batch can keep
    }
  }
  return found;
}

/** `name`, or `name` with -2, -3, … before its extension when a file of that name is already there. */
export async function freeName(out: string, name: string): Promise<string> {
  const taken = async (n: string) => (await stat(join(out, n)).catch(() => undefined)) !== undefined;
  if (!(await taken(name))) return name;
  for (let k = 2; ; k++) {
    const candidate = name.replace(/\.mp4$/, `-${k}.mp4`);
    if (!(await taken(candidate))) return candidate;
  }
}

/** A clip of the batch and its middle frame (its cell of the overview). */
export interface MadeClip {
  readonly clip: BatchClip;
  readonly middle: VideoFrames;
}

/** A clip file in the folder (kept, or just downloaded), read back at the batch's size for its frame count and middle frame. */
export async function readClip(out: string, file: string, size: { width: number; height: number }): Promise<{ frames: number; middle: VideoFrames }> {
  const video = await decodeVideo(join(out, file), { size });
  return { frames: video.count, middle: sliceVideo(video, video.count >> 1, 1) };
}

/**
 * overview.png and batch.json, once the clips are made: `made` in the batch's order, undefined for a clip that
 * failed (a blank cell, so each line keeps its row).
 */
export async function writeBatchFiles(
  out: string,
  made: readonly (MadeClip | undefined)[],
  record: Omit<BatchRecord, 'formatVersion' | 'clips'>,
  columns?: number,
): Promise<BatchResult> {
  const { width, height, fps } = record.settings;
  const files = { index: join(out, BATCH_FILES.index), overview: join(out, BATCH_FILES.overview) };
  const strip = makeFrames(width, height, fps, made.length);
  made.forEach((m, i) => m && strip.data.set(m.middle.data, i * m.middle.data.length));
  await writeContactSheet(strip, files.overview, {
    columns: columns ?? Math.ceil(Math.sqrt(made.length)),
    maxFrames: made.length,
    scale: Math.max(1, Math.round(128 / width)),
  });
  const clips = made.flatMap((m) => (m ? [m.clip] : []));
  const { model, server, seed, settings, failed } = record;
  const full: BatchRecord = { formatVersion: 1, model, server, seed, settings, clips: clips.map(({ ms: _ms, ...c }) => c), failed };
  await writeFile(files.index, `${JSON.stringify(full, null, 2)}\n`);
  return { clips, files };
}
