/** Small synthetic clips and checks shared by the media tests. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { makeFrames, type VideoFrames } from '../../src/media/frames.ts';
import { isCinesimError, type ErrorKind } from '../../src/errors.ts';

export type Rgb = [number, number, number];

export { testPattern as movingSquare } from '../../src/media/testpattern.ts';

/** One colour per frame, cycling through `colors`. */
export function flatClip(width: number, height: number, colors: Rgb[], count = colors.length, fps = 8): VideoFrames {
  const video = makeFrames(width, height, fps, count);
  for (let f = 0; f < count; f++) {
    const c = colors[f % colors.length];
    for (let p = 0; p < width * height; p++) video.data.set(c, (f * width * height + p) * 3);
  }
  return video;
}

export function psnr(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) throw new Error(`psnr: lengths differ (${a.length} vs ${b.length})`);
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  const mse = se / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** A fresh temp folder removed after the file's tests. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cinesim-media-'));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/** The top-level MP4 boxes in file order (for the faststart check: moov before mdat). */
export function topLevelBoxes(bytes: Uint8Array): string[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const boxes: string[] = [];
  for (let offset = 0; offset + 8 <= bytes.length; ) {
    let size = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    if (size === 1) size = Number(view.getBigUint64(offset + 8));
    else if (size === 0) size = bytes.length - offset; // box runs to the end of the file
    boxes.push(type);
    offset += size;
  }
  return boxes;
}

/** Runs `fn` and returns the CinesimError it throws, failing if it throws something else or nothing. */
export async function cinesimErrorOf(fn: () => unknown, kind: ErrorKind): Promise<Error & { code: string; details?: unknown }> {
  try {
    await fn();
  } catch (error) {
    if (!isCinesimError(error)) throw new Error(`expected a CinesimError ${kind.code}, got: ${String(error)}`);
    if (error.code !== kind.code) throw new Error(`expected ${kind.code}, got ${error.code}: ${error.message}`);
    return error;
  }
  throw new Error(`expected ${kind.code}, but nothing was thrown`);
}
