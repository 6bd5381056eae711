/**
 * Generation speed and memory of the engine (src/engine) on one default clip: 2 s at 8 fps, the model's
 * default size and steps.
 *
 * Model: `CINESIM_BENCH_MODEL` (a folder) if set, else models/shapes-64 (the trained default) if present,
 * else the tiny random-weight test fixture, which measures engine overhead only (its networks are ~100×
 * smaller than a real model's); every row says which.
 *
 * Rows: wall time, peak RSS and clip-seconds per wall-second of one generation; guidance branches as one
 * batch-2 call vs two batch-1 calls; a 6 s clip in one pass vs in overlapping chunks; decode-only peak memory for a 2 s vs an 8 s clip (chunked decode is
 * flat in clip length; the whole-clip decode is shown for contrast). Memory is measured in a child process
 * per row (bench/generate.worker.ts), since peak RSS is a per-process high-water mark.
 *
 * Reference: when the model is shapes-64 and Debian's PyTorch is installed, the same networks and sampler
 * run in PyTorch on the same cores (bench/torch_reference.py) and print beside the engine's row.
 */
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { generateClip } from '../src/engine/clip.ts';
import { latentFrameCount } from '../src/engine/latents.ts';
import { VideoPipeline } from '../src/engine/pipeline.ts';
import { loadManifest, requireKind } from '../src/engine/manifest.ts';
import { Tokenizer } from '../src/engine/tokenizer.ts';
import type { GuidanceBatching } from '../src/engine/guidance.ts';
import type { BenchRow } from './table.ts';
import type { WorkerJob, WorkerResult } from './generate.worker.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TRAINED = fileURLToPath(new URL('../models/shapes-64', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../test/fixtures/tiny-model', import.meta.url));
const CLIP_SECONDS = 2;

async function pickModel(): Promise<{ dir: string; label: string }> {
  const fromEnv = process.env.CINESIM_BENCH_MODEL;
  if (fromEnv) return { dir: fromEnv, label: fromEnv.split('/').filter(Boolean).at(-1)! };
  const trained = await access(TRAINED).then(
    () => true,
    () => false,
  );
  return trained ? { dir: TRAINED, label: 'shapes-64' } : { dir: FIXTURE, label: 'tiny fixture (random weights, engine overhead only)' };
}

async function inChild(job: WorkerJob): Promise<WorkerResult> {
  const { stdout } = await promisify(execFile)(process.execPath, ['bin/run-ts.mjs', 'bench/generate.worker.ts', JSON.stringify(job)], {
    cwd: ROOT,
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as WorkerResult;
}

/** Median denoise time of the two guidance batchings, alternating runs so that machine noise hits both. */
async function compareBatching(dir: string, rounds = 5): Promise<Record<GuidanceBatching, number>> {
  const modes: GuidanceBatching[] = ['batched', 'sequential'];
  const pipes = await Promise.all(modes.map((m) => VideoPipeline.load(dir, { guidanceBatching: m })));
  const samples: Record<GuidanceBatching, number[]> = { batched: [], sequential: [] };
  try {
    const request = { prompt: 'a red ball', seed: 1, seconds: CLIP_SECONDS };
    for (const p of pipes) await p.generate(request); // warm-up
    for (let r = 0; r < rounds; r++) {
      for (const [i, p] of pipes.entries()) samples[modes[i]].push((await p.generate(request)).timings.denoise);
    }
  } finally {
    await Promise.all(pipes.map((p) => p.dispose()));
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { batched: median(samples.batched), sequential: median(samples.sequential) };
}

export async function run(): Promise<BenchRow[]> {
  const { dir, label } = await pickModel();
  const rows: BenchRow[] = [];

  const gen = await inChild({ kind: 'generate', model: dir, seconds: CLIP_SECONDS });
  const what = `${CLIP_SECONDS} s ${gen.width}x${gen.height} (${gen.frames} frames), ${gen.steps} steps, guidance ${gen.guidance}`;
  const group = `generate: ${label}`;
  rows.push(
    { group, name: `wall time, ${what}`, value: gen.wallMs, unit: 'ms', note: stageNote(gen.stages) },
    { group, name: 'clip-seconds per wall-second', value: CLIP_SECONDS / (gen.wallMs / 1000), unit: 'x' },
    { group, name: 'peak RSS', value: gen.peakRssMb, unit: 'MB', note: `${gen.baseRssMb.toFixed(0)} MB after load + warm-up` },
    { group, name: 'load (4 sessions)', value: gen.loadMs, unit: 'ms' },
  );

  const reference = label === 'shapes-64' ? await torchReference(dir, gen) : undefined;
  if (reference) {
    rows.push(
      { group, name: `PyTorch ${reference.torch} reference, same request`, value: reference.wallMs, unit: 'ms', note: stageNote({ encode: reference.encodeMs, denoise: reference.denoiseMs, decode: reference.decodeMs }) },
      { group, name: 'PyTorch clip-seconds per wall-second', value: CLIP_SECONDS / (reference.wallMs / 1000), unit: 'x' },
      { group, name: 'PyTorch peak RSS', value: reference.peakRssMb, unit: 'MB' },
    );
  }

  const batching = await compareBatching(dir);
  for (const mode of ['batched', 'sequential'] as const) {
    const note = mode === 'batched' ? 'one transformer call of batch 2 per step (default)' : 'two calls of batch 1 per step';
    rows.push({ group: `guidance branches: ${label}`, name: `denoise, ${mode}`, value: batching[mode], unit: 'ms', note });
  }

  const long = await compareOnePass(dir);
  for (const [how, ms] of Object.entries(long.ms)) {
    rows.push({ group: `a ${LONG_SECONDS} s clip: ${label}`, name: how, value: ms, unit: 'ms', note: `${(LONG_SECONDS / (ms / 1000)).toFixed(2)} clip-seconds per wall-second` });
  }

  for (const [seconds, chunk] of [
    [2, 1],
    [8, 1],
    [8, 0],
  ] as const) {
    const r = await inChild({ kind: 'decode', model: dir, seconds, chunk });
    const how = chunk === 0 ? 'whole clip at once' : `chunks of ${chunk} latent frame`;
    rows.push({
      group: `decode memory: ${label}`,
      name: `${seconds} s (${r.frames} frames ${r.width}x${r.height}), ${how}`,
      value: r.peakRssMb - r.baseRssMb,
      unit: 'MB over base',
      note: `peak ${r.peakRssMb.toFixed(0)} MB, ${r.wallMs.toFixed(0)} ms`,
    });
  }
  return rows;
}

const LONG_SECONDS = 6;

/**
 * A clip longer than the trained length made in one pass (engine/clip.ts) against overlapping chunks of the
 * trained length, median of alternating runs (the chunks' own cost is what one-pass limits save).
 */
async function compareOnePass(dir: string, rounds = 3): Promise<{ ms: Record<string, number> }> {
  const pipe = await VideoPipeline.load(dir);
  const native = latentFrameCount(pipe.manifest.formats.frames, pipe.manifest.vae.temporalCompression);
  const ways = { 'one pass': 1000, [`chunks of ${native} latent frames`]: native };
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
  try {
    const request = { prompt: 'a red ball bounces on green grass', seed: 1, seconds: LONG_SECONDS };
    for (let r = 0; r <= rounds; r++) {
      for (const [how, onePass] of Object.entries(ways)) {
        const ms = (await generateClip(pipe, { ...request, onePass })).timings.total;
        if (r > 0) samples[how].push(ms); // round 0 warms up
      }
    }
  } finally {
    await pipe.dispose();
  }
  const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return { ms: Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)])) };
}

interface TorchResult {
  wallMs: number;
  encodeMs: number;
  denoiseMs: number;
  decodeMs: number;
  peakRssMb: number;
  torch: string;
}

/** The PyTorch side of the comparison, or undefined when PyTorch is not installed. */
async function torchReference(dir: string, gen: WorkerResult): Promise<TorchResult | undefined> {
  const python = process.env.CINESIM_PYTHON ?? '/usr/bin/python3';
  const manifest = requireKind(await loadManifest(dir), 'video', dir);
  const tokens = new Tokenizer(manifest.tokenizer.vocabulary, manifest.tokenizer.maxTokens).encode('a red ball');
  const request = { tokens, steps: gen.steps, guidance: gen.guidance, width: gen.width, height: gen.height, frames: gen.frames, threads: 2 };
  try {
    const { stdout } = await promisify(execFile)(python, ['bench/torch_reference.py', JSON.stringify(request)], { cwd: ROOT, maxBuffer: 1 << 20 });
    return JSON.parse(stdout.trim().split('\n').at(-1)!) as TorchResult;
  } catch {
    return undefined; // no PyTorch here: the engine rows stand alone
  }
}

function stageNote(stages: Record<string, number> | undefined): string {
  if (!stages) return '';
  return `encode ${stages.encode.toFixed(0)} / denoise ${stages.denoise.toFixed(0)} / decode ${stages.decode.toFixed(0)} ms`;
}
