/**
 * `cinesim generate --server URL` and `cinesim story --server URL`: the same commands, run by a Cinesim
 * server instead of a local model (a story is one video there, its film).
 * Create (with an idempotency key, so a retried request never makes two videos) → follow its progress
 * → download the result to `--out` (an MP4 with its metadata sidecar, or a folder with every variant).
 * Interrupting the wait cancels the job on the server (and so refunds it).
 */
import { randomUUID } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { CinesimError, ERRORS, invalidArgument } from '../errors.ts';
import { sidecarPath } from '../media/metadata.ts';
import { CinesimClient, type CreateStoryParams, type CreateVideoParams, type Model, type Variant, type Video } from './client.ts';

export interface RemoteGenerateOptions {
  readonly server: string;
  readonly apiKey?: string;
  /** A video request, or a story's (`script`). */
  readonly request: CreateVideoParams | CreateStoryParams;
  /** Picks the size from the model's sizes when the request gives none (`--aspect`). */
  readonly pickSize?: (sizes: [number, number][]) => { width: number; height: number };
  /** `clip.mp4` or `folder/`. */
  readonly out: string;
  readonly onUpdate?: (video: Video) => void;
  readonly signal?: AbortSignal;
}

export interface RemoteGenerateResult {
  readonly video: Video;
  readonly written: string[];
}

/** What a folder `--out` gets, named as the local command names them. */
const FOLDER_FILES: Readonly<Record<'video' | 'story', readonly [Variant, string][]>> = {
  video: [
    ['video', 'clip.mp4'],
    ['thumbnail', 'thumbnail.webp'],
    ['spritesheet', 'spritesheet.png'],
    ['metadata', 'metadata.json'],
  ],
  story: [
    ['video', 'film.mp4'],
    ['spritesheet', 'storyboard.png'],
    ['thumbnail', 'thumbnail.webp'],
    ['metadata', 'film.mp4.json'],
  ],
};

export async function generateOnServer(options: RemoteGenerateOptions): Promise<RemoteGenerateResult> {
  const folder = await isFolderOutput(options.out);
  const client = new CinesimClient({ baseURL: options.server, apiKey: options.apiKey });
  const request = { ...options.request, size: options.request.size ?? (await pickedSize(client, options)) };
  const kind = 'script' in request ? 'story' : 'video';

  const once = { idempotencyKey: randomUUID(), signal: options.signal };
  const created = 'script' in request ? await client.createStory(request, once) : await client.createVideo(request, once);
  options.onUpdate?.(created);
  let video: Video;
  try {
    video = await client.waitForVideo(created.id, { onUpdate: options.onUpdate, signal: options.signal });
  } catch (error) {
    if (!options.signal?.aborted) throw error;
    await client.cancelVideo(created.id).catch(() => undefined);
    throw new CinesimError(ERRORS.CANCELLED, `interrupted: video ${created.id} was cancelled on the server (and refunded)`, { cause: error });
  }
  if (video.status !== 'completed') throw videoFailure(video);

  const targets: [Variant, string][] = folder
    ? FOLDER_FILES[kind].map(([variant, name]) => [variant, join(options.out, name)])
    : [['video', options.out], ['metadata', sidecarPath(options.out)]];
  for (const [variant, path] of targets) await client.downloadTo(video.id, path, variant, options.signal);
  return { video, written: targets.map(([, path]) => path) };
}

async function pickedSize(client: CinesimClient, options: RemoteGenerateOptions): Promise<string | undefined> {
  if (!options.pickSize) return undefined;
  const model = await serverModel(client, options.request.model);
  const sizes = model.sizes.map((s) => s.split('x').map(Number) as [number, number]);
  const { width, height } = options.pickSize(sizes);
  return `${width}x${height}`;
}

/** Why a video that is final did not complete: its job's error code and message (a cancelled one exits as cancelled). */
export function videoFailure(video: Video): CinesimError {
  const code = video.error?.code ?? ERRORS.CANCELLED.code;
  const exitCode = video.status === 'cancelled' ? ERRORS.CANCELLED.exitCode : 1;
  return new CinesimError({ code, status: 500, exitCode }, `video ${video.id} ${video.status}${video.error ? `: ${video.error.message}` : ''}`);
}

/** The server's model of that id, or its default model (GET /v1/models); a name it lacks is a `--model` mistake. */
export async function serverModel(client: CinesimClient, id: string | undefined): Promise<Model> {
  const models = await client.listModels();
  const model = models.find((m) => (id === undefined ? m.default : m.id === id));
  if (!model) throw invalidArgument('--model', `the server has no model '${id}'; it has ${models.map((m) => m.id).join(', ')}`);
  return model;
}

async function isFolderOutput(out: string): Promise<boolean> {
  if (out.endsWith('/') || out.endsWith(sep)) return true;
  if ((await stat(out).catch(() => undefined))?.isDirectory()) return true;
  if (extname(out).toLowerCase() === '.mp4') return false;
  throw invalidArgument('--out', `with --server, --out is an .mp4 file or a folder ending in / (got ${out})`);
}
