/**
 * The official `openai` npm client against Cinesim: given baseURL = server/v1 it creates (multipart, as
 * the client always sends), retrieves, lists, downloads, remixes, extends and deletes videos.
 */
import OpenAI, { toFile } from 'openai';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { PROMPT, startApp, waitFor, type TestApp } from './helpers.ts';

let server: TestApp;
let openai: OpenAI;

beforeAll(async () => {
  server = await startApp();
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: server.key({ credits: 50 }).key, maxRetries: 0 });
});

async function completed(id: string) {
  return waitFor(`${id} to finish`, async () => {
    const video = await openai.videos.retrieve(id);
    return video.status === 'completed' || video.status === 'failed' ? video : undefined;
  });
}

describe('the official openai client', () => {
  it('creates, retrieves, lists, downloads and deletes a video', async () => {
    const created = await openai.videos.create({ model: 'tiny-random', prompt: PROMPT, seconds: '2' as never, size: '32x48' as never });
    expect(created).toMatchObject({ object: 'video', status: 'queued', model: 'tiny-random', seconds: '2', size: '32x48' });

    const video = await completed(created.id);
    expect(video).toMatchObject({ id: created.id, status: 'completed', progress: 100, error: null });
    expect(video.completed_at).toBeGreaterThanOrEqual(video.created_at);

    const page = await openai.videos.list({ limit: 10 });
    expect(page.data.map((v) => v.id)).toContain(created.id);

    const content = await openai.videos.downloadContent(created.id);
    const bytes = Buffer.from(await content.arrayBuffer());
    expect(bytes.subarray(4, 8).toString('latin1')).toBe('ftyp'); // an MP4
    const thumbnail = await openai.videos.downloadContent(created.id, { variant: 'thumbnail' });
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');

    expect(await openai.videos.delete(created.id)).toEqual({ id: created.id, object: 'video.deleted', deleted: true });
    await expect(openai.videos.retrieve(created.id)).rejects.toMatchObject({ status: 404 });
  });

  it('pages through the list with its cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await openai.videos.create({ model: 'tiny-random', prompt: PROMPT, seconds: '1' as never })).id);
    const seen: string[] = [];
    for await (const video of openai.videos.list({ limit: 2, order: 'asc' })) seen.push(video.id);
    expect(seen.slice(-3)).toEqual(ids);
    for (const id of ids) await completed(id);
  });

  it('uploads an input_reference, remixes and extends', async () => {
    const png = await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 0, g: 0, b: 255 } } }).png().toBuffer();
    const i2v = await openai.videos.create({ prompt: PROMPT, input_reference: await toFile(png, 'frame.png', { type: 'image/png' }) });
    expect(i2v).toMatchObject({ mode: 'image-to-video' });
    const done = await completed(i2v.id);
    expect(done.status).toBe('completed');

    const remix = await openai.videos.remix(i2v.id, { prompt: 'a small blue ball bounces on green grass' });
    expect(remix.remixed_from_video_id).toBe(i2v.id);
    const extension = await openai.videos.extend({ prompt: PROMPT, seconds: '4' as never, video: { id: i2v.id } });
    expect(extension).toMatchObject({ mode: 'extend', seconds: '4' });
    expect((await completed(remix.id)).status).toBe('completed');
    expect((await completed(extension.id)).status).toBe('completed');
  });

  it('surfaces Cinesim errors as the client\'s API errors', async () => {
    await expect(openai.videos.create({ prompt: PROMPT, model: 'sora-2' })).rejects.toMatchObject({ status: 400, code: 'CINE_ERR_INVALID_ARGUMENT', param: 'model' });
    const unauthorised = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'csk_wrong', maxRetries: 0 });
    await expect(unauthorised.videos.list()).rejects.toMatchObject({ status: 401 });
  });
});
