/**
 * What the studio added to the server, without a browser: prompt checking (the create verdict, with
 * places and suggestions), the vocabulary, live previews over Server-Sent Events (and only for those who
 * ask), GIF / WebP / frame downloads made on first request, and the studio's static files.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Fastify from 'fastify';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { readEvents } from '../../src/client/sse.ts';
import { estimateClean } from '../../src/server/engine/preview.ts';
import { PreviewHub, type Preview } from '../../src/server/jobs/previews.ts';
import studioRoutes from '../../src/server/routes/studio.ts';
import type { PromptCheck, Vocabulary } from '../../src/server/schemas/prompts.ts';
import type { Video } from '../../src/server/schemas/videos.ts';
import { crc32 } from '../../src/server/storage/zip.ts';
import { PROMPT, startApp, tempDir, waitForStatus, type TestApp } from '../server/helpers.ts';

let server: TestApp;
let auth: { authorization: string };

beforeAll(async () => {
  // Slow steps: a render lasts long enough to be watched.
  server = await startApp({ debug: { stepDelayMs: 60 } });
  auth = server.key().headers;
});

const post = (path: string, body: unknown) =>
  fetch(server.url + path, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
const check = async (prompt: string): Promise<PromptCheck> => (await post('/v1/prompts/check', { prompt })).json() as Promise<PromptCheck>;

async function createVideo(body: Record<string, unknown>): Promise<Video> {
  const response = await post('/v1/videos', { prompt: PROMPT, ...body });
  expect(response.status).toBe(200);
  return (await response.json()) as Video;
}

describe('POST /v1/prompts/check', () => {
  it('accepts a prompt POST /v1/videos accepts, and says what it describes', async () => {
    expect(await check(PROMPT)).toMatchObject({
      object: 'prompt_check',
      ok: true,
      error: null,
      unknown: [],
      tokens: 9,
      max_tokens: 48,
      spec: { background: 'grass', objects: [{ shape: 'ball', color: 'red', size: 'small', motion: 'bounce' }] },
    });
    expect((await check('一个红色的球在绿色草地上弹跳')).spec).toMatchObject({ background: 'grass', objects: [{ color: 'red', shape: 'ball' }] });
  });

  it('places each unknown word in the text as sent, with the model’s suggestions, and refuses as create does', async () => {
    const text = 'A small RED ball bounse on ＧＲＥＥＮ grass, xyzzy';
    const result = await check(text);
    expect(result.ok).toBe(false);
    expect(result.unknown.map((u) => [u.word, text.slice(u.start!, u.end!), u.suggestions])).toEqual([
      ['bounse', 'bounse', ['bounce', 'bounces']],
      ['xyzzy', 'xyzzy', []],
    ]);
    const create = await post('/v1/videos', { prompt: text });
    expect(create.status).toBe(400);
    const { error } = (await create.json()) as { error: { code: string; message: string } };
    expect(result.error).toEqual({ code: error.code, message: error.message });
    // Full-width letters are read as ASCII: "ＧＲＥＥＮ" is known, and offsets still point into the original text.
    expect(result.unknown.some((u) => u.word === 'green')).toBe(false);
  });

  it('reports empty and over-long prompts, and a scene it cannot read as a warning only', async () => {
    expect((await check('   ')).error?.code).toBe('CINE_ERR_PROMPT_INVALID');
    const long = await check(Array(30).fill('a red ball').join(' and '));
    expect(long).toMatchObject({ ok: false, error: { code: 'CINE_ERR_PROMPT_INVALID' } });
    expect(long.tokens).toBeGreaterThan(long.max_tokens);
    const twoCameras = await check('a red ball, the camera pans left, the camera zooms in');
    expect(twoCameras).toMatchObject({ ok: true, spec: null });
    expect(twoCameras.spec_warning).toMatch(/camera/);
  });

  it('answers 400 for an unknown model and 401 without a key', async () => {
    expect((await post('/v1/prompts/check', { prompt: PROMPT, model: 'nope' })).status).toBe(400);
    expect((await fetch(`${server.url}/v1/prompts/check`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"prompt":"a"}' })).status).toBe(401);
  });
});

describe('GET /v1/prompts/vocabulary', () => {
  it('lists every attribute value with its English and Chinese phrase', async () => {
    const vocabulary = (await (await fetch(`${server.url}/v1/prompts/vocabulary`, { headers: auth })).json()) as Vocabulary;
    expect(vocabulary.attributes.map((a) => a.attribute)).toEqual(['color', 'shape', 'size', 'texture', 'motion', 'camera', 'background']);
    const colors = vocabulary.attributes.find((a) => a.attribute === 'color')!.values;
    expect(colors).toContainEqual({ id: 'red', en: 'red', zh: '红色' });
    expect(colors).toHaveLength(12);
    // Every phrase is one the model reads.
    for (const group of vocabulary.attributes) for (const v of group.values) expect((await check(v.en)).unknown).toEqual([]);
  });
});

describe('live previews', () => {
  it('recovers x₀ from two Euler samples', () => {
    // x_σ = (1 − σ)·x₀ + σ·ε for two σ on the same straight path.
    const x0 = Float32Array.from([0.5, -1, 2]);
    const noise = Float32Array.from([1, 0.25, -0.5]);
    const at = (sigma: number) => ({ sigma, data: x0.map((v, i) => (1 - sigma) * v + sigma * noise[i]) });
    const estimate = estimateClean(at(0.8), at(0.55));
    for (let i = 0; i < 3; i++) expect(estimate[i]).toBeCloseTo(x0[i], 5);
  });

  it('are sent to watchers who ask for them (?previews=true), as WebP strips of the frames so far', async () => {
    const video = await createVideo({ steps: 12, seed: 3 });
    const response = await fetch(`${server.url}/v1/videos/${video.id}/events?previews=true`, { headers: { ...auth, accept: 'text/event-stream' } });
    const previews: Preview[] = [];
    let last: Video | undefined;
    for await (const event of readEvents(response.body!)) {
      if (event.event === 'preview') previews.push(JSON.parse(event.data) as Preview);
      if (event.event === 'video') last = JSON.parse(event.data) as Video;
    }
    expect(last?.status).toBe('completed');
    expect(previews.length).toBeGreaterThan(0);
    const [first] = previews;
    expect(first.step).toBeGreaterThanOrEqual(2); // two samples are needed for an estimate
    expect(first.step).toBeLessThan(first.total); // the last step is the real decode
    expect(first.frames).toEqual([0, 5, 11, 16]);
    expect(first.image).toMatch(/^data:image\/webp;base64,/);
    const meta = await sharp(Buffer.from(first.image.split(',')[1], 'base64')).metadata();
    expect(meta).toMatchObject({ format: 'webp', width: first.width, height: first.height });
    expect(first.height).toBe(96); // 32 px frames at 3×
  });

  it('are not made for streams that do not ask (the CLI and the typed client)', async () => {
    const video = await createVideo({ steps: 8 });
    const response = await fetch(`${server.url}/v1/videos/${video.id}/events`, { headers: { ...auth, accept: 'text/event-stream' } });
    const kinds = new Set<string>();
    for await (const event of readEvents(response.body!)) kinds.add(event.event);
    expect([...kinds]).toEqual(['video']);
  });

  it('ask the worker for previews only while someone watches', () => {
    const hub = new PreviewHub();
    const demand: boolean[] = [];
    hub.onDemand('video_a', (wanted) => demand.push(wanted));
    const seen: number[] = [];
    const stopOne = hub.watch('video_a', (p) => seen.push(p.step));
    const stopTwo = hub.watch('video_a', () => undefined);
    hub.publish('video_a', { step: 2, total: 8, frames: [0], image: 'data:', width: 1, height: 1 });
    const late: number[] = [];
    const stopLate = hub.watch('video_a', (p) => late.push(p.step)); // gets the latest at once
    stopOne();
    stopTwo();
    expect(hub.watching('video_a')).toBe(true);
    stopLate();
    expect(hub.watching('video_a')).toBe(false);
    expect(demand).toEqual([true, false]);
    expect(seen).toEqual([2]);
    expect(late).toEqual([2]);
  });
});

describe('GIF, WebP and frames downloads', () => {
  let video: Video;
  beforeAll(async () => {
    video = await createVideo({ seed: 11, size: '48x32' });
    await waitForStatus(server.app, video.id, auth);
  });

  const content = (variant: string, headers: Record<string, string> = {}) => fetch(`${server.url}/v1/videos/${video.id}/content?variant=${variant}`, { headers: { ...auth, ...headers } });

  it('makes a looping GIF and an animated WebP the size of the MP4 on first request, then serves the stored file', async () => {
    for (const [variant, type, format] of [['gif', 'image/gif', 'gif'], ['webp', 'image/webp', 'webp']] as const) {
      const first = await content(variant);
      expect(first.status).toBe(200);
      expect(first.headers.get('content-type')).toBe(type);
      const meta = await sharp(Buffer.from(await first.arrayBuffer()), { animated: true }).metadata();
      expect(meta).toMatchObject({ format, pages: 17, loop: 0 });
      expect((meta.width ?? 0) / (meta.pageHeight ?? 1)).toBeCloseTo(48 / 32);
      const again = await content(variant, { 'if-none-match': first.headers.get('etag')! });
      expect(again.status).toBe(304);
    }
  });

  it('zips every frame as a PNG at the clip’s own size', async () => {
    const response = await content('frames');
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toContain('.zip');
    const entries = readZip(Buffer.from(await response.arrayBuffer()));
    expect(entries.map((e) => e.name)).toEqual(Array.from({ length: 17 }, (_, i) => `frame-${String(i).padStart(4, '0')}.png`));
    expect(await sharp(entries[0].data).metadata()).toMatchObject({ format: 'png', width: 48, height: 32 });
  });

  it('shares a GIF through a signed link, and deletes the made files with the video', async () => {
    const share = (await (await post(`/v1/videos/${video.id}/share`, { variant: 'gif' })).json()) as { url: string };
    const shared = await fetch(share.url);
    expect(shared.headers.get('content-type')).toBe('image/gif');
    const files = server.app.queue.files(video.id).filter((f) => ['gif', 'webp', 'frames'].includes(f.role));
    expect(files).toHaveLength(3);
    expect((await fetch(`${server.url}/v1/videos/${video.id}`, { method: 'DELETE', headers: auth })).status).toBe(200);
    for (const f of files) expect(await server.app.blobs.has(f.hash)).toBe(false);
  });

  it('is 409 for a video that is not completed', async () => {
    const running = await createVideo({ steps: 30 });
    const response = await fetch(`${server.url}/v1/videos/${running.id}/content?variant=gif`, { headers: auth });
    expect(response.status).toBe(409);
    await post(`/v1/videos/${running.id}/cancel`, {});
  });
});

describe('the studio’s files', () => {
  async function studioApp(dist: string) {
    const app = Fastify();
    await app.register(studioRoutes, { dist });
    return app;
  }

  it('serves the page (revalidated, with a Content-Security-Policy) and hashed assets (cached for good)', async () => {
    const dist = await tempDir('cinesim-dist-');
    await mkdir(join(dist, 'assets'));
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>Cinesim Studio</title>');
    await writeFile(join(dist, 'assets', 'index-abc123.js'), 'console.log(1)');
    const app = await studioApp(dist);
    const page = await app.inject('/');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    const asset = await app.inject('/assets/index-abc123.js');
    expect(asset.headers['content-type']).toContain('text/javascript');
    expect(asset.headers['cache-control']).toContain('immutable');
    for (const bad of ['/assets/..%2Findex.html', '/assets/.env', '/assets/missing.js', '/assets/index-abc123.exe']) {
      expect((await app.inject(bad)).statusCode).toBe(404);
    }
    await app.close();
  });

  it('says how to build the studio when it is not built', async () => {
    const app = await studioApp(join(await tempDir('cinesim-dist-'), 'none'));
    const page = await app.inject('/');
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('vite build');
    await app.close();
  });

  it('lives beside the API without changing it', async () => {
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${server.url}/v1/models`)).status).toBe(401);
    expect((await fetch(`${server.url}/nope`)).status).toBe(404);
  });
});

/** The entries of a ZIP of stored files, read from its central directory, checking each CRC. */
function readZip(zip: Buffer): { name: string; data: Buffer }[] {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const entries: { name: string; data: Buffer }[] = [];
  for (let i = 0; i < count; i++) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const crc = zip.readUInt32LE(at + 16);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + size);
    expect(crc32(data)).toBe(crc);
    entries.push({ name, data });
    at += 46 + nameLength;
  }
  return entries;
}
