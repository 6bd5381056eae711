/**
 * A typed client for a Cinesim server (`cinesim serve`), on the platform's `fetch`. The request and
 * response types are the server's own schemas (imported as types only), so the two cannot drift apart.
 * Failures throw CinesimError with the server's code, status and param.
 *
 * @example
 *   const client = new CinesimClient({ baseURL: 'http://127.0.0.1:8787', apiKey: process.env.CINESIM_API_KEY });
 *   const video = await client.createVideo({ prompt: 'a red ball bounces on green grass', seconds: '2' });
 *   const done = await client.waitForVideo(video.id, { onUpdate: (v) => console.log(v.progress) });
 *   await client.downloadTo(done.id, 'clip.mp4');
 */
import { createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { z } from 'zod';
import { CinesimError, ERRORS } from '../errors.ts';
import { writeAtomic } from '../media/files.ts';
import type { Model } from '../server/schemas/models.ts';
import type { PromptCheck } from '../server/schemas/prompts.ts';
import type { Usage } from '../server/schemas/usage.ts';
import type { CreateStoryBody, CreateVideoBody, ShareLinkBody, StoryPlan, Variant, Video, VideoList } from '../server/schemas/videos.ts';
import { readEvents } from './sse.ts';

export type { Model, PromptCheck, Usage, Video, VideoList, Variant };
export type CreateVideoParams = z.input<typeof CreateVideoBody>;
/**
 * A story request: the script as text; `images` are the pictures its `image` shots open on, by path as the script
 * writes it (the request then goes as multipart/form-data, each one as `images[<path>]`).
 */
export type CreateStoryParams = Omit<z.input<typeof CreateStoryBody>, 'script' | 'images'> & { script: string; images?: Record<string, Blob> };

export interface CinesimClientOptions {
  /** The server, e.g. http://127.0.0.1:8787 (with or without /v1). */
  readonly baseURL: string;
  readonly apiKey?: string;
  readonly fetch?: typeof fetch;
}

export interface RequestOptions {
  readonly idempotencyKey?: string;
  readonly signal?: AbortSignal;
}

export interface WaitOptions {
  /** Called with every new state (progress, status). */
  readonly onUpdate?: (video: Video) => void;
  readonly signal?: AbortSignal;
  /** Poll interval when the event stream is unavailable; default 500 ms. */
  readonly pollMs?: number;
}

const FINAL = new Set(['completed', 'failed', 'cancelled']);

export class CinesimClient {
  private readonly base: string;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: CinesimClientOptions) {
    const trimmed = options.baseURL.replace(/\/+$/, '');
    this.base = trimmed.endsWith('/v1') ? trimmed : `${trimmed}/v1`;
    this.fetch = options.fetch ?? fetch;
  }

  async listModels(): Promise<Model[]> {
    return (await this.json<{ data: Model[] }>('GET', '/models')).data;
  }

  /**
   * The verdict POST /v1/videos would give a prompt, or a negative prompt (`role: 'negative_prompt'`: its words
   * only, since a negative need not describe a scene), from the model's own words; nothing is charged.
   */
  checkPrompt(params: { prompt: string; model?: string; role?: 'prompt' | 'negative_prompt' }, options: RequestOptions = {}): Promise<PromptCheck> {
    return this.json('POST', '/prompts/check', params, options);
  }

  /** JSON, or multipart/form-data when an input is a Blob/File (uploads). */
  createVideo(params: CreateVideoParams, options: RequestOptions = {}): Promise<Video> {
    return this.json('POST', '/videos', params, options);
  }

  /** A film from a story script (docs/STORY.md): one video, followed like any other. JSON, or multipart/form-data with `images`. */
  createStory(params: CreateStoryParams, options: RequestOptions = {}): Promise<Video> {
    return this.json('POST', '/stories', params, options);
  }

  /** What `createStory` would make and charge (a remake: which shots it reuses); nothing is queued. */
  checkStory(params: CreateStoryParams): Promise<StoryPlan> {
    return this.json('POST', '/stories/check', params);
  }

  retrieveVideo(id: string, options: RequestOptions = {}): Promise<Video> {
    return this.json('GET', `/videos/${encodeURIComponent(id)}`, undefined, options);
  }

  /** A page of the key's videos; `idempotency_key`: only the video a create under that key would be answered with (none or one). */
  listVideos(query: { after?: string; limit?: number; order?: 'asc' | 'desc'; idempotency_key?: string } = {}): Promise<VideoList> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    return this.json('GET', `/videos${params.size ? `?${params}` : ''}`);
  }

  /** Every video, page after page. */
  async *iterVideos(order: 'asc' | 'desc' = 'desc'): AsyncGenerator<Video> {
    let after: string | undefined;
    for (;;) {
      const page = await this.listVideos({ after, order, limit: 100 });
      yield* page.data;
      if (!page.has_more || !page.last_id) return;
      after = page.last_id;
    }
  }

  deleteVideo(id: string): Promise<{ id: string; deleted: boolean }> {
    return this.json('DELETE', `/videos/${encodeURIComponent(id)}`);
  }

  cancelVideo(id: string): Promise<Video> {
    return this.json('POST', `/videos/${encodeURIComponent(id)}/cancel`);
  }

  remixVideo(id: string, body: { prompt: string; callback_url?: string }, options: RequestOptions = {}): Promise<Video> {
    return this.json('POST', `/videos/${encodeURIComponent(id)}/remix`, body, options);
  }

  shareVideo(id: string, body: { variant?: Variant; expires_in?: number } = {}): Promise<ShareLinkBody> {
    return this.json('POST', `/videos/${encodeURIComponent(id)}/share`, body);
  }

  usage(): Promise<Usage> {
    return this.json('GET', '/usage');
  }

  /** The raw response of a content download (stream its body). */
  downloadContent(id: string, variant: Variant = 'video', signal?: AbortSignal): Promise<Response> {
    return this.request('GET', `/videos/${encodeURIComponent(id)}/content?variant=${variant}`, undefined, { signal });
  }

  /** Downloads a variant to `path` (written atomically: a failed download leaves nothing behind). */
  async downloadTo(id: string, path: string, variant: Variant = 'video', signal?: AbortSignal): Promise<void> {
    const response = await this.downloadContent(id, variant, signal);
    if (!response.body) throw new CinesimError(ERRORS.UNAVAILABLE, `empty response downloading ${variant} of ${id}`);
    const body = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    await writeAtomic(path, (tmp) => pipeline(body, createWriteStream(tmp)));
  }

  /** The video's states as they change (Server-Sent Events), until it is final. */
  async *events(id: string, signal?: AbortSignal): AsyncGenerator<Video> {
    const response = await this.request('GET', `/videos/${encodeURIComponent(id)}/events`, undefined, { signal, accept: 'text/event-stream' });
    if (!response.body) return;
    for await (const event of readEvents(response.body)) {
      if (event.event === 'video') yield JSON.parse(event.data) as Video;
      if (event.event === 'deleted') throw new CinesimError(ERRORS.NOT_FOUND, `video ${id} was deleted`, { param: 'video_id' });
    }
  }

  /** Waits until the video is completed, failed or cancelled: live events, falling back to polling. */
  async waitForVideo(id: string, options: WaitOptions = {}): Promise<Video> {
    let last: Video | undefined;
    const seen = (video: Video) => {
      if (last?.status !== video.status || last.progress !== video.progress) options.onUpdate?.(video);
      last = video;
    };
    try {
      for await (const video of this.events(id, options.signal)) seen(video);
    } catch (error) {
      if (options.signal?.aborted || (error instanceof CinesimError && error.status === 404)) throw error;
      // The stream broke (a proxy, a restart): polling below takes over.
    }
    while (!last || !FINAL.has(last.status)) {
      if (last) await sleep(options.pollMs ?? 500, options.signal);
      seen(await this.retrieveVideo(id, { signal: options.signal }));
    }
    return last;
  }

  // --- transport ---------------------------------------------------------------------------------------

  private async json<T>(method: string, path: string, body?: object, options: RequestOptions = {}): Promise<T> {
    return (await (await this.request(method, path, body, options)).json()) as T;
  }

  private async request(method: string, path: string, body?: object, options: RequestOptions & { accept?: string } = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: options.accept ?? 'application/json' };
    if (this.options.apiKey) headers.authorization = `Bearer ${this.options.apiKey}`;
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    let payload: string | FormData | undefined;
    if (body !== undefined) {
      if (hasBlob(body)) payload = toFormData(body);
      else {
        headers['content-type'] = 'application/json';
        payload = JSON.stringify(body);
      }
    }
    let response: Response;
    try {
      response = await this.fetch(this.base + path, { method, headers, body: payload, signal: options.signal });
    } catch (cause) {
      if (options.signal?.aborted) throw new CinesimError(ERRORS.CANCELLED, 'request cancelled', { cause });
      throw new CinesimError(ERRORS.UNAVAILABLE, `cannot reach the Cinesim server at ${this.base}: ${(cause as Error).message}`, { cause });
    }
    if (!response.ok) throw await apiError(response);
    return response;
  }
}

async function apiError(response: Response): Promise<CinesimError> {
  const text = await response.text().catch(() => '');
  let error: { code?: string; message?: string; param?: string | null } = {};
  try {
    error = (JSON.parse(text) as { error?: typeof error }).error ?? {};
  } catch {
    // not our JSON (a proxy's page): keep the status
  }
  const status = response.status;
  const exitCode = status >= 500 || status === 402 || status === 429 ? 1 : 2;
  // Seconds to wait before asking again, when the server says (429, 503).
  const retryAfter = Number(response.headers.get('retry-after') ?? NaN);
  return new CinesimError(
    { code: error.code ?? `HTTP_${status}`, status, exitCode },
    error.message ?? `the server answered ${status} ${response.statusText}`,
    { param: error.param ?? undefined, details: Number.isFinite(retryAfter) ? { retryAfter } : undefined },
  );
}

function hasBlob(value: unknown): boolean {
  if (value instanceof Blob) return true;
  if (Array.isArray(value)) return value.some(hasBlob);
  return typeof value === 'object' && value !== null && Object.values(value).some(hasBlob);
}

/** Nested fields as bracketed names (`keyframes[0][image]`), as the server's multipart parser reads them. */
function toFormData(body: object): FormData {
  const form = new FormData();
  const add = (name: string, value: unknown): void => {
    if (value === undefined) return;
    if (value instanceof Blob) form.append(name, value, value instanceof File ? value.name : 'upload');
    else if (Array.isArray(value)) value.forEach((v, i) => add(`${name}[${i}]`, v));
    else if (typeof value === 'object' && value !== null) for (const [k, v] of Object.entries(value)) add(`${name}[${k}]`, v);
    else form.append(name, String(value));
  };
  for (const [k, v] of Object.entries(body)) add(k, v);
  return form;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(new CinesimError(ERRORS.CANCELLED, 'cancelled'));
      },
      { once: true },
    );
  });
}
