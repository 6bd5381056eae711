/**
 * End to end over real HTTP on loopback: create → live progress by Server-Sent Events → completed →
 * download and check the MP4 with ffprobe → variants, share links, remix, image-to-video, extension,
 * the typed client and `cinesim generate --server` → delete.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { readEvents, type CinesimClient } from '../../src/client/index.ts';
import { main } from '../../src/cli/main.ts';
import { probeVideo } from '../../src/media/decode.ts';
import type { Video } from '../../src/server/schemas/videos.ts';
import { LinkSigner } from '../../src/server/storage/signed-links.ts';
import { loadServerSecret } from '../../src/server/storage/secrets.ts';
import { PROMPT, startWithClient, type JsonPost, type TestApp } from './helpers.ts';

let server: TestApp;
let auth: { authorization: string };
let client: CinesimClient;
let out: string;
let post: JsonPost;

beforeAll(async () => {
  ({ server, auth, client, post, out } = await startWithClient());
});

describe('a video over HTTP', () => {
  let video: Video;

  it('is created at once, queued, with the settings it will use', async () => {
    const response = await post('/v1/videos', { prompt: PROMPT, seconds: '2', size: '48x32', seed: 7 });
    expect(response.status).toBe(200);
    video = (await response.json()) as Video;
    expect(video).toMatchObject({ object: 'video', status: 'queued', progress: 0, model: 'tiny-random', seconds: '2', size: '48x32', seed: 7, frames: 17, fps: 8, cost: 2, audio: true });
    expect(video.id).toMatch(/^video_[0-9a-f]{24}$/);
  });

  it('streams its progress by Server-Sent Events until it completes', async () => {
    const response = await fetch(`${server.url}/v1/videos/${video.id}/events`, { headers: { ...auth, accept: 'text/event-stream' } });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const states: Video[] = [];
    for await (const event of readEvents(response.body!)) if (event.event === 'video') states.push(JSON.parse(event.data) as Video);
    expect(states.at(-1)?.status).toBe('completed');
    expect(states.at(-1)?.progress).toBe(100);
    const progress = states.map((s) => s.progress);
    expect([...progress].sort((a, b) => a - b)).toEqual(progress); // never goes back
  });

  it('downloads as a playable H.264 MP4 of the requested length and size, with its soundtrack', async () => {
    const response = await fetch(`${server.url}/v1/videos/${video.id}/content`, { headers: auth });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    const path = join(out, 'clip.mp4');
    await writeFile(path, Buffer.from(await response.arrayBuffer()));
    const info = await probeVideo(path);
    expect(info.codec).toBe('h264');
    expect(info.frames).toBe(17);
    expect(info.fps).toBe(8);
    expect(info.width / info.height).toBeCloseTo(48 / 32); // upscaled for viewing, same shape
    expect([info.hasAudio, info.audioCodec]).toEqual([true, 'aac']);
    expect(info.audioDuration).toBeCloseTo(17 / 8, 1); // the track lasts as long as the frames: frames / fps
    expect(JSON.parse(info.tags.comment)).toMatchObject({ prompt: PROMPT, seed: 7, model: { name: 'tiny-random' } });
  });

  it('serves the thumbnail, spritesheet and reproducible metadata, with ETags and ranges', async () => {
    const thumb = await fetch(`${server.url}/v1/videos/${video.id}/content?variant=thumbnail`, { headers: auth });
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    expect((await sharp(Buffer.from(await thumb.arrayBuffer())).metadata()).format).toBe('webp');
    const sheet = await fetch(`${server.url}/v1/videos/${video.id}/content?variant=spritesheet`, { headers: auth });
    expect(sheet.headers.get('content-type')).toBe('image/png');
    const metadata = await (await fetch(`${server.url}/v1/videos/${video.id}/content?variant=metadata`, { headers: auth })).json();
    expect(metadata).toMatchObject({ source: 'generator', seed: 7, settings: { steps: 4, width: 48, height: 32, frames: 17, audio: true }, extra: { videoId: video.id } });

    const etag = thumb.headers.get('etag')!;
    const again = await fetch(`${server.url}/v1/videos/${video.id}/content?variant=thumbnail`, { headers: { ...auth, 'if-none-match': etag } });
    expect(again.status).toBe(304);
    const range = await fetch(`${server.url}/v1/videos/${video.id}/content`, { headers: { ...auth, range: 'bytes=0-99' } });
    expect(range.status).toBe(206);
    expect((await range.arrayBuffer()).byteLength).toBe(100);
  });

  it('shares through a signed link that works without a key, and refuses expired or altered links', async () => {
    const share = (await (await post(`/v1/videos/${video.id}/share`, { variant: 'thumbnail', expires_in: 600 })).json()) as { url: string; expires_at: number };
    const shared = await fetch(share.url);
    expect(shared.status).toBe(200);
    expect(shared.headers.get('content-type')).toBe('image/webp');

    const altered = share.url.replace('/thumbnail?', '/video?');
    const codeOf = async (r: Response) => ((await r.json()) as { error: { code: string } }).error.code;
    expect(await codeOf(await fetch(altered))).toBe('CINE_ERR_LINK_INVALID');
    // A correctly signed link whose hour is over.
    const past = new LinkSigner(loadServerSecret(server.dataDir), () => Date.now() - 3_600_000).sign(video.id, 'thumbnail', 60);
    const expired = await fetch(server.url + past.path);
    expect(expired.status).toBe(403);
    expect(await codeOf(expired)).toBe('CINE_ERR_LINK_EXPIRED');
  });

  it('remixes with the same settings and a new prompt', async () => {
    const remix = (await (await post(`/v1/videos/${video.id}/remix`, { prompt: 'a small blue ball bounces on green grass' })).json()) as Video;
    expect(remix).toMatchObject({ remixed_from_video_id: video.id, seed: 7, size: '48x32', seconds: '2', prompt: 'a small blue ball bounces on green grass' });
    expect((await client.waitForVideo(remix.id)).status).toBe('completed');
  });

  it('is deleted with its files, and is gone afterwards', async () => {
    const response = await fetch(`${server.url}/v1/videos/${video.id}`, { method: 'DELETE', headers: auth });
    expect(await response.json()).toEqual({ id: video.id, object: 'video.deleted', deleted: true });
    expect((await fetch(`${server.url}/v1/videos/${video.id}`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${server.url}/v1/videos/${video.id}/content`, { headers: auth })).status).toBe(404);
  });
});

describe('mode inputs', () => {
  it('image-to-video from an upload (multipart), first + last frame from data URIs, and an extension', async () => {
    const png = await sharp({ create: { width: 80, height: 60, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer();
    // Multipart sends every field as text: `audio: false` arrives as "false".
    const i2v = await client.createVideo({ prompt: PROMPT, audio: false, input_reference: new File([png], 'first.png', { type: 'image/png' }) });
    expect(i2v).toMatchObject({ mode: 'image-to-video', inputs: [{ role: 'first', source: 'upload' }], audio: false });

    const dataUri = `data:image/png;base64,${png.toString('base64')}`;
    const flf = await client.createVideo({ prompt: PROMPT, keyframes: [{ role: 'first', image: dataUri }, { role: 'last', image: { image_url: dataUri } }] });
    expect(flf).toMatchObject({ mode: 'first-last-frame', inputs: [{ source: 'data_uri' }, { source: 'data_uri' }] });

    const done = await client.waitForVideo(i2v.id);
    expect(done.status).toBe('completed');
    await client.downloadTo(done.id, join(out, 'silent.mp4'));
    expect((await probeVideo(join(out, 'silent.mp4'))).hasAudio).toBe(false);
    const extension = await client.createVideo({ prompt: PROMPT, extend_video_id: done.id });
    expect(extension).toMatchObject({ mode: 'extend', inputs: [{ role: 'prefix', source: `video:${done.id}` }] });
    const continued = await client.createVideo({ prompt: PROMPT, input_reference: { video_id: done.id, frame: 'last' } });
    expect(continued.inputs).toEqual([{ role: 'first', source: `video:${done.id}` }]);
    for (const v of [flf, extension, continued]) expect((await client.waitForVideo(v.id)).status).toBe('completed');
  });
});

describe('the typed client and the CLI', () => {
  it('creates, follows, downloads, lists and reports usage', async () => {
    const updates: number[] = [];
    const created = await client.createVideo({ prompt: PROMPT });
    const done = await client.waitForVideo(created.id, { onUpdate: (v) => updates.push(v.progress) });
    expect(done.status).toBe('completed');
    expect(updates.at(-1)).toBe(100);
    await client.downloadTo(done.id, join(out, 'client.mp4'));
    expect((await stat(join(out, 'client.mp4'))).size).toBeGreaterThan(1000);
    const ids: string[] = [];
    for await (const v of client.iterVideos()) ids.push(v.id);
    expect(ids).toContain(done.id);
    const usage = await client.usage();
    expect(usage.balance! + usage.charged - usage.refunded).toBe(100);
  });

  it('runs `cinesim generate --server`', async () => {
    const file = join(out, 'cli.mp4');
    const { key } = server.key();
    const code = await main(['generate', PROMPT, '--server', server.url, '--api-key', key, '--seed', '3', '--out', file, '--quiet']);
    expect(code).toBe(0);
    expect(await probeVideo(file)).toMatchObject({ frames: 17, hasAudio: true });
    expect(JSON.parse(await readFile(`${file}.json`, 'utf8'))).toMatchObject({ seed: 3, prompt: PROMPT });
    const silent = join(out, 'cli-silent.mp4');
    expect(await main(['generate', PROMPT, '--server', server.url, '--api-key', key, '--no-audio', '--out', silent, '--quiet'])).toBe(0);
    expect((await probeVideo(silent)).hasAudio).toBe(false);
  });

  it('makes a clip longer than one pass from overlapping chunks, as the CLI does', async () => {
    const updates: number[] = [];
    const created = await client.createVideo({ prompt: PROMPT, seconds: '6', size: '32x32' });
    const done = await client.waitForVideo(created.id, { onUpdate: (v) => updates.push(v.progress) });
    expect(done).toMatchObject({ status: 'completed', frames: 49, seconds: '6' });
    expect([...updates].sort((a, b) => a - b)).toEqual(updates);
    const metadata = (await (await fetch(`${server.url}/v1/videos/${done.id}/content?variant=metadata`, { headers: auth })).json()) as { settings: object };
    expect(metadata.settings).toMatchObject({ frames: 49, chunks: 5 }); // 13 latent frames in chunks of 5 with 3 of context
    await client.downloadTo(done.id, join(out, 'long.mp4'));
    expect(await probeVideo(join(out, 'long.mp4'))).toMatchObject({ frames: 49, hasAudio: true });
  });

  it('reports server errors with their code', async () => {
    await expect(client.createVideo({ prompt: PROMPT, size: '640x480' })).rejects.toMatchObject({ code: 'CINE_ERR_INVALID_ARGUMENT', status: 400, param: 'size' });
  });
});
