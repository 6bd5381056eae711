/**
 * The impact net's training data: the sync evaluation's rendered clips (src/audio/sync.ts, the same sampler
 * and formats) at a 64-pixel short side, with the simulator's impacts by the truth rule and every logged
 * event (near which a detection is no false alarm, so no loss is taken there).
 *
 *   node bin/run-ts.mjs training/impact_frames.ts --out=data/impacts 100 101 ...   (seeds; 200 clips each)
 *
 * Writes <out>/seed-N.bin (uint8 RGB frames, [frame, row, column, channel], clip after clip) and
 * <out>/seed-N.json (per clip: fps, frames, source width, byte offset, and events as [frame, time · fps, x, y]
 * at the 64-pixel scale). Only rendered clips: never train on generated ones.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { syncClips } from '../src/audio/sync.ts';

const SHORT = 64;
const CLIPS_PER_SEED = 200;

const args = process.argv.slice(2);
const out = args.find((a) => a.startsWith('--out='))?.slice(6);
const seeds = args.filter((a) => !a.startsWith('--')).map(Number);
if (!out || seeds.length === 0 || seeds.some((s) => !Number.isInteger(s))) {
  console.error('usage: node bin/run-ts.mjs training/impact_frames.ts --out=DIR SEED...');
  process.exit(2);
}
mkdirSync(out, { recursive: true });

for (const seed of seeds) {
  const meta: unknown[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const { video, format, truth } of syncClips({ clips: CLIPS_PER_SEED, seed })) {
    const k = Math.min(video.width, video.height) / SHORT; // the sync formats are 64 and 128 square: 1 or 2
    const w = video.width / k, h = video.height / k;
    const frames = new Uint8Array(video.count * w * h * 3);
    for (let f = 0; f < video.count; f++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          for (let c = 0; c < 3; c++) {
            let s = 0;
            for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) s += video.data[((f * video.height + y * k + dy) * video.width + x * k + dx) * 3 + c];
            frames[((f * h + y) * w + x) * 3 + c] = Math.round(s / (k * k));
          }
        }
      }
    }
    const point = (e: { frame: number; time: number; x: number; y: number }) => [e.frame, e.time * format.fps, (e.x + 0.5) / k - 0.5, (e.y + 0.5) / k - 0.5];
    meta.push({ fps: format.fps, frames: video.count, width: video.width, offset, truth: truth.visible.map(point), all: truth.all.map(point) });
    chunks.push(frames);
    offset += frames.length;
  }
  writeFileSync(join(out, `seed-${seed}.bin`), Buffer.concat(chunks));
  writeFileSync(join(out, `seed-${seed}.json`), JSON.stringify(meta));
  console.log(`seed ${seed}: ${meta.length} clips, ${(offset / 1e6).toFixed(1)} MB`);
}
