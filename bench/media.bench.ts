/**
 * MP4 encode speed (ffmpeg libx264, default settings: crf 18, preset medium), end to end through
 * encodeMp4: upscale in TypeScript, stream to ffmpeg, mux, faststart rewrite, rename.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeMp4 } from '../src/media/mp4.ts';
import { testPattern } from '../src/media/testpattern.ts';
import { timeIt, type BenchRow } from './table.ts';

const CASES = [
  { name: '2 s 8 fps 64x64 → 256x256', width: 64, height: 64, fps: 8, seconds: 2 },
  { name: '10 s 24 fps 256x256', width: 256, height: 256, fps: 24, seconds: 10 },
];

export async function run(): Promise<BenchRow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'cinesim-bench-media-'));
  const rows: BenchRow[] = [];
  try {
    for (const c of CASES) {
      const video = testPattern(c.width, c.height, c.fps * c.seconds, c.fps);
      const seconds = await timeIt(() => encodeMp4(video, join(dir, 'clip.mp4')), 3, 1);
      rows.push(
        { group: 'mp4 encode', name: c.name, value: seconds * 1000, unit: 'ms', note: `${(c.seconds / seconds).toFixed(1)}x realtime` },
        { group: 'mp4 encode', name: c.name, value: video.count / seconds, unit: 'frames/s', note: `${video.count} frames` },
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return rows;
}
