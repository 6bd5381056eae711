/**
 * A batch made by a Cinesim server (`cinesim batch --server`): every clip a POST /v1/videos job, the jobs followed
 * together while the server queues them, each finished video's MP4 and metadata downloaded into the batch folder,
 * then overview.png and batch.json as a local batch writes them (folder.ts). A clip already in the folder with
 * the same request is kept, so only the others are sent.
 *
 * Before anything is sent the list is checked as a local batch checks it (parseBatch: a mistake names its line),
 * with the server's model as the judge: its words (POST /v1/prompts/check, once per distinct text) and its lengths
 * (GET /v1/models). Each job is created under an idempotency key made from its request, so a run again after an
 * interruption or a lost answer gets the video it already paid for instead of paying again; a video of that key
 * that failed, was cancelled or has expired is asked for anew. The price checked before sending (priceOnServer) counts
 * only what will be charged: the server is asked which keys already hold a video.
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { CinesimClient, CreateVideoParams, Model, Video } from '../client/client.ts';
import { videoFailure } from '../client/remote-generate.ts';
import type { ConditioningMode } from '../engine/conditioning.ts';
import { CinesimError, ERRORS, invalidArgument, isCinesimError, rephrased } from '../errors.ts';
import { sidecarPath } from '../media/metadata.ts';
import {
  clipFileName,
  clipRequestKey,
  freeName,
  madeBefore,
  readClip,
  writeBatchFiles,
  type BatchResult,
  type BatchSettings,
  type FailedClip,
  type MadeClip,
} from './folder.ts';
import { parseBatch, type BatchItem, type BatchOptions as BatchListOptions } from './list.ts';

/** A server and the model of it the batch's clips are made by (GET /v1/models). */
export interface BatchServer {
  /** As the user gave it, for batch.json. */
  readonly url: string;
  readonly client: CinesimClient;
  readonly model: Model;
}

/** Prompt checks and creates in flight at once: quick requests, kept few so a server is not flooded. */
const REQUESTS_AT_ONCE = 8;
/** Jobs followed at once by default (an event stream each); the others wait their turn in the server's queue. */
const FOLLOWED_AT_ONCE = 16;
/** How often a request the server refused for its rate limit is tried again. */
const RATE_LIMIT_TRIES = 5;

/** `seconds` as one of the lengths the model makes on this server (GET /v1/models); what would do when it is none. */
export function serverSeconds(model: Model, seconds: number, what: string): number {
  const lengths = model.seconds.map(Number);
  const found = lengths.find((s) => Math.abs(s - seconds) < 1e-6);
  if (found !== undefined) return found;
  const nearest = [lengths.filter((s) => s < seconds).at(-1), lengths.find((s) => s > seconds)].filter((s) => s !== undefined);
  const makes = `${model.id} on this server makes clips of ${lengths[0]} to ${lengths.at(-1)} s`;
  throw invalidArgument('seconds', `${what} of ${seconds} s: ${makes}; nearest ${nearest.map((s) => `${s} s`).join(' or ')}`);
}

/**
 * The list's clips, checked as parseBatch checks them by the server's model: every text asked about once, then the
 * list read again with those verdicts, so the first mistake in the list is the one named, with its line.
 * `negativePrompt` (the batch's) is checked after the lines, as `--negative`.
 */
export async function parseBatchOnServer(
  text: string,
  source: string,
  server: BatchServer,
  options: BatchListOptions & { readonly negativePrompt?: string; readonly signal?: AbortSignal },
): Promise<BatchItem[]> {
  const checkSeconds = (seconds: number) => void serverSeconds(server.model, seconds, 'a clip');
  const texts = new Set<string>();
  try {
    parseBatch(text, source, { tokenizer: { encode: (t) => (texts.add(t), []) }, checkSeconds }, options);
  } catch {
    // another kind of mistake: the last reading names it, unless a text before it is refused first
  }
  if (options.negativePrompt) texts.add(options.negativePrompt);
  const verdicts = new Map<string, CinesimError>();
  const request = limiter(REQUESTS_AT_ONCE);
  await Promise.all(
    [...texts].map((prompt) =>
      request(async () => {
        // The server judges the words (the model's own); whether a prompt describes something parseBatch checks
        // here, by the same parser, and a negative need not.
        const check = await patiently(() => server.client.checkPrompt({ prompt, model: server.model.id, role: 'negative_prompt' }, { signal: options.signal }), options.signal);
        if (check.error) verdicts.set(prompt, new CinesimError({ code: check.error.code, status: 400, exitCode: 2 }, check.error.message, { param: 'prompt' }));
      }),
    ),
  );
  const encode = (t: string): number[] => {
    const refused = verdicts.get(t);
    if (refused) throw refused;
    return [];
  };
  const items = parseBatch(text, source, { tokenizer: { encode }, checkSeconds }, options);
  if (options.negativePrompt) {
    try {
      encode(options.negativePrompt);
    } catch (error) {
      throw rephrased(error, { prefix: '--negative: ', param: '--negative' });
    }
  }
  return items;
}

/** A clip of the batch as it will be asked of the server. */
export interface PlannedClip {
  readonly item: BatchItem;
  /** The POST /v1/videos body: every setting explicit (the model's defaults filled in), so it says which clip it is. */
  readonly request: CreateVideoParams & { seconds: number };
  /** What the request is known by: its settings, and its picture's hash for a line with an image (an upload). */
  readonly identity: string;
  /** The picture's hash, recorded in the clip's metadata (the server's does not say which picture it was given). */
  readonly image?: string;
  /** The clip already in the folder with this request, kept rather than sent. */
  readonly kept?: string;
}

/** Each clip's request, and which are already in the folder. */
export async function planOnServer(model: Model, items: readonly BatchItem[], out: string, settings: BatchSettings): Promise<PlannedClip[]> {
  if (settings.camera !== undefined) throw invalidArgument('camera', 'a camera move is not sent to a server; put it in the prompt');
  const earlier = await madeBefore(out, model.id);
  const pictures = new Map<string, { bytes: Uint8Array; hash: string }>();
  for (const path of new Set(items.flatMap((i) => (i.image === undefined ? [] : [i.image])))) {
    const bytes = await readFile(path);
    pictures.set(path, { bytes, hash: createHash('sha256').update(bytes).digest('hex') });
  }
  return items.map((item) => {
    const picture = item.image === undefined ? undefined : { ...pictures.get(item.image)!, name: basename(item.image) };
    const { request, recorded, identity } = clipRequest(model, item, settings, picture);
    const key = clipRequestKey(model.id, recorded);
    const kept = earlier.get(key);
    earlier.delete(key); // a repeated request is made again, with its own file
    return { item, request, identity, image: recorded.image, kept };
  });
}

/** Credits the clips to send cost at the model's price (GET /v1/models), as the server charges them. */
export function creditsOf(model: Model, planned: readonly PlannedClip[]): number {
  const milli = planned.filter((p) => !p.kept).reduce((sum, p) => sum + Math.round(p.request.seconds * model.credits_per_second * 1000), 0);
  return milli / 1000;
}

/**
 * What sending the clips will be charged: those not kept in the folder, less those whose video the server already
 * holds under the clip's idempotency key (`held`: a run again after an interruption, a lost download, another folder),
 * which a create is answered with at no charge. Asked of the server (GET /v1/videos?idempotency_key=) without creating.
 */
export async function priceOnServer(server: BatchServer, planned: readonly PlannedClip[], signal?: AbortSignal): Promise<{ credits: number; held: number }> {
  const request = limiter(REQUESTS_AT_ONCE);
  const held = await Promise.all(
    planned.map((p) =>
      p.kept
        ? false
        : request(async () => {
            const video = await heldVideo(server.client, clipKey(p.identity), signal); // a server that cannot be asked: counted as charged
            return video !== undefined && !spent(video);
          }),
    ),
  );
  return { credits: creditsOf(server.model, planned.filter((_, i) => !held[i])), held: held.filter(Boolean).length };
}

export interface RemoteBatchProgress {
  /** Clips done (kept, or made and downloaded), a job under way counting its progress. */
  readonly done: number;
  readonly clips: number;
  /** Jobs waiting in the server's queue, and being made. */
  readonly queued: number;
  readonly running: number;
}

export interface RemoteBatchOptions {
  readonly out: string;
  readonly seed: number;
  readonly settings: BatchSettings;
  /** Columns of the overview: the variants of a line side by side. */
  readonly columns?: number;
  /** Jobs followed at once (default 16); all are sent at once, the server queues them. */
  readonly followed?: number;
  /** Aborting cancels every job not yet done (the server refunds them). */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RemoteBatchProgress) => void;
}

export interface RemoteBatchResult extends BatchResult {
  /** Clips whose job could not be created, failed or was cancelled, or whose video could not be downloaded. */
  readonly failed: readonly FailedClip[];
  /** Credits this run was charged: for the videos it made, not those the server already held. */
  readonly credits: number;
  /** Clips whose video the server already held under the clip's idempotency key (an earlier run paid for it): downloaded, not charged. */
  readonly held: number;
}

/**
 * Sends the clips not in the folder, follows the jobs, downloads each video as it finishes, and writes overview.png
 * and batch.json with every clip made; one that failed is in the result's `failed` (and batch.json's), its cell of
 * the overview left blank. Aborting cancels the jobs not yet done and throws CANCELLED (what was downloaded stays).
 */
export async function sendBatch(server: BatchServer, planned: readonly PlannedClip[], options: RemoteBatchOptions): Promise<RemoteBatchResult> {
  const { client, model } = server;
  const { out, settings, signal } = options;
  const made: (MadeClip | undefined)[] = new Array(planned.length).fill(undefined);
  const failed: FailedClip[] = [];
  const states = new Map<number, Video>(); // the latest state of each job, by clip index
  let done = 0;
  let credits = 0;
  let held = 0;
  const report = () => {
    const jobs = [...states.values()];
    const running = jobs.filter((v) => v.status === 'in_progress');
    const partial = running.reduce((sum, v) => sum + v.progress / 100, 0);
    options.onProgress?.({ done: done + partial, clips: planned.length, queued: jobs.filter((v) => v.status === 'queued').length, running: running.length });
  };

  for (const [i, p] of planned.entries()) {
    if (!p.kept) continue;
    const { frames, middle } = await readClip(out, p.kept, settings);
    made[i] = { clip: { ...p.item, file: p.kept, frames, reused: true, ms: 0 }, middle };
    done++;
    report();
  }
  // Names in the list's order, before anything runs at once.
  const toSend: { index: number; p: PlannedClip; file: string }[] = [];
  for (const [index, p] of planned.entries()) if (!p.kept) toSend.push({ index, p, file: await freeName(out, clipFileName(p.item, planned.length)) });

  const create = limiter(REQUESTS_AT_ONCE);
  const follow = limiter(options.followed ?? FOLLOWED_AT_ONCE);
  const open = new Map<number, string>(); // clip index → id of its video not yet done, cancelled on an abort
  const seen = (index: number, video: Video) => {
    states.set(index, video);
    report();
  };
  await Promise.all(
    toSend.map(async ({ index, p, file }) => {
      const t0 = performance.now();
      try {
        // Every job is created at once (a few requests at a time), then followed in the list's order.
        const sent = create(async () => {
          const { video, charged } = await createOnce(client, p, signal);
          open.set(index, video.id);
          seen(index, video);
          return { video, charged };
        });
        sent.catch(() => undefined); // awaited below, once it is this job's turn to be followed
        const { video, charged } = await follow(async () => {
          const { video: job, charged } = await sent;
          const final = await patiently(() => client.waitForVideo(job.id, { signal, onUpdate: (v) => seen(index, v) }), signal);
          open.delete(index);
          states.delete(index);
          if (final.status !== 'completed') throw videoFailure(final);
          // The sidecar first: an MP4 only counts as made (madeBefore) once its metadata is there too.
          const path = join(out, file);
          await patiently(() => client.downloadTo(final.id, sidecarPath(path), 'metadata', signal), signal);
          if (p.image) await recordImage(sidecarPath(path), p.image);
          await patiently(() => client.downloadTo(final.id, path, 'video', signal), signal);
          return { video: final, charged };
        });
        if (charged) credits += video.cost;
        else held++;
        const { frames, middle } = await readClip(out, file, settings);
        made[index] = { clip: { ...p.item, file, frames, reused: false, ms: performance.now() - t0, video: video.id }, middle };
        done++;
      } catch (error) {
        states.delete(index);
        if (signal?.aborted) return;
        failed.push({ ...p.item, code: isCinesimError(error) ? error.code : ERRORS.INTERNAL.code, error: (error as Error).message });
        done++;
      }
      report();
    }),
  );
  if (signal?.aborted) {
    await Promise.all([...open.values()].map((id) => client.cancelVideo(id).catch(() => undefined)));
    throw new CinesimError(
      ERRORS.CANCELLED,
      `interrupted: ${open.size} videos cancelled on the server (and refunded); a run again keeps the ${made.filter(Boolean).length} clips in ${out}`,
    );
  }
  failed.sort((a, b) => a.index - b.index);
  const result = await writeBatchFiles(
    out,
    made,
    { model: model.id, server: server.url, seed: options.seed, settings, failed: failed.length > 0 ? failed : undefined },
    options.columns,
  );
  return { ...result, failed, credits, held };
}

/** A clip's POST /v1/videos body, and the settings its metadata will record (what the folder knows it by). */
function clipRequest(model: Model, item: BatchItem, settings: BatchSettings, picture?: { bytes: Uint8Array; hash: string; name: string }) {
  const seconds = serverSeconds(model, item.seconds ?? settings.seconds ?? Number(model.default_seconds), 'a clip');
  const recorded = {
    prompt: item.prompt,
    negativePrompt: item.negativePrompt ?? settings.negativePrompt ?? '',
    seed: item.seed,
    steps: settings.steps ?? model.defaults.steps,
    guidance: settings.guidance ?? model.defaults.guidance,
    shift: settings.shift ?? model.defaults.shift,
    sampler: (settings.sampler ?? model.defaults.sampler) as 'euler' | 'heun',
    width: settings.width,
    height: settings.height,
    fps: settings.fps,
    seconds,
    conditioning: (picture ? 'firstFrame' : 'none') satisfies ConditioningMode, // image or text to video
    audio: settings.audio,
    image: picture?.hash,
  };
  const request = {
    model: model.id,
    prompt: recorded.prompt,
    negative_prompt: recorded.negativePrompt === '' ? undefined : recorded.negativePrompt,
    seed: recorded.seed,
    seconds,
    size: `${recorded.width}x${recorded.height}`,
    fps: recorded.fps,
    steps: recorded.steps,
    guidance: recorded.guidance,
    shift: recorded.shift,
    sampler: recorded.sampler,
    audio: recorded.audio,
    input_reference: picture && new File([picture.bytes], picture.name),
  };
  // An upload says nothing in JSON: the picture's hash stands for it.
  const identity = JSON.stringify({ ...request, input_reference: picture?.hash });
  return { request, recorded, identity };
}

/**
 * The clip's video, and whether this run is charged for it. The video the server already holds under a key made
 * from the request (a run again, a retry) is taken as it is, not charged again; otherwise POST /v1/videos under that
 * key. One that failed, was cancelled or expired is asked anew, under a new key.
 */
async function createOnce(client: CinesimClient, { request, identity }: PlannedClip, signal: AbortSignal | undefined): Promise<{ video: Video; charged: boolean }> {
  const key = clipKey(identity);
  const held = await heldVideo(client, key, signal);
  if (held && !spent(held)) return { video: held, charged: false };
  // A server that cannot be asked answers the create with the video it holds, if any: counted as charged.
  const video = await patiently(() => client.createVideo(request, { idempotencyKey: key, signal }), signal);
  if (!spent(video)) return { video, charged: true };
  return { video: await patiently(() => client.createVideo(request, { idempotencyKey: `${key}-${randomUUID()}`, signal }), signal), charged: true };
}

/** The video the server holds under an idempotency key (GET /v1/videos?idempotency_key=); undefined when none, or when it cannot be asked. */
async function heldVideo(client: CinesimClient, key: string, signal: AbortSignal | undefined): Promise<Video | undefined> {
  const page = await patiently(() => client.listVideos({ idempotency_key: key }), signal).catch((error: unknown) => {
    if (isCinesimError(error) && error.status === 400) return undefined; // a server without the filter
    throw error;
  });
  return page?.data[0];
}

/** A clip's idempotency key, made from its request (`identity`). */
function clipKey(identity: string): string {
  return `cinesim-batch-${createHash('sha256').update(identity).digest('hex')}`;
}

/** A video of a clip's key that cannot stand for the clip (failed, cancelled or expired): the clip is asked for anew. */
function spent(video: Video): boolean {
  return video.status === 'failed' || video.status === 'cancelled' || (video.expires_at !== null && video.expires_at * 1000 <= Date.now());
}

/** Adds the picture's hash to a downloaded clip's metadata, so a run again knows the clip by it (as a local batch's). */
async function recordImage(sidecar: string, hash: string): Promise<void> {
  const metadata = JSON.parse(await readFile(sidecar, 'utf8')) as { settings?: Record<string, unknown> };
  await writeFile(sidecar, `${JSON.stringify({ ...metadata, settings: { ...metadata.settings, image: hash } }, null, 2)}\n`);
}

/** `fn`, tried again after the wait the server asks for while it refuses for its rate limit (429). */
async function patiently<T>(fn: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (error) {
      if (!isCinesimError(error) || error.status !== 429 || attempt >= RATE_LIMIT_TRIES || signal?.aborted) throw error;
      const seconds = Number(error.details?.retryAfter ?? 1);
      await new Promise((resolve) => setTimeout(resolve, Math.min(60, Math.max(0.1, seconds)) * 1000));
    }
  }
}

/** Runs at most `n` of the functions given to it at once; the others wait their turn, in order. */
function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let free = n;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    if (free > 0) free--;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await fn();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else free++;
    }
  };
}
