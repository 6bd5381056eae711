/**
 * A world model folder loaded for play in Node: the manifest, the denoiser's ONNX session, and the
 * `Denoise` the pure stepper (stepper.ts) calls. The studio builds its own Denoise over onnxruntime-web and
 * shares everything else.
 *
 * @example
 *   const model = await WorldModel.load('world-64', { threads: 2 });
 *   const stepper = model.stepper({ seed: 1 });
 *   stepper.reset(startFrame);
 *   const frame = await stepper.step('right');
 *   await model.dispose();
 */
import { join } from 'node:path';
import { CinesimError, ERRORS } from '../../errors.ts';
import { readImage } from '../../media/image.ts';
import type { Logger } from '../log.ts';
import { loadManifest, requireKind, resolveModel, type ResolveModelOptions, type WorldManifest } from '../manifest.ts';
import { float32Output, float32Tensor, int64Tensor, Session, type Device, type Feeds } from '../ort.ts';
import { WorldStepper, type Denoise, type StepperOptions, type WorldFeeds, type WorldSpec } from './stepper.ts';

export interface WorldModelOptions {
  readonly device?: Device;
  /** Intra-op threads of the denoiser; default every core. */
  readonly threads?: number;
  readonly logger?: Logger;
  readonly models?: ResolveModelOptions;
}

/** The graph's input and output names (docs/FORMATS.md, "World model"). */
const INPUTS = ['noisy', 'sigma', 'context', 'context_sigma', 'actions', 'event'] as const;
const OUTPUT = 'denoised';

export class WorldModel {
  readonly dir: string;
  readonly manifest: WorldManifest;
  readonly spec: WorldSpec;
  readonly denoise: Denoise;
  /** Graph calls made (one per sampling step per batch), for speed reports. */
  calls = 0;
  private readonly session: Session;

  private constructor(dir: string, manifest: WorldManifest, spec: WorldSpec, session: Session) {
    this.dir = dir;
    this.manifest = manifest;
    this.spec = spec;
    this.session = session;
    const takes = { memory: session.inputNames.includes('memory'), anchor: session.inputNames.includes('anchor') };
    this.denoise = async (f: WorldFeeds) => {
      this.calls++;
      return this.run(f, takes);
    };
  }

  /** Loads a world model (a folder path, or a name under `CINESIM_MODELS` / the repository's `models/`). */
  static async load(nameOrDir: string, options: WorldModelOptions = {}): Promise<WorldModel> {
    const dir = await resolveModel(nameOrDir, options.models);
    const manifest = requireKind(await loadManifest(dir, { logger: options.logger }), 'world', dir);
    const spec = worldSpec(manifest);
    const session = await Session.create(join(dir, manifest.sessions.denoiser), {
      device: options.device,
      threads: options.threads,
      logger: options.logger,
    });
    const needs = [...INPUTS, ...(spec.memory.length > 0 ? ['memory'] : []), ...(spec.anchor === true ? ['anchor'] : [])];
    const missing = needs.filter((n) => !session.inputNames.includes(n));
    if (missing.length > 0 || !session.outputNames.includes(OUTPUT)) {
      await session.dispose();
      throw new CinesimError(
        ERRORS.MODEL_INVALID,
        `${dir}: the world denoiser takes ${session.inputNames.join(', ')} and gives ${session.outputNames.join(', ')}; ` +
          `its manifest needs inputs ${needs.join(', ')} and output ${OUTPUT}`,
      );
    }
    return new WorldModel(dir, manifest, spec, session);
  }

  get name(): string {
    return this.manifest.name;
  }

  /** A stepper over this model (one per play; they share the session). */
  stepper(options: StepperOptions = {}): WorldStepper {
    return new WorldStepper(this.spec, this.denoise, options);
  }

  async dispose(): Promise<void> {
    await this.session.dispose();
  }

  private async run(f: WorldFeeds, takes: { memory: boolean; anchor: boolean }): Promise<Float32Array> {
    const { width, height } = this.spec.frame;
    const { context: K, memory } = this.spec;
    const B = f.batch;
    const feeds: Record<string, ReturnType<typeof float32Tensor>> = {
      noisy: float32Tensor(f.noisy, [B, 3, height, width]),
      sigma: float32Tensor(f.sigma, [B]),
      context: float32Tensor(f.context, [B, 3 * K, height, width]),
      context_sigma: float32Tensor(f.contextSigma, [B]),
      actions: int64Tensor(f.actions, [B, K]),
      event: int64Tensor(f.event, [B, 3]),
    };
    if (takes.memory) feeds.memory = float32Tensor(f.memory, [B, 3 * memory.length, height, width]);
    if (takes.anchor) feeds.anchor = float32Tensor(f.anchor, [B, 3, height, width]);
    const out = await this.session.run(feeds as Feeds);
    return float32Output(out, OUTPUT, this.session).data;
  }
}

/**
 * A start frame from a picture (PNG, JPEG or WebP file or bytes), cropped to fill and resized to the model's
 * frame size. Unreadable files are CINE_ERR_INPUT_UNREADABLE.
 */
export async function imageStart(input: string | Uint8Array, spec: WorldSpec): Promise<Uint8Array> {
  const image = await readImage(input, { width: spec.frame.width, height: spec.frame.height, fit: 'cover' });
  return image.data;
}

/** The stepper's view of a world manifest: the validated manifest already has the shape. */
export function worldSpec(manifest: WorldManifest): WorldSpec {
  return manifest;
}
