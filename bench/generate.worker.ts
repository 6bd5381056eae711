/**
 * One measurement of bench/generate.bench.ts, in a process of its own so that its peak RSS belongs to it
 * alone (maxRSS is a high-water mark: measurements sharing a process would hide each other).
 *
 *   node bin/run-ts.mjs bench/generate.worker.ts '{"kind":"generate","model":"models/shapes-64"}'
 *
 * Prints one JSON line: WorkerResult.
 */
import { join } from 'node:path';
import type { GuidanceBatching } from '../src/engine/guidance.ts';
import { latentFrameCount, latentSize, makeLatents, sliceFrames, type LatentShape } from '../src/engine/latents.ts';
import { loadManifest, requireKind } from '../src/engine/manifest.ts';
import { Session } from '../src/engine/ort.ts';
import { VideoPipeline } from '../src/engine/pipeline.ts';
import { VaeDecoder } from '../src/engine/vae.ts';
import { Rng } from '../src/util/random.ts';

export interface WorkerJob {
  readonly kind: 'generate' | 'decode';
  readonly model: string;
  readonly seconds: number;
  /** generate: how the guidance branches run. */
  readonly batching?: GuidanceBatching;
  /** decode: latent frames per decoder call (0 = the whole clip at once). */
  readonly chunk?: number;
  /** Timed repetitions after one warm-up (generate). */
  readonly repeat?: number;
}

export interface WorkerResult {
  /** Median wall time of one generation / decode, ms. */
  readonly wallMs: number;
  /** Wall time per stage of the median run (generate only). */
  readonly stages?: Record<string, number>;
  readonly loadMs: number;
  /** RSS after loading, before the measured work, MB. */
  readonly baseRssMb: number;
  /** Peak RSS of the whole process, MB. */
  readonly peakRssMb: number;
  readonly frames: number;
  readonly width: number;
  readonly height: number;
  readonly steps?: number;
  readonly guidance?: number;
}

const mb = (bytes: number) => bytes / 2 ** 20;
const peakRssMb = () => process.resourceUsage().maxRSS / 1024; // maxRSS is in KB

async function generate(job: WorkerJob): Promise<WorkerResult> {
  const t0 = performance.now();
  const pipe = await VideoPipeline.load(job.model, { guidanceBatching: job.batching });
  const loadMs = performance.now() - t0;
  const request = { prompt: 'a red ball', seed: 1, seconds: job.seconds };
  await pipe.generate(request); // warm-up: first runs pay ORT's one-time allocations
  const baseRssMb = mb(process.memoryUsage().rss);
  const runs = [];
  for (let i = 0; i < (job.repeat ?? 3); i++) runs.push(await pipe.generate(request));
  runs.sort((a, b) => a.timings.total - b.timings.total);
  const median = runs[Math.floor(runs.length / 2)];
  await pipe.dispose();
  return {
    wallMs: median.timings.total,
    stages: { ...median.timings },
    loadMs,
    baseRssMb,
    peakRssMb: peakRssMb(),
    frames: median.video.count,
    width: median.video.width,
    height: median.video.height,
    steps: median.settings.steps,
    guidance: median.settings.guidance,
  };
}

async function decode(job: WorkerJob): Promise<WorkerResult> {
  const t0 = performance.now();
  const manifest = requireKind(await loadManifest(job.model), 'video', job.model);
  const session = await Session.create(join(job.model, manifest.sessions.vaeDecoder));
  const decoder = new VaeDecoder(session, manifest.vae);
  const loadMs = performance.now() - t0;
  const { fps, defaultSize } = manifest.formats;
  const s = manifest.vae.spatialCompression;
  const frames = Math.round(job.seconds * fps) + 1;
  const shape: LatentShape = [1, manifest.vae.latentChannels, latentFrameCount(frames), defaultSize[1] / s, defaultSize[0] / s];
  const latents = makeLatents(shape, new Rng(1).fillNormal(new Float32Array(latentSize(shape))));
  const chunk = job.chunk || shape[2];
  await decoder.decode(sliceFrames(latents, 0, 1), { fps }); // warm-up on one latent frame
  const baseRssMb = mb(process.memoryUsage().rss);
  const t1 = performance.now();
  const video = await decoder.decode(latents, { fps, chunk });
  const wallMs = performance.now() - t1;
  await session.dispose();
  return { wallMs, loadMs, baseRssMb, peakRssMb: peakRssMb(), frames: video.count, width: video.width, height: video.height };
}

const job = JSON.parse(process.argv[2] ?? '{}') as WorkerJob;
const result = job.kind === 'decode' ? await decode(job) : await generate(job);
console.log(JSON.stringify(result));
