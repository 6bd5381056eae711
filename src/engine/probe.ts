/**
 * The probe: a small video network trained on rendered Shapes World clips (never generated ones) that
 * reads what a clip shows. Multi-hot heads (colour, shape, size, texture, motion) say which values are
 * present anywhere in the clip, one sigmoid each; single-choice heads (camera, background, count) give a
 * softmax over their values. Its pooled `features` feed the Fréchet distance.
 *
 * It lives in the engine because generation reads reference images with it (reference.ts); src/eval
 * re-exports it unchanged.
 *
 * Graph contract (docs/FORMATS.md, manifest kind 'probe'): input `video` float [B, 3, F, H, W] in [-1, 1];
 * outputs `features` [B, D] and one logits output [B, values] per head, named after the head. The network
 * is fully convolutional with global pooling, so any size and length works, and clips of one shape run
 * together in one batch.
 *
 * @example
 *   const probe = await Probe.load('probe-shapes');
 *   const { heads } = await probe.read(renderClip(scene, format, 1).video);
 *   heads.color[probe.head('color').values.indexOf('red')]; // 0.99
 *   await probe.dispose();
 */
import { join } from 'node:path';
import { CinesimError, ERRORS } from '../errors.ts';
import type { Logger } from './log.ts';
import { loadManifest, requireKind, resolveModel, type ProbeManifest, type ResolveModelOptions } from './manifest.ts';
import { float32Output, float32Tensor, Session, type Device } from './ort.ts';
import type { VideoFrames } from '../media/frames.ts';

export type ProbeHead = ProbeManifest['heads'][number];

export interface ProbeReading {
  /** Per head, probabilities in the head's value order: independent sigmoids (multi) or a softmax (single). */
  readonly heads: Readonly<Record<string, Float32Array>>;
  /** The pooled feature vector [D]. */
  readonly features: Float32Array;
}

export interface ProbeOptions {
  readonly device?: Device;
  readonly threads?: number;
  readonly logger?: Logger;
  readonly models?: ResolveModelOptions;
  /** Most clips per graph call; default 8 (a 64×64×17 batch of 8 is ~7 MB of input). */
  readonly maxBatch?: number;
}

const DEFAULT_MAX_BATCH = 8;

export class Probe {
  readonly manifest: ProbeManifest;
  /** The model folder. */
  readonly dir: string;
  private readonly session: Session;
  private readonly maxBatch: number;
  private readonly headsByName: ReadonlyMap<string, ProbeHead>;

  private constructor(dir: string, manifest: ProbeManifest, session: Session, maxBatch: number) {
    this.dir = dir;
    this.manifest = manifest;
    this.session = session;
    this.maxBatch = maxBatch;
    this.headsByName = new Map(manifest.heads.map((h) => [h.name, h]));
  }

  /** Loads a probe folder (path, or name under `models/` / `CINESIM_MODELS`). */
  static async load(nameOrDir: string, options: ProbeOptions = {}): Promise<Probe> {
    const dir = await resolveModel(nameOrDir, options.models);
    const manifest = requireKind(await loadManifest(dir, { logger: options.logger }), 'probe', dir);
    const session = await Session.create(join(dir, manifest.sessions.probe), {
      device: options.device,
      threads: options.threads,
      logger: options.logger,
    });
    const missing = ['features', ...manifest.heads.map((h) => h.name)].filter((n) => !session.outputNames.includes(n));
    if (missing.length > 0) {
      await session.dispose();
      throw new CinesimError(
        ERRORS.MODEL_INVALID,
        `${dir}: the probe graph lacks output(s) ${missing.join(', ')} that its manifest lists (it gives ${session.outputNames.join(', ')})`,
      );
    }
    const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) {
      await session.dispose();
      throw new CinesimError(ERRORS.INVALID_ARGUMENT, `maxBatch must be a positive integer, got ${maxBatch}`, { param: 'maxBatch' });
    }
    return new Probe(dir, manifest, session, maxBatch);
  }

  get heads(): readonly ProbeHead[] {
    return this.manifest.heads;
  }

  /** A head by name; throws when the probe has no such head. */
  head(name: string): ProbeHead {
    const head = this.headsByName.get(name);
    if (head === undefined) {
      throw new CinesimError(ERRORS.MODEL_INVALID, `probe '${this.manifest.name}' has no head '${name}' (it has ${[...this.headsByName.keys()].join(', ')})`);
    }
    return head;
  }

  async read(video: VideoFrames): Promise<ProbeReading> {
    const [reading] = await this.readMany([video]);
    return reading;
  }

  /** Readings in input order; clips of the same size and length share graph calls of up to `maxBatch`. */
  async readMany(videos: readonly VideoFrames[]): Promise<ProbeReading[]> {
    const readings: ProbeReading[] = new Array(videos.length);
    const groups = new Map<string, number[]>();
    videos.forEach((v, i) => {
      const key = `${v.width}x${v.height}x${v.count}`;
      groups.set(key, [...(groups.get(key) ?? []), i]);
    });
    for (const indices of groups.values()) {
      for (let start = 0; start < indices.length; start += this.maxBatch) {
        const batch = indices.slice(start, start + this.maxBatch);
        const out = await this.run(batch.map((i) => videos[i]));
        batch.forEach((i, k) => (readings[i] = out[k]));
      }
    }
    return readings;
  }

  /** Releases the native session. */
  async dispose(): Promise<void> {
    await this.session.dispose();
  }

  /** One graph call on clips of one shape. */
  private async run(videos: readonly VideoFrames[]): Promise<ProbeReading[]> {
    const { width, height, count } = videos[0];
    const input = new Float32Array(videos.length * 3 * count * width * height);
    videos.forEach((v, b) => writePlanar(v, input, b * 3 * v.count * v.width * v.height));
    const out = await this.session.run({ video: float32Tensor(input, [videos.length, 3, count, height, width]) });

    const features = float32Output(out, 'features', this.session);
    const dim = features.data.length / videos.length; // [B, D]
    const logits = this.manifest.heads.map((h) => [h, float32Output(out, h.name, this.session).data] as const);
    for (const [h, data] of logits) {
      if (data.length !== videos.length * h.values.length) {
        throw new CinesimError(ERRORS.MODEL_INVALID, `${this.session.name}: head '${h.name}' gives ${data.length / videos.length} logits per clip, the manifest lists ${h.values.length} values`);
      }
    }
    return videos.map((_, b) => ({
      features: features.data.slice(b * dim, (b + 1) * dim),
      heads: Object.fromEntries(
        logits.map(([h, data]) => {
          const row = data.slice(b * h.values.length, (b + 1) * h.values.length); // [values]
          return [h.name, h.multi ? sigmoid(row) : softmax(row)];
        }),
      ),
    }));
  }
}

/** Interleaved uint8 [F, H, W, 3] → planar floats [3, F, H, W] in [-1, 1], written at `offset` of `out`. */
function writePlanar(video: VideoFrames, out: Float32Array, offset: number): void {
  const n = video.count * video.width * video.height; // pixels over all frames
  for (let i = 0; i < n; i++) {
    out[offset + i] = video.data[i * 3] / 127.5 - 1;
    out[offset + n + i] = video.data[i * 3 + 1] / 127.5 - 1;
    out[offset + 2 * n + i] = video.data[i * 3 + 2] / 127.5 - 1;
  }
}

function sigmoid(logits: Float32Array): Float32Array {
  return logits.map((z) => 1 / (1 + Math.exp(-z)));
}

function softmax(logits: Float32Array): Float32Array {
  const max = logits.reduce((m, z) => Math.max(m, z), -Infinity); // shift for stability
  const e = logits.map((z) => Math.exp(z - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}
