/**
 * World model play speed (src/engine/world): one world stepped frame by frame as `cinesim play` does, at 1
 * and 2 threads and 1, 2 and 4 sampling steps; frames per second, mean and p95 step latency, and the cost
 * of drawing a frame in the terminal. Targets (issue #7): ≥ 24 frames/s and < 100 ms latency on 2 cores.
 *
 * Model: `CINESIM_BENCH_WORLD` (a folder) if set, else models/world-64 if present, else the tiny random test
 * fixture (engine overhead only); every row says which. `npm run bench -- world`.
 */
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { HalfBlockCanvas, halfBlockFrame } from '../src/cli/terminal.ts';
import { frameAt } from '../src/media/frames.ts';
import { WorldModel } from '../src/engine/world/session.ts';
import { gameStart } from '../src/engine/world/start.ts';
import { recordEpisode } from '../src/world/game.ts';
import { meanAndP95 } from '../src/util/math.ts';
import type { BenchRow } from './table.ts';

const TRAINED = fileURLToPath(new URL('../models/world-64', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../test/fixtures/tiny-world', import.meta.url));
/** Frames timed per configuration, after a warm-up. */
const FRAMES = 96;
const WARMUP = 4;

async function pickModel(): Promise<{ dir: string; label: string }> {
  const fromEnv = process.env.CINESIM_BENCH_WORLD;
  if (fromEnv) return { dir: fromEnv, label: fromEnv.split('/').filter(Boolean).at(-1)! };
  const trained = await access(TRAINED).then(
    () => true,
    () => false,
  );
  return trained ? { dir: TRAINED, label: 'world-64' } : { dir: FIXTURE, label: 'tiny fixture (random weights, engine overhead only)' };
}

export async function run(): Promise<BenchRow[]> {
  const { dir, label } = await pickModel();
  const rows: BenchRow[] = [];
  for (const threads of [1, 2]) {
    const model = await WorldModel.load(dir, { threads });
    try {
      const { width, height, fps } = model.spec.frame;
      const start = gameStart({ seed: 1 }, model.spec);
      // The recorded policy's actions: a realistic mix of walking, jumping and standing.
      const actions = recordEpisode({ seed: 1, format: { width, height, fps, frames: FRAMES + WARMUP + 1 } }).actions;
      for (const steps of [1, 2, 4]) {
        const stepper = model.stepper({ seed: 1, steps });
        stepper.reset(start.frame);
        for (let t = 0; t < WARMUP; t++) await stepper.step(actions[t]);
        const ms: number[] = [];
        const t0 = performance.now();
        for (let t = 0; t < FRAMES; t++) {
          const s = performance.now();
          await stepper.step(actions[WARMUP + t]);
          ms.push(performance.now() - s);
        }
        const seconds = (performance.now() - t0) / 1000;
        const { mean, p95 } = meanAndP95(ms);
        const group = `world: ${label}, ${threads} thread${threads > 1 ? 's' : ''}`;
        const fpsNote = threads === 2 ? `target ≥ 24${FRAMES / seconds >= 24 ? ' ✓' : ' ✗'}` : undefined;
        const latencyNote = threads === 2 ? `target < 100 ms${p95 < 100 ? ' ✓' : ' ✗'}` : undefined;
        rows.push(
          { group, name: `${steps} sampling step${steps > 1 ? 's' : ''}: frames per second`, value: FRAMES / seconds, unit: 'frames/s', ...(fpsNote && { note: fpsNote }) },
          { group, name: `${steps} sampling step${steps > 1 ? 's' : ''}: step latency mean`, value: mean, unit: 'ms' },
          { group, name: `${steps} sampling step${steps > 1 ? 's' : ''}: step latency p95`, value: p95, unit: 'ms', ...(latencyNote && { note: latencyNote }) },
        );
      }
    } finally {
      await model.dispose();
    }
  }

  // Drawing in the terminal, on the simulator's frames of recorded play: a whole frame, and only the cells
  // that changed since the frame before (what `cinesim play` writes).
  const episode = recordEpisode({ seed: 2, format: { width: 64, height: 64, fps: 12, frames: 201 } }).video;
  const frames = Array.from({ length: episode.count }, (_, i) => frameAt(episode, i));
  const measure = (draw: (frame: Uint8Array) => string) => {
    let bytes = 0;
    const t0 = performance.now();
    for (const f of frames) bytes += draw(f).length;
    return { ms: (performance.now() - t0) / frames.length, kb: bytes / frames.length / 1024 };
  };
  const full = measure((f) => halfBlockFrame(f, 64, 64));
  const canvas = new HalfBlockCanvas(64, 64);
  const diff = measure((f) => canvas.render(f));
  rows.push(
    { group: 'terminal 64x64, 24-bit colour', name: 'whole frame', value: full.ms, unit: 'ms', note: `${full.kb.toFixed(1)} KB per frame` },
    { group: 'terminal 64x64, 24-bit colour', name: 'changed cells only (cinesim play)', value: diff.ms, unit: 'ms', note: `${diff.kb.toFixed(1)} KB per frame` },
  );
  return rows;
}
