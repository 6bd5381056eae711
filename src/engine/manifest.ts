/**
 * The model folder's `manifest.json` (docs/FORMATS.md, written by training/export_model.py): its schema,
 * loading with validation, and finding a model folder by name.
 *
 * Policy, as in diffusers' config loading: a key this engine does not know is a warning (a newer exporter
 * may add informational keys), a missing required key or a bad value is an error naming the key and the
 * file, and a `formatVersion` this engine does not know is rejected.
 */
import { access, readdir, readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { CinesimError, ERRORS } from '../errors.ts';
import { consoleLogger, type Logger } from './log.ts';

export const MANIFEST_FILE = 'manifest.json';
export const FORMAT_VERSION = 1;

// --- schema ------------------------------------------------------------------------------------------

const positiveInt = z.number().int().positive();
const onnxFile = z.string().regex(/^[^/\\]+\.onnx$/, 'expected an .onnx file name inside the model folder');
/** Free-form records (training provenance, eval figures): any keys, never warned about. */
const freeRecord = z.record(z.string(), z.unknown());
const size = z.tuple([positiveInt, positiveInt]); // [width, height]

const base = {
  formatVersion: z.literal(FORMAT_VERSION),
  name: z.string().min(1),
  description: z.string().optional(),
  training: freeRecord.optional(),
  metrics: freeRecord.optional(),
};

const decoderCacheSchema = z.object({
  /** Graph input name; the output is `${name}_out`. */
  name: z.string().min(1),
  channels: positiveInt,
  frames: positiveInt,
  /** Cache spatial size relative to the latent grid: [h·scale, w·scale]. */
  scale: z.number().positive(),
});

const videoManifestSchema = z.object({
  ...base,
  kind: z.literal('video'),
  sessions: z.object({ textEncoder: onnxFile, transformer: onnxFile, vaeEncoder: onnxFile, vaeDecoder: onnxFile }),
  tokenizer: z.object({ vocabulary: z.array(z.string()).min(2), maxTokens: positiveInt }),
  vae: z.object({
    latentChannels: positiveInt,
    temporalCompression: z.literal(4),
    spatialCompression: positiveInt,
    latentShift: z.number().optional(),
    latentScale: z.number().optional(),
    decoderCache: z.array(decoderCacheSchema),
    metrics: freeRecord.optional(),
  }),
  transformer: z.object({
    patch: z.tuple([positiveInt, positiveInt, positiveInt]), // [pt, ph, pw]
    dim: positiveInt,
    depth: positiveInt,
    heads: positiveInt,
    textDim: positiveInt,
    /** Which conditioning modes the model was trained for: t2v, i2v, flf, extend. */
    conditioning: z.array(z.string()),
    parameters: z.number().int().nonnegative().optional(),
  }),
  sampling: z.object({
    steps: positiveInt,
    guidance: z.number().nonnegative(),
    shift: z.number().positive(),
    sampler: z.enum(['euler', 'heun']),
    /**
     * Long video (long-video.ts): latent frames one pass makes (`chunk`, context included) and how many of
     * them are the video so far (`context`). Default: the trained length, and 3 of it.
     */
    longVideo: z.object({ chunk: positiveInt, context: positiveInt }).optional(),
    /** Most latent frames a clip may have to be made in one pass (engine/clip.ts); default the long-video chunk. */
    onePass: positiveInt.optional(),
  }),
  formats: z.object({
    sizes: z.array(size), // [width, height] pairs it makes: trained on, or measured since (training.sizesAfterTraining)
    fps: z.number().positive(),
    frames: positiveInt,
    defaultSize: size,
  }),
});

const probeManifestSchema = z.object({
  ...base,
  kind: z.literal('probe'),
  sessions: z.object({ probe: onnxFile }),
  heads: z.array(z.object({ name: z.string().min(1), values: z.array(z.string()), multi: z.boolean() })),
});

/**
 * The world model (docs/FORMATS.md, "World model"): one denoiser graph that predicts the next frame from the
 * last `context` frames, frames further back at the `memory` offsets, the actions and a promptable event.
 */
const worldManifestSchema = z.object({
  ...base,
  kind: z.literal('world'),
  sessions: z.object({ denoiser: onnxFile }),
  frame: z.object({ width: positiveInt, height: positiveInt, fps: z.number().positive() }),
  /** Number of recent frames the denoiser reads (input `context`, oldest first). */
  context: positiveInt,
  /** Offsets in frames before the newest context frame of the frames in input `memory`, oldest (largest) first. */
  memory: z.array(positiveInt),
  /** The graph also reads the play's start frame (input `anchor`, clean), however long ago it was. */
  anchor: z.boolean().optional(),
  /** Action names; the graph's `actions` input holds indices into this list. */
  actions: z.array(z.string().min(1)).min(1),
  /** Event kinds; index 0 means none (src/world/game-events.ts encodeGameEvent). */
  events: z.array(z.string().min(1)).min(1).optional(),
  sampling: z.object({
    steps: positiveInt,
    /** Noise level added to context (and memory) frames at sampling, in the model's [-1,1] units. */
    contextSigma: z.number().min(0).max(1),
  }),
  /** Parameter count and architecture notes. */
  network: freeRecord.optional(),
});

const SCHEMAS = { video: videoManifestSchema, probe: probeManifestSchema, world: worldManifestSchema } as const;
export type ModelKind = keyof typeof SCHEMAS;

export type VideoManifest = z.infer<typeof videoManifestSchema>;
export type ProbeManifest = z.infer<typeof probeManifestSchema>;
export type WorldManifest = z.infer<typeof worldManifestSchema>;
export type Manifest = VideoManifest | ProbeManifest | WorldManifest;
export type DecoderCacheSpec = z.infer<typeof decoderCacheSchema>;
export type SamplingDefaults = VideoManifest['sampling'];

// --- loading -----------------------------------------------------------------------------------------

export interface LoadManifestOptions {
  readonly logger?: Logger;
}

/** Reads, validates and checks `dir/manifest.json`, including that every listed ONNX file exists. */
export async function loadManifest(dir: string, options: LoadManifestOptions = {}): Promise<Manifest> {
  const file = join(dir, MANIFEST_FILE);
  const raw = await readJson(file);
  const kind = checkHeader(raw, file);
  const schema = SCHEMAS[kind];
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw invalid(file, parsed.error.issues.map((i) => describeIssue(i, raw)).join('; '));

  const unknown = unknownKeys(schema, raw, '');
  if (unknown.length > 0) {
    (options.logger ?? consoleLogger).warn(`${file}: ignoring unknown key(s) ${unknown.join(', ')}`);
  }
  await checkSessionFiles(dir, file, parsed.data.sessions);
  return parsed.data;
}

/** Narrows a loaded manifest to the kind a caller needs (a probe folder handed to the video pipeline, ...). */
export function requireKind<K extends ModelKind>(
  manifest: Manifest,
  kind: K,
  dir: string,
): Extract<Manifest, { kind: K }> {
  if (manifest.kind !== kind) {
    throw new CinesimError(
      ERRORS.MODEL_INVALID,
      `${dir} holds a ${manifest.kind} model ('${manifest.name}'), not a ${kind} model`,
    );
  }
  return manifest as Extract<Manifest, { kind: K }>;
}

async function readJson(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new CinesimError(ERRORS.MODEL_INVALID, `${file} cannot be read: is this a model folder?`, { cause });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw invalid(file, `not valid JSON (${(cause as Error).message})`);
  }
}

/** `formatVersion` and `kind` decide which schema applies, so they are checked first and by hand. */
function checkHeader(raw: unknown, file: string): ModelKind {
  if (!isRecord(raw)) throw invalid(file, 'expected a JSON object');
  if (raw.formatVersion === undefined) throw invalid(file, "missing required key 'formatVersion'");
  if (raw.formatVersion !== FORMAT_VERSION) {
    throw invalid(file, `formatVersion ${JSON.stringify(raw.formatVersion)} is not one this engine reads (${FORMAT_VERSION})`);
  }
  if (raw.kind === undefined) throw invalid(file, "missing required key 'kind'");
  if (typeof raw.kind !== 'string' || !(raw.kind in SCHEMAS)) {
    throw invalid(file, `unknown kind ${JSON.stringify(raw.kind)} (known: ${Object.keys(SCHEMAS).join(', ')})`);
  }
  return raw.kind as ModelKind;
}

function describeIssue(issue: z.core.$ZodIssue, raw: unknown): string {
  const key = issue.path.map(String).join('.');
  if (issue.code === 'invalid_type' && valueAt(raw, issue.path) === undefined) return `missing required key '${key}'`;
  return `'${key}': ${issue.message}`;
}

async function checkSessionFiles(dir: string, file: string, sessions: Record<string, string>): Promise<void> {
  const missing: string[] = [];
  for (const [name, onnx] of Object.entries(sessions)) {
    try {
      await access(join(dir, onnx));
    } catch {
      missing.push(`${name} → ${onnx}`);
    }
  }
  if (missing.length > 0) throw invalid(file, `listed ONNX file(s) do not exist in ${dir}: ${missing.join(', ')}`);
}

/** Dotted paths of keys in `value` that `schema` does not declare (free-form records and loose objects excepted). */
function unknownKeys(schema: z.ZodType, value: unknown, path: string): string[] {
  if (schema instanceof z.ZodOptional) return unknownKeys(schema.unwrap() as z.ZodType, value, path);
  if (schema instanceof z.ZodArray && Array.isArray(value)) {
    return value.flatMap((v, i) => unknownKeys(schema.element as z.ZodType, v, `${path}[${i}]`));
  }
  if (!(schema instanceof z.ZodObject) || !isRecord(value)) return [];
  const shape = schema.shape as Record<string, z.ZodType>;
  const loose = schema._zod.def.catchall !== undefined;
  return Object.entries(value).flatMap(([key, v]) => {
    const at = path ? `${path}.${key}` : key;
    if (key in shape) return unknownKeys(shape[key], v, at);
    return loose ? [] : [at];
  });
}

function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = raw;
  for (const key of path) {
    if (!isRecord(v) && !Array.isArray(v)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function invalid(file: string, message: string): CinesimError {
  return new CinesimError(ERRORS.MODEL_INVALID, `${file}: ${message}`, { details: { file } });
}

// --- finding model folders ---------------------------------------------------------------------------

/** The repository's shipped models (`models/` at the repo root). */
const REPO_MODELS_DIR = fileURLToPath(new URL('../../models/', import.meta.url));

export interface ResolveModelOptions {
  /** Environment to read `CINESIM_MODELS` from; default `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Folders searched for model names after `CINESIM_MODELS`; default the repository's `models/`. */
  readonly modelsDirs?: readonly string[];
}

/** Folders searched for a model name, in priority order. */
export function modelSearchDirs(options: ResolveModelOptions = {}): string[] {
  const env = options.env ?? process.env;
  const fromEnv = env.CINESIM_MODELS ? [resolve(env.CINESIM_MODELS)] : [];
  return [...fromEnv, ...(options.modelsDirs ?? [REPO_MODELS_DIR])];
}

/** Names of the model folders (those holding a manifest.json) found in the search folders. */
export async function listModels(options: ResolveModelOptions = {}): Promise<string[]> {
  const names = new Set<string>();
  for (const dir of modelSearchDirs(options)) {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      if (e.isDirectory() && (await exists(join(dir, e.name, MANIFEST_FILE)))) names.add(e.name);
    }
  }
  return [...names].sort();
}

/**
 * A model folder from a path (anything with a path separator or a leading '.') or a name looked up in
 * `CINESIM_MODELS` then the repository's `models/`. Returns an absolute folder path.
 */
export async function resolveModel(nameOrPath: string, options: ResolveModelOptions = {}): Promise<string> {
  const looksLikePath = isAbsolute(nameOrPath) || /[/\\]/.test(nameOrPath) || nameOrPath.startsWith('.');
  if (looksLikePath) {
    const dir = resolve(nameOrPath);
    if (await isDirectory(dir)) return dir;
    throw new CinesimError(ERRORS.MODEL_NOT_FOUND, `no model folder at ${dir}`, { param: 'model' });
  }
  for (const root of modelSearchDirs(options)) {
    const dir = join(root, nameOrPath);
    if (await exists(join(dir, MANIFEST_FILE))) return dir;
  }
  if (await exists(join(resolve(nameOrPath), MANIFEST_FILE))) return resolve(nameOrPath);
  const available = await listModels(options);
  throw new CinesimError(
    ERRORS.MODEL_NOT_FOUND,
    `no model named '${nameOrPath}' in ${modelSearchDirs(options).join(', ')}; available: ` +
      (available.length > 0 ? available.join(', ') : 'none (train one, or pass a model folder path)'),
    { param: 'model', details: { available } },
  );
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isDirectory(),
    () => false,
  );
}
