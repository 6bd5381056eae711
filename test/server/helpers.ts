/**
 * Shared by the server tests: an app on the tiny random-weight model (jobs finish in well under a second),
 * a fresh data folder per app, short leases and fast retry loops, API keys, and polling helpers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { afterAll } from 'vitest';
import { CinesimClient } from '../../src/client/index.ts';
import { buildApp, type CreateKeyOptions, type ServerConfigInput } from '../../src/server/index.ts';
import type { Video } from '../../src/server/schemas/videos.ts';

export const TINY_MODEL = fileURLToPath(new URL('../fixtures/tiny-model/', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const PROMPT = 'a small red ball bounces on green grass';

/** A temp folder removed after the file's tests. */
export async function tempDir(prefix = 'cinesim-server-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

export function testConfig(dataDir: string, overrides: ServerConfigInput = {}): ServerConfigInput {
  return {
    dataDir,
    models: [TINY_MODEL],
    threadsPerWorker: 1,
    ...overrides,
    queue: { leaseMs: 2_000, pollMs: 100, retryDelaysMs: [50], shutdownGraceMs: 2_000, ...overrides.queue },
    webhooks: { pollMs: 50, retryDelaysMs: [100, 200], timeoutMs: 2_000, ...overrides.webhooks },
  };
}

export interface TestApp {
  readonly app: FastifyInstance;
  /** http://127.0.0.1:port when listening. */
  readonly url: string;
  readonly dataDir: string;
  /** A new API key and the headers that use it. */
  key(options?: CreateKeyOptions): { key: string; id: string; webhookSecret: string; headers: { authorization: string } };
}

/** Builds (and by default listens on an ephemeral loopback port) an app closed after the file's tests. */
export async function startApp(overrides: ServerConfigInput = {}, options: { listen?: boolean } = {}): Promise<TestApp> {
  const dataDir = await tempDir();
  const app = await buildApp(testConfig(dataDir, overrides));
  afterAll(() => app.close());
  let url = '';
  if (options.listen ?? true) {
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  } else {
    await app.ready();
  }
  return {
    app,
    url,
    dataDir,
    key: (keyOptions = {}) => {
      const created = app.keys.create(keyOptions);
      return { key: created.key, id: created.info.id, webhookSecret: created.webhookSecret, headers: { authorization: `Bearer ${created.key}` } };
    },
  };
}

export async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Polls a video (through inject) until its status is one of `statuses`. */
export function waitForStatus(app: FastifyInstance, id: string, headers: Record<string, string>, statuses: readonly string[] = ['completed', 'failed', 'cancelled']): Promise<Video> {
  return waitFor(`${id} to be ${statuses.join(' or ')}`, async () => {
    const video = (await app.inject({ method: 'GET', url: `/v1/videos/${id}`, headers })).json() as Video;
    return statuses.includes(video.status) ? video : undefined;
  });
}

/** POST /v1/videos through inject. */
export function createVideo(app: FastifyInstance, headers: Record<string, string>, body: Record<string, unknown>, extraHeaders: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/v1/videos', headers: { ...headers, ...extraHeaders }, payload: body });
}

/** The `{error}` body of a response, for status + code + param checks. */
export function errorOf(response: { json(): unknown }): { code: string; message: string; param: string | null } {
  return (response.json() as { error: { code: string; message: string; param: string | null } }).error;
}

/** A JSON POST to the listening app under the key's headers (and any others), as a real client sends it. */
export type JsonPost = (path: string, body: unknown, headers?: Record<string, string>) => Promise<Response>;

/** The end-to-end setup: a listening app, a key with 100 credits, its headers, typed client and JSON POST, a temp folder. */
export async function startWithClient(): Promise<{ server: TestApp; auth: { authorization: string }; client: CinesimClient; post: JsonPost; out: string }> {
  const server = await startApp();
  const key = server.key({ credits: 100 });
  const post: JsonPost = (path, body, headers = {}) =>
    fetch(server.url + path, { method: 'POST', headers: { ...key.headers, 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { server, auth: key.headers, client: new CinesimClient({ baseURL: server.url, apiKey: key.key }), post, out: await tempDir() };
}
