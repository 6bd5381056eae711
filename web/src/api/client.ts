/**
 * The studio's API client: `fetch` with the key from Settings (when there is one), the server's JSON
 * errors as ApiError, content as Blobs (a <video> cannot send an Authorization header, so media are
 * fetched and shown as blob: URLs), and live events by Server-Sent Events read from a fetch stream (an
 * EventSource cannot send the header either). The same endpoints any client uses; nothing studio-only.
 */
import { readEvents } from '../../../src/client/sse.ts';
import type { Model, Preview, PromptCheck, StoryPlan, Usage, Variant, Video, VideoList, Vocabulary, World } from './types.ts';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly param: string | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** What the create form sends; images are Files (sent as multipart). */
export interface CreateRequest {
  readonly prompt: string;
  readonly negative_prompt?: string;
  readonly model?: string;
  readonly seconds?: string;
  readonly size?: string;
  readonly fps?: number;
  readonly seed?: number;
  readonly steps?: number;
  readonly guidance?: number;
  readonly keyframes?: readonly { readonly role: 'first' | 'last'; readonly image: File }[];
  readonly extend_video_id?: string;
}

/** POST /v1/stories: a script and the settings every shot shares (the server's own request type, so they cannot drift). */
export type { CreateStoryParams as StoryRequest } from '../../../src/client/client.ts';
import type { CreateStoryParams as StoryRequest } from '../../../src/client/client.ts';

export type LiveEvent = { readonly type: 'video'; readonly video: Video } | { readonly type: 'preview'; readonly preview: Preview } | { readonly type: 'deleted' };

export class StudioApi {
  constructor(
    private readonly apiKey: string,
    private readonly base = '',
  ) {}

  models(): Promise<Model[]> {
    return this.json<{ data: Model[] }>('GET', '/v1/models').then((r) => r.data);
  }

  usage(): Promise<Usage> {
    return this.json('GET', '/v1/usage');
  }

  listVideos(query: { after?: string; limit?: number } = {}): Promise<VideoList> {
    const params = new URLSearchParams({ limit: String(query.limit ?? 100) });
    if (query.after) params.set('after', query.after);
    return this.json('GET', `/v1/videos?${params}`);
  }

  video(id: string): Promise<Video> {
    return this.json('GET', `/v1/videos/${encodeURIComponent(id)}`);
  }

  createVideo(request: CreateRequest, idempotencyKey: string): Promise<Video> {
    const { keyframes, ...fields } = request;
    const headers = { 'idempotency-key': idempotencyKey };
    if (!keyframes?.length) return this.json('POST', '/v1/videos', fields, headers);
    const roles = Object.fromEntries(keyframes.map((k, i) => [`keyframes[${i}][role]`, k.role]));
    const files = keyframes.map((k, i) => [`keyframes[${i}][image]`, k.image, `${k.role}.png`] as const);
    return this.json('POST', '/v1/videos', multipart({ ...fields, ...roles }, files), headers);
  }

  /** A film from a story script: JSON, or multipart/form-data with the pictures its shots open on (`images[<path>]`). */
  createStory(request: StoryRequest, idempotencyKey: string): Promise<Video> {
    return this.json('POST', '/v1/stories', storyBody(request), { 'idempotency-key': idempotencyKey });
  }

  checkStory(request: StoryRequest, signal?: AbortSignal): Promise<StoryPlan> {
    return this.json('POST', '/v1/stories/check', storyBody(request), {}, signal);
  }

  remix(id: string, prompt: string): Promise<Video> {
    return this.json('POST', `/v1/videos/${encodeURIComponent(id)}/remix`, { prompt });
  }

  cancel(id: string): Promise<Video> {
    return this.json('POST', `/v1/videos/${encodeURIComponent(id)}/cancel`);
  }

  remove(id: string): Promise<unknown> {
    return this.json('DELETE', `/v1/videos/${encodeURIComponent(id)}`);
  }

  /** `role: 'negative_prompt'` checks the words only: a negative prompt need not describe a scene. */
  checkPrompt(prompt: string, model: string | undefined, signal?: AbortSignal, role?: 'prompt' | 'negative_prompt'): Promise<PromptCheck> {
    return this.json('POST', '/v1/prompts/check', { prompt, model, role }, {}, signal);
  }

  vocabulary(model: string | undefined): Promise<Vocabulary> {
    return this.json('GET', `/v1/prompts/vocabulary${model ? `?model=${encodeURIComponent(model)}` : ''}`);
  }

  /** The world model the Play page runs in the browser: its manifest and where its files are. */
  world(): Promise<World> {
    return this.json('GET', '/v1/world');
  }

  /** One of the world model's files (a path from `world().files`), as bytes. */
  async worldFile(path: string, signal?: AbortSignal): Promise<ArrayBuffer> {
    const response = await this.request('GET', path, undefined, { accept: 'application/octet-stream' }, signal);
    return response.arrayBuffer();
  }

  async content(id: string, variant: Variant, signal?: AbortSignal): Promise<Blob> {
    const response = await this.request('GET', `/v1/videos/${encodeURIComponent(id)}/content?variant=${variant}`, undefined, {}, signal);
    return response.blob();
  }

  /** The video's states (and, with `previews`, its live previews) until it is final or the signal aborts. */
  async *events(id: string, options: { previews?: boolean; signal?: AbortSignal } = {}): AsyncGenerator<LiveEvent> {
    const query = options.previews ? '?previews=true' : '';
    const response = await this.request('GET', `/v1/videos/${encodeURIComponent(id)}/events${query}`, undefined, { accept: 'text/event-stream' }, options.signal);
    if (!response.body) return;
    for await (const event of readEvents(response.body)) {
      if (event.event === 'video') yield { type: 'video', video: JSON.parse(event.data) as Video };
      else if (event.event === 'preview') yield { type: 'preview', preview: JSON.parse(event.data) as Preview };
      else if (event.event === 'deleted') yield { type: 'deleted' };
    }
  }

  // --- transport ---------------------------------------------------------------------------------------

  private async json<T>(method: string, path: string, body?: object, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<T> {
    return (await (await this.request(method, path, body, headers, signal)).json()) as T;
  }

  private async request(method: string, path: string, body: object | undefined, headers: Record<string, string>, signal?: AbortSignal): Promise<Response> {
    const all: Record<string, string> = { accept: 'application/json', ...headers };
    if (this.apiKey) all.authorization = `Bearer ${this.apiKey}`;
    let payload: BodyInit | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      all['content-type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let response: Response;
    for (let attempt = 1; ; attempt++) {
      try {
        response = await fetch(this.base + path, { method, headers: all, body: payload, signal });
      } catch (cause) {
        if (signal?.aborted) throw cause;
        throw new ApiError('The Cinesim server cannot be reached. Is `cinesim serve` running?', 0, 'CINE_ERR_UNAVAILABLE', null);
      }
      // A key's rate limit refuses before anything is done, so the same request may go again after the wait
      // the server names: a list's hundred prompt checks, or its creates, get through instead of failing.
      if (response.status !== 429 || attempt >= RATE_LIMIT_TRIES) break;
      await pause(Math.min(MAX_RETRY_WAIT_S, Math.max(0.1, Number(response.headers.get('retry-after') ?? 1) || 1)) * 1000, signal);
    }
    if (!response.ok) throw await apiError(response);
    return response;
  }
}

/** A story request as it goes: JSON without pictures, else a form with one `images[<path as the script writes it>]` part each. */
function storyBody({ images, ...fields }: StoryRequest): object {
  const files = Object.entries(images ?? {}).map(([path, image]) => [`images[${path}]`, image, path.split('/').pop() ?? path] as const);
  return files.length === 0 ? fields : multipart(fields, files);
}

/**
 * Fields and files as multipart/form-data, as the server's multipart parser reads them: each field as text (empty
 * ones left out), each file under its name with its own file name, else `fallback`.
 */
function multipart(fields: object, files: readonly (readonly [name: string, file: Blob, fallback: string])[]): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) if (value !== undefined && value !== '') form.append(name, String(value));
  for (const [name, file, fallback] of files) form.append(name, file, (file instanceof File && file.name) || fallback);
  return form;
}

/** How often a request the rate limit refused is sent again, and the longest wait between tries. */
const RATE_LIMIT_TRIES = 6;
const MAX_RETRY_WAIT_S = 30;

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

async function apiError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  try {
    const { error } = JSON.parse(text) as { error: { code: string; message: string; param: string | null } };
    return new ApiError(error.message, response.status, error.code, error.param);
  } catch {
    return new ApiError(`The server answered ${response.status} ${response.statusText}`, response.status, `HTTP_${response.status}`, null);
  }
}
