/**
 * The models this server serves, loaded once at start from folders the operator chose. Requests pick a
 * model by name from this table only, never by path, so no request can make the server open a folder.
 * Only manifests and tokenizers live here (cheap); the ONNX sessions load in the generation workers.
 */
import { CinesimError, ERRORS } from '../../errors.ts';
import { MODE_CAPABILITY, type ConditioningMode } from '../../engine/conditioning.ts';
import { latentFrameCount } from '../../engine/latents.ts';
import { listModels, loadManifest, resolveModel, type VideoManifest } from '../../engine/manifest.ts';
import { Tokenizer } from '../../engine/tokenizer.ts';

export interface Size {
  readonly width: number;
  readonly height: number;
}

export interface ServedModel {
  readonly name: string;
  /** Absolute model folder. */
  readonly dir: string;
  readonly manifest: VideoManifest;
  readonly tokenizer: Tokenizer;
  /** Trained sizes, without repeats, in manifest order. */
  readonly sizes: readonly Size[];
  readonly modes: readonly ConditioningMode[];
  /** Allowed durations at the model's fps, ascending, up to the server's limit. */
  readonly durations: readonly number[];
  readonly defaultSeconds: number;
}

export const PREFERRED_DEFAULT = 'shapes-64';

export class ModelCatalog {
  private readonly byName: ReadonlyMap<string, ServedModel>;
  readonly defaultName: string;

  private constructor(models: ServedModel[], defaultName: string | undefined) {
    this.byName = new Map(models.map((m) => [m.name, m]));
    if (models.length === 0) {
      throw new CinesimError(ERRORS.MODEL_NOT_FOUND, 'no video models to serve: train one, or pass --model <folder>', { param: 'model' });
    }
    const fallback = this.byName.has(PREFERRED_DEFAULT) ? PREFERRED_DEFAULT : models[0].name;
    this.defaultName = defaultName ?? fallback;
    if (!this.byName.has(this.defaultName)) {
      throw new CinesimError(ERRORS.MODEL_NOT_FOUND, `default model '${this.defaultName}' is not among the served models (${this.names().join(', ')})`, {
        param: 'defaultModel',
      });
    }
  }

  /** Loads the given folders or names (default: every video model in the search folders). */
  static async load(options: { models?: readonly string[]; defaultModel?: string; maxSeconds: number }): Promise<ModelCatalog> {
    const explicit = options.models !== undefined;
    const wanted = options.models ?? (await listModels());
    const models: ServedModel[] = [];
    for (const nameOrDir of wanted) {
      const dir = await resolveModel(nameOrDir);
      const manifest = await loadManifest(dir);
      if (manifest.kind !== 'video') {
        if (explicit) throw new CinesimError(ERRORS.MODEL_INVALID, `${dir} holds a ${manifest.kind} model, not a video model`);
        continue; // probes and world models sit in the same folder; they are not served here
      }
      models.push(serve(dir, manifest, options.maxSeconds));
    }
    return new ModelCatalog(models, options.defaultModel);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  list(): ServedModel[] {
    return [...this.byName.values()];
  }

  /** The model named in a request (or the default); INVALID_ARGUMENT naming the served models otherwise. */
  get(name: string | undefined, param = 'model'): ServedModel {
    const model = this.byName.get(name ?? this.defaultName);
    if (!model) throw new CinesimError(ERRORS.INVALID_ARGUMENT, `unknown model '${name}'; this server has: ${this.names().join(', ')}`, { param });
    return model;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }
}

function serve(dir: string, manifest: VideoManifest, maxSeconds: number): ServedModel {
  const { fps, frames, sizes } = manifest.formats;
  const tc = manifest.vae.temporalCompression;
  const [pt] = manifest.transformer.patch;
  const unique = new Map(sizes.map(([width, height]) => [`${width}x${height}`, { width, height }]));
  const durations: number[] = [];
  // A clip has 1 + tc·k frames, and its latent frame count must divide by the time patch.
  for (let intervals = tc; intervals / fps <= maxSeconds + 1e-9; intervals += tc) {
    if (latentFrameCount(intervals + 1, tc) % pt === 0) durations.push(intervals / fps);
  }
  const modes = (Object.keys(MODE_CAPABILITY) as ConditioningMode[]).filter((m) => manifest.transformer.conditioning.includes(MODE_CAPABILITY[m]));
  return {
    name: manifest.name,
    dir,
    manifest,
    tokenizer: new Tokenizer(manifest.tokenizer.vocabulary, manifest.tokenizer.maxTokens),
    sizes: [...unique.values()],
    modes,
    durations,
    defaultSeconds: (frames - 1) / fps,
  };
}
