/**
 * What a clip is and how it was made, written where people and tools will find it: a JSON sidecar
 * (`clip.mp4.json`, or `metadata.json` in a clip folder) and the MP4's own tags. The MP4 keeps the full
 * JSON in `comment` (so a file alone is reproducible) and the prompt in `title`/`description` (so players
 * show something readable). The schema is zod's, so what is read back is checked, not trusted.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { CinesimError, ERRORS, invalidArgument } from '../errors.ts';
import { ffprobeJson } from './ffmpeg.ts';
import { writeFileAtomic } from './files.ts';

export const ClipMetadataSchema = z.object({
  /** Rendered by Shapes World, or made by a model. */
  source: z.enum(['simulator', 'generator']),
  prompt: z.string().optional(),
  negativePrompt: z.string().optional(),
  seed: z.number().int().optional(),
  model: z.object({ name: z.string(), version: z.string().optional() }).optional(),
  /** Everything else that decides the output: steps, guidance, shift, size, mode, ... */
  settings: z.record(z.string(), z.unknown()).optional(),
  /** ISO 8601; filled in at write time when absent. */
  createdAt: z.string().optional(),
  /** Filled in at write time when absent. */
  cinesimVersion: z.string().optional(),
  /** Free fields for callers (scene spec, job id, ...). */
  extra: z.record(z.string(), z.unknown()).optional(),
});

export type ClipMetadata = z.infer<typeof ClipMetadataSchema>;

/** Name of the metadata file in a clip folder. */
export const FOLDER_METADATA_FILE = 'metadata.json';

/** The sidecar of a single-file output: `clip.mp4` → `clip.mp4.json`. */
export function sidecarPath(file: string): string {
  return `${file}.json`;
}

/** Cinesim's package version (read once per call; the file is tiny). */
export function cinesimVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

/** Fills the fields the writer owns (creation time, Cinesim version) when the caller left them out. */
export function completeMetadata(metadata: ClipMetadata, now: Date = new Date()): ClipMetadata {
  return {
    ...metadata,
    createdAt: metadata.createdAt ?? now.toISOString(),
    cinesimVersion: metadata.cinesimVersion ?? cinesimVersion(),
  };
}

/** Validates untrusted JSON (a sidecar, an MP4 comment) as ClipMetadata. */
export function parseClipMetadata(json: unknown, name = 'metadata'): ClipMetadata {
  const parsed = ClipMetadataSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new CinesimError(ERRORS.INPUT_UNREADABLE, `${name}: not Cinesim clip metadata: ${issues}`);
  }
  return parsed.data;
}

/** Writes `metadata` as pretty JSON to `path` (atomically: readers never see half of it). */
export async function writeMetadataJson(path: string, metadata: ClipMetadata): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(metadata, null, 2)}\n`);
}

export async function readMetadataJson(path: string): Promise<ClipMetadata> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new CinesimError(ERRORS.INPUT_UNREADABLE, `${path}: cannot read: ${(cause as Error).message}`, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw new CinesimError(ERRORS.INPUT_UNREADABLE, `${path}: not JSON: ${(cause as Error).message}`, { cause });
  }
  return parseClipMetadata(json, path);
}

/**
 * One command-line argument must stay under Linux's 128 KiB per-argument limit; the sidecar has no
 * limit, so oversized settings belong there rather than in the MP4.
 */
const MAX_TAG_BYTES = 64 * 1024;

/** The MP4 tags for `metadata`, as key → value. Custom `cinesim_*` keys need `use_metadata_tags`. */
export function mp4Tags(metadata: ClipMetadata): Record<string, string> {
  const json = JSON.stringify(metadata);
  if (Buffer.byteLength(json) > MAX_TAG_BYTES) {
    throw invalidArgument('metadata', `clip metadata is ${Buffer.byteLength(json)} bytes as JSON; MP4 tags hold at most ${MAX_TAG_BYTES}`);
  }
  const tags: Record<string, string> = {
    title: metadata.prompt ?? `Cinesim ${metadata.source} clip`,
    comment: json,
    cinesim_source: metadata.source,
  };
  if (metadata.prompt !== undefined) tags.description = metadata.prompt;
  if (metadata.createdAt !== undefined) tags.creation_time = metadata.createdAt;
  if (metadata.seed !== undefined) tags.cinesim_seed = String(metadata.seed);
  if (metadata.model) tags.cinesim_model = metadata.model.version ? `${metadata.model.name}@${metadata.model.version}` : metadata.model.name;
  if (metadata.cinesimVersion !== undefined) tags.cinesim_version = metadata.cinesimVersion;
  return tags;
}

/** ffmpeg output arguments that write `mp4Tags(metadata)`. */
export function mp4MetadataArgs(metadata: ClipMetadata): string[] {
  return Object.entries(mp4Tags(metadata)).flatMap(([key, value]) => ['-metadata', `${key}=${value}`]);
}

/** The container tags of any media file, via ffprobe. */
export async function readContainerTags(path: string, signal?: AbortSignal): Promise<Record<string, string>> {
  const json = (await ffprobeJson(['-show_entries', 'format_tags', path], {
    failure: ERRORS.INPUT_UNREADABLE,
    task: `reading tags of ${path}`,
    signal,
  })) as { format?: { tags?: Record<string, string> } };
  return json.format?.tags ?? {};
}

/** The ClipMetadata stored in an MP4's `comment` tag, or undefined when the file has none. */
export async function readMp4Metadata(path: string, signal?: AbortSignal): Promise<ClipMetadata | undefined> {
  const comment = (await readContainerTags(path, signal)).comment;
  if (comment === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(comment);
  } catch {
    return undefined; // a comment someone else wrote, not ours
  }
  return parseClipMetadata(json, `${path} (comment tag)`);
}
