/**
 * Ways to run the service: without API keys on loopback (and never elsewhere), with a retention time
 * after which completed videos and their files go away, and its liveness and model listings.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveServerConfig } from '../../src/server/index.ts';
import { createVideo, PROMPT, startApp, waitFor, waitForStatus } from './helpers.ts';

describe('running modes', () => {
  it('--no-auth serves every request as the local key, and only on loopback', async () => {
    const { app } = await startApp({ auth: false }, { listen: false });
    const video = (await createVideo(app, {}, { prompt: PROMPT })).json();
    expect(video.status).toBe('queued');
    expect((await app.inject({ method: 'GET', url: '/v1/usage' })).json()).toMatchObject({ key: { id: 'key_local' }, balance: null });
    expect(() => resolveServerConfig({ auth: false, host: '0.0.0.0' })).toThrow(/loopback/);
    expect(() => resolveServerConfig({ auth: false, host: '::1' })).not.toThrow();
  });

  it('deletes completed videos and their files after the retention time', async () => {
    const { app, key, dataDir } = await startApp({ retentionSeconds: 1 }, { listen: false });
    const k = key();
    const id = (await createVideo(app, k.headers, { prompt: PROMPT })).json().id as string;
    const done = await waitForStatus(app, id, k.headers);
    expect(done.expires_at! - done.completed_at!).toBe(1);
    const blobs = async () => (await readdir(join(dataDir, 'blobs'), { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).length;
    expect(await blobs()).toBe(4); // video, thumbnail, spritesheet, metadata
    await waitFor('the video to expire', async () => ((await app.inject({ method: 'GET', url: `/v1/videos/${id}`, headers: k.headers })).statusCode === 404) || undefined, 10_000);
    await waitFor('its files to be deleted', async () => (await blobs()) === 0 || undefined, 5_000);
  });

  it('answers liveness and lists its models with modes, sizes, durations and price', async () => {
    const { app, key } = await startApp({ creditsPerSecond: 0.5 }, { listen: false });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toMatchObject({ status: 'ok', models: ['tiny-random'] });
    const models = (await app.inject({ method: 'GET', url: '/v1/models', headers: key().headers })).json();
    expect(models.data[0]).toMatchObject({
      id: 'tiny-random',
      object: 'model',
      default: true,
      modes: ['text-to-video', 'image-to-video', 'first-last-frame', 'extend'],
      sizes: ['32x32', '48x32', '32x48'],
      fps: 8,
      default_seconds: '2',
      credits_per_second: 0.5,
    });
    expect(models.data[0].seconds.slice(0, 4)).toEqual(['0.5', '1', '1.5', '2']);
  });
});
