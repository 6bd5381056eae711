/**
 * What the /v1/videos routes do, as one service the handlers call in a line or two: create (plan, store
 * inputs, charge and queue in one step), remix, read, list, cancel, delete, content and share links.
 * Every lookup is scoped to the calling key: another key's video is "not found", never "forbidden", so
 * ids do not leak.
 */
import { createHash } from 'node:crypto';
import { CinesimError, ERRORS } from '../../errors.ts';
import type { ConditioningMode } from '../../engine/conditioning.ts';
import { filmSeconds } from '../../story/plan.ts';
import { matchEarlierShots } from '../../story/record.ts';
import { fromMilli, toMilli } from '../accounts/ledger.ts';
import type { Principal } from '../accounts/keys.ts';
import type { ServerConfig } from '../config.ts';
import { newId } from '../ids.ts';
import type { ModelCatalog, ServedModel } from '../models/catalog.ts';
import { checkUrlNow } from '../net/fetch.ts';
import type { InputRole, JobPage, JobParams, JobQueue, JobRecord, ListOptions, StoredFile } from '../queue/types.ts';
import type { CreateVideoBody, ImageInput, StoryPlan as StoryPlanBody, StoryRequest, Variant } from '../schemas/videos.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { collectUnused } from '../storage/collect.ts';
import { shotsRecord } from '../storage/shots.ts';
import type { LinkSigner, ShareLink } from '../storage/signed-links.ts';
import { DerivedFiles, isDerivedVariant } from './derived.ts';
import type { JobEvents } from './events.ts';
import { fileSha256, keptPictures, storeImageInput, uploadedPicture, videoInput, type InputContext, type StoredInput, type StoryPicture } from './inputs.ts';
import { filmSettingsOf, picturesByShot, planGeneration, planStoryGeneration, type GenerationFields, type PlannedStory } from './plan.ts';
import { presentShots } from './present.ts';

export interface JobServiceDeps {
  readonly config: ServerConfig;
  readonly queue: JobQueue;
  readonly blobs: BlobStore;
  readonly catalog: ModelCatalog;
  readonly events: JobEvents;
  readonly signer: LinkSigner;
  /** Tells the workers there is work (a new job) or that a running job was cancelled or deleted. */
  readonly wake: () => void;
  readonly stopRunning: (jobId: string) => void;
}

export interface CreateOptions {
  readonly idempotencyKey?: string;
}

export class JobService {
  private readonly derived: DerivedFiles;

  constructor(private readonly deps: JobServiceDeps) {
    this.derived = new DerivedFiles({ queue: deps.queue, blobs: deps.blobs });
  }

  async create(principal: Principal, body: CreateVideoBody, options: CreateOptions = {}): Promise<{ job: JobRecord; created: boolean }> {
    const requestHash = await hashRequest(body);
    const replay = this.replay(principal, options.idempotencyKey, requestHash);
    if (replay) return { job: replay, created: false };

    const model = this.deps.catalog.get(body.model);
    const images = keyframesOf(body);
    const mode = modeOf(images, body.extend_video_id);
    const planned = planGeneration(model, body, mode, this.deps.config.limits);
    const callbackUrl = body.callback_url === undefined ? undefined : await this.checkCallback(body.callback_url);

    const inputs = await this.storeInputs(this.modeInputs(principal, images, body.extend_video_id, { width: planned.width, height: planned.height }));
    const params: JobParams = { ...planned, inputs: inputs.map(({ role, source }) => ({ role, source })) };
    return this.enqueue(principal, model, params, inputs.map((i) => i.file), { requestHash, callbackUrl, idempotencyKey: options.idempotencyKey });
  }

  /** A film from a story script: one job that makes every shot in order and cuts them together. */
  async createStory(principal: Principal, body: StoryRequest, options: CreateOptions = {}): Promise<{ job: JobRecord; created: boolean }> {
    const requestHash = await hashRequest({ story: body });
    const replay = this.replay(principal, options.idempotencyKey, requestHash);
    if (replay) return { job: replay, created: false };

    const { model, params, inputs, pictures, charged } = await this.planStory(principal, body);
    const callbackUrl = body.callback_url === undefined ? undefined : await this.checkCallback(body.callback_url);
    // The pictures are stored once every check has passed (a refused enqueue collects them again; one kept from
    // the earlier film is that film's file, still in use).
    const stored = await this.storeInputs([...pictures].map(([path, { store }]) => ({ role: `image:${path}` as const, store })));
    return this.enqueue(principal, model, params, [...stored.map((s) => s.file), ...inputs], {
      requestHash,
      callbackUrl,
      idempotencyKey: options.idempotencyKey,
      chargedSeconds: charged,
    });
  }

  /** What `createStory` would make and charge for this request, planned and checked the same way; nothing is queued. */
  async checkStory(principal: Principal, body: StoryRequest): Promise<StoryPlanBody> {
    const { model, params, charged } = await this.planStory(principal, body);
    return {
      object: 'story.plan',
      model: model.name,
      title: params.story.title,
      seed: params.seed,
      seconds: params.seconds,
      frames: params.frames,
      cost: fromMilli(this.costOf(charged)),
      shots: presentShots(params.story, params.reusedShots),
    };
  }

  /** A new video with the settings (seed, size, inputs, …) of `sourceId` and a new prompt. */
  async remix(principal: Principal, sourceId: string, body: { prompt: string; callback_url?: string }, options: CreateOptions = {}): Promise<{ job: JobRecord; created: boolean }> {
    const requestHash = await hashRequest({ remix: sourceId, ...body });
    const replay = this.replay(principal, options.idempotencyKey, requestHash);
    if (replay) return { job: replay, created: false };

    const source = this.get(principal, sourceId);
    if (source.params.story) {
      throw new CinesimError(ERRORS.INVALID_ARGUMENT, `video ${source.id} is a story's film; edit its script and POST /v1/stories again`, { param: 'video_id' });
    }
    const model = this.deps.catalog.get(source.model);
    const p = source.params;
    const fields: GenerationFields = {
      prompt: body.prompt,
      negative_prompt: p.negativePrompt,
      seconds: p.seconds,
      size: `${p.width}x${p.height}`,
      fps: p.fps,
      seed: p.seed,
      steps: p.steps,
      guidance: p.guidance,
      shift: p.shift,
      sampler: p.sampler,
      audio: p.audio,
    };
    const planned = planGeneration(model, fields, p.mode, this.deps.config.limits);
    const callbackUrl = body.callback_url === undefined ? source.callbackUrl ?? undefined : await this.checkCallback(body.callback_url);
    const inputs = this.deps.queue.files(source.id).filter((f) => f.role.startsWith('input:'));
    return this.enqueue(principal, model, { ...planned, inputs: p.inputs }, inputs, {
      requestHash,
      callbackUrl,
      idempotencyKey: options.idempotencyKey,
      remixedFrom: source.id,
    });
  }

  /** The caller's video; NOT_FOUND when it does not exist or belongs to another key. */
  get(principal: Principal, id: string, param = 'video_id'): JobRecord {
    const job = this.deps.queue.get(id);
    if (!job || job.keyId !== principal.keyId) throw new CinesimError(ERRORS.NOT_FOUND, `no video with id ${id}`, { param });
    return job;
  }

  /** A page of the caller's videos; with `idempotencyKey`, the video a create under that key would be answered with (or none). */
  list(principal: Principal, options: ListOptions & { readonly idempotencyKey?: string }): JobPage {
    if (options.idempotencyKey === undefined) return this.deps.queue.list(principal.keyId, options);
    const job = this.deps.queue.findByIdempotencyKey(principal.keyId, options.idempotencyKey);
    return { jobs: job ? [job] : [], hasMore: false };
  }

  cancel(principal: Principal, id: string): JobRecord {
    this.get(principal, id);
    const job = this.deps.queue.cancel(id)!;
    this.deps.stopRunning(id);
    this.deps.events.notify(id);
    return job;
  }

  async delete(principal: Principal, id: string): Promise<void> {
    this.get(principal, id);
    const files = this.deps.queue.remove(id);
    this.deps.stopRunning(id);
    this.deps.events.notify(id);
    await collectUnused(files, this.deps.queue, this.deps.blobs);
  }

  /** The stored file of a completed video's variant (GIF, WebP and frames are made on their first request). */
  content(principal: Principal, id: string, variant: Variant): Promise<StoredFile> {
    return this.contentOf(this.get(principal, id), variant);
  }

  /** For share links, which carry no key: the signature stands for the owner. */
  contentById(id: string, variant: Variant): Promise<StoredFile> {
    const job = this.deps.queue.get(id);
    if (!job) throw new CinesimError(ERRORS.NOT_FOUND, `no video with id ${id}`, { param: 'video_id' });
    return this.contentOf(job, variant);
  }

  share(principal: Principal, id: string, variant: Variant, ttlSeconds: number | undefined): ShareLink {
    const { defaultTtlSeconds, maxTtlSeconds } = this.deps.config.shareLinks;
    const ttl = ttlSeconds ?? defaultTtlSeconds;
    if (ttl > maxTtlSeconds) {
      throw new CinesimError(ERRORS.INVALID_ARGUMENT, `expires_in must be at most ${maxTtlSeconds} seconds, got ${ttl}`, { param: 'expires_in' });
    }
    // Only what exists, or can be made on request, can be shared.
    const job = this.get(principal, id);
    if (!this.storedFile(job, variant) && !isDerivedVariant(variant)) throw noVariant(job, variant);
    return this.deps.signer.sign(id, variant, ttl);
  }

  // --- helpers -----------------------------------------------------------------------------------------

  /**
   * A story request → its job's params; its pictures read and checked (not stored yet: `createStory` stores
   * them); and for a remake (`reuse_video_id`) the earlier film's shots archive as the job's input: the shots
   * whose key (src/story/record.ts; a picture's is the hash of its upload's bytes) matches one of that film's
   * are reused, and the charge is the seconds of film the other shots make. A remake's picture not uploaded
   * again is the earlier film's for that path, when it had one.
   */
  private async planStory(principal: Principal, body: StoryRequest) {
    const model = this.deps.catalog.get(body.model);
    const earlier = body.reuse_video_id === undefined ? undefined : this.earlierFilm(principal, body.reuse_video_id);
    // A remake keeps the earlier film's story seed unless told otherwise (the script's seed line wins in any case).
    const kept = earlier?.pictures ?? new Map<string, StoryPicture>();
    const planned = planStoryGeneration(model, { ...body, seed: body.seed ?? earlier?.job.params.seed }, this.deps.config.limits, new Set(kept.keys()));
    const pictures = await this.storyPictures(principal, planned, body.images ?? {}, kept);
    const pictureHashes = Object.fromEntries([...pictures].map(([path, { hash }]) => [path, hash]));
    let reused: number[] = [];
    if (earlier?.shots) {
      // An archive that cannot be read reuses nothing: the remake is then priced and made as a whole film.
      const record = await shotsRecord(this.deps.blobs.path(earlier.shots.hash)).catch(() => undefined);
      const byShot = picturesByShot(planned.story, (path) => ({ hash: pictureHashes[path] }));
      const { found } = matchEarlierShots(planned.story, filmSettingsOf(planned), model.manifest, byShot, record?.shots ?? []);
      reused = planned.story.shots.filter((_, k) => found[k] !== undefined).map((s) => s.index);
    }
    const inputs: StoredFile[] = earlier?.shots && reused.length > 0 ? [{ ...earlier.shots, role: 'input:shots' }] : [];
    const params = {
      ...planned,
      inputs: [
        ...[...pictures].map(([path, { source }]) => ({ role: `image:${path}` as const, source })),
        ...(inputs.length > 0 ? [{ role: 'shots' as const, source: `video:${earlier!.job.id}` }] : []),
      ],
      ...(earlier ? { reusedShots: reused } : {}),
      ...(pictures.size > 0 ? { pictureHashes } : {}),
    } satisfies JobParams;
    return { model, params, inputs, pictures, charged: filmSeconds(planned.story.shots, planned.fps, new Set(reused)) };
  }

  /**
   * The pictures a story's shots open on, by path: each upload read and checked as a keyframe upload is, fitted to
   * the film's frame; and each path the script names but the request does not upload taken from `kept` (the earlier
   * film's, in a remake; `planStoryGeneration` has refused a path in neither).
   */
  private async storyPictures(principal: Principal, planned: PlannedStory, images: Readonly<Record<string, File>>, kept: ReadonlyMap<string, StoryPicture>) {
    const context = this.inputContext(principal);
    const size = { width: planned.width, height: planned.height };
    const uploaded = await Promise.all(Object.entries(images).map(async ([path, file]) => [path, await uploadedPicture(file, path, size, context)] as const));
    const named = new Set(planned.story.shots.flatMap((shot) => shot.image ?? []));
    return new Map([...uploaded, ...[...kept].filter(([path]) => named.has(path) && !Object.hasOwn(images, path))]);
  }

  /**
   * The film a remake names: the caller's, completed, a story's; `shots` is its archive (none for a film made before
   * archives were kept), `pictures` those its shots opened on.
   */
  private earlierFilm(principal: Principal, id: string): { job: JobRecord; shots?: StoredFile; pictures: Map<string, StoryPicture> } {
    const param = 'reuse_video_id';
    const job = this.get(principal, id, param);
    if (!job.params.story) throw new CinesimError(ERRORS.INVALID_ARGUMENT, `${param}: video ${id} is not a story's film`, { param });
    if (job.status !== 'completed') throw new CinesimError(ERRORS.NOT_READY, `${param}: video ${id} is ${job.status.replace('_', ' ')}, not completed`, { param });
    const files = this.deps.queue.files(id);
    return { job, shots: files.find((f) => f.role === 'shots'), pictures: keptPictures(job, files) };
  }

  /** Millicredits for `seconds` of video, what a create charges. */
  private costOf(seconds: number): number {
    return toMilli(seconds * this.deps.config.creditsPerSecond);
  }

  private async contentOf(job: JobRecord, variant: Variant): Promise<StoredFile> {
    const file = this.storedFile(job, variant);
    if (file) return file;
    if (isDerivedVariant(variant)) return this.derived.get(job, variant);
    throw noVariant(job, variant);
  }

  /** The stored file of a completed video's `variant`; undefined when there is none (yet). */
  private storedFile(job: JobRecord, variant: Variant): StoredFile | undefined {
    if (job.status !== 'completed') {
      throw new CinesimError(ERRORS.NOT_READY, `video ${job.id} is ${job.status.replace('_', ' ')}; content is available once it is completed`, {
        param: 'video_id',
      });
    }
    return this.deps.queue.files(job.id).find((f) => f.role === variant);
  }

  /** The job an idempotency key already created (same request), or undefined; 409 for a different request. */
  private replay(principal: Principal, key: string | undefined, requestHash: string): JobRecord | undefined {
    if (key === undefined) return undefined;
    const existing = this.deps.queue.findByIdempotencyKey(principal.keyId, key);
    if (existing && existing.requestHash !== requestHash) {
      throw new CinesimError(ERRORS.IDEMPOTENCY_CONFLICT, `Idempotency-Key '${key}' was used for a different request (video ${existing.id})`, {
        param: 'Idempotency-Key',
      });
    }
    return existing;
  }

  private async enqueue(
    principal: Principal,
    model: ServedModel,
    params: JobParams,
    inputs: StoredFile[],
    extra: { requestHash: string; callbackUrl?: string; idempotencyKey?: string; remixedFrom?: string; chargedSeconds?: number },
  ): Promise<{ job: JobRecord; created: boolean }> {
    const { chargedSeconds, ...record } = extra;
    const cost = this.costOf(chargedSeconds ?? params.seconds);
    let result: { job: JobRecord; created: boolean };
    try {
      result = this.deps.queue.enqueue({ id: newId('video'), keyId: principal.keyId, model: model.name, params, cost, inputs, ...record });
    } catch (error) {
      await collectUnused(inputs, this.deps.queue, this.deps.blobs); // refused (credits, idempotency race): its stored inputs may be orphans
      throw error;
    }
    if (result.created) {
      this.deps.events.notify(result.job.id);
      this.deps.wake();
    } else {
      await collectUnused(inputs, this.deps.queue, this.deps.blobs);
    }
    return result;
  }

  /** How a video request's keyframes and the video it extends are stored. */
  private modeInputs(principal: Principal, images: readonly KeyframeInput[], extendVideoId: string | undefined, size: { width: number; height: number }): InputTask[] {
    const context = this.inputContext(principal);
    return [
      ...images.map(({ role, image, param }) => ({ role, store: () => storeImageInput(image, `input:${role}`, param, size, context) })),
      ...(extendVideoId === undefined ? [] : [{ role: 'prefix' as const, store: () => videoInput(extendVideoId, 'input:prefix', 'extend_video_id', context) }]),
    ];
  }

  /** Stores every input; when one fails, the others stored so far are collected again. */
  private async storeInputs(tasks: readonly InputTask[]): Promise<(StoredInput & { role: InputRole })[]> {
    const settled = await Promise.allSettled(tasks.map(async ({ role, store }) => ({ role, ...(await store()) })));
    const stored = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      await collectUnused(stored.map((s) => s.file), this.deps.queue, this.deps.blobs);
      throw failure.reason;
    }
    return stored;
  }

  private async checkCallback(raw: string): Promise<string> {
    return (await checkUrlNow(raw, 'callback_url', { allowPrivate: this.deps.config.allowPrivateUrls })).href;
  }

  private inputContext(principal: Principal): InputContext {
    return {
      blobs: this.deps.blobs,
      policy: { allowPrivate: this.deps.config.allowPrivateUrls },
      limits: this.deps.config.limits,
      completedVideo: (id, param) => {
        const job = this.get(principal, id, param);
        if (job.status !== 'completed') throw new CinesimError(ERRORS.NOT_READY, `${param}: video ${id} is ${job.status.replace('_', ' ')}, not completed`, { param });
        return { job, files: this.deps.queue.files(id) };
      },
    };
  }
}

function noVariant(job: JobRecord, variant: Variant): CinesimError {
  return new CinesimError(ERRORS.NOT_FOUND, `video ${job.id} has no ${variant}`, { param: 'variant' });
}

/** One input of a job and how it is stored. */
interface InputTask {
  readonly role: InputRole;
  readonly store: () => StoredInput | Promise<StoredInput>;
}

interface KeyframeInput {
  readonly role: 'first' | 'last';
  readonly image: ImageInput;
  readonly param: string;
}

/** `input_reference` (OpenAI's first frame) and `keyframes`, as one list of roles; each role at most once. */
function keyframesOf(body: CreateVideoBody): KeyframeInput[] {
  const list: KeyframeInput[] = [];
  if (body.input_reference !== undefined) list.push({ role: 'first', image: body.input_reference, param: 'input_reference' });
  body.keyframes?.forEach((k, i) => list.push({ role: k.role, image: k.image, param: `keyframes.${i}.image` }));
  const seen = new Set<string>();
  for (const k of list) {
    if (seen.has(k.role)) {
      throw new CinesimError(ERRORS.INVALID_ARGUMENT, `two ${k.role} frames given (input_reference is the first frame)`, { param: k.param });
    }
    seen.add(k.role);
  }
  return list;
}

function modeOf(images: readonly KeyframeInput[], extendVideoId: string | undefined): ConditioningMode {
  const first = images.some((i) => i.role === 'first');
  const last = images.find((i) => i.role === 'last');
  if (extendVideoId !== undefined && images.length > 0) {
    throw new CinesimError(ERRORS.INVALID_ARGUMENT, 'an extension continues its video; give keyframes or extend_video_id, not both', { param: 'extend_video_id' });
  }
  if (extendVideoId !== undefined) return 'prefix';
  if (last && !first) throw new CinesimError(ERRORS.INVALID_ARGUMENT, 'a last frame needs a first frame too', { param: last.param });
  return first && last ? 'firstLast' : first ? 'firstFrame' : 'none';
}

/** A digest of the request (uploads by their bytes), telling an idempotent retry from a different request. */
async function hashRequest(body: object): Promise<string> {
  const canonical = async (value: unknown): Promise<unknown> => {
    if (value instanceof File) return { file: await fileSha256(value) };
    if (Array.isArray(value)) return Promise.all(value.map(canonical));
    if (value && typeof value === 'object') {
      const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
      return Object.fromEntries(await Promise.all(entries.map(async ([k, v]) => [k, await canonical(v)])));
    }
    return value;
  };
  return createHash('sha256').update(JSON.stringify(await canonical(body))).digest('hex');
}
