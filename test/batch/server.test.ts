/**
 * `cinesim batch --server` against a real server on loopback (the tiny random-weight model): the lines checked by
 * the server's model before anything is sent, a POST /v1/videos job per clip, the folder a local batch writes, a run
 * again sending nothing new, and a failed job named by its line while the others are written.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { BatchRecord } from '../../src/batch/index.ts';
import { main } from '../../src/cli/main.ts';
import { parseBatchOnServer, planOnServer, sendBatch } from '../../src/batch/remote.ts';
import { CinesimClient, serverModel } from '../../src/client/index.ts';
import { probeVideo } from '../../src/media/decode.ts';
import { startApp, startWithClient, type TestApp } from '../server/helpers.ts';

const LIST = 'a small red ball bounces on green grass\n# skipped\n{"prompt": "a large blue square falls at night", "seed": 7, "seconds": 1}\n';

let server: TestApp;
let client: CinesimClient;
let key: string;
let work: string;

beforeAll(async () => {
  let auth: { authorization: string };
  ({ server, auth, client, out: work } = await startWithClient());
  key = auth.authorization.replace(/^Bearer /, '');
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** `cinesim batch <list> --server …` in this process: its exit code and what it wrote to stderr. */
async function batch(list: string, ...args: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const code = await main(['batch', list, '--server', server.url, '--api-key', key, '--steps', '2', ...args]);
  vi.restoreAllMocks();
  return { code, stderr };
}

async function serverVideos(apiKey = key): Promise<number> {
  const usage = (await (await fetch(`${server.url}/v1/usage`, { headers: { authorization: `Bearer ${apiKey}` } })).json()) as { videos: Record<string, number> };
  return Object.values(usage.videos).reduce((a, b) => a + b, 0);
}

describe('cinesim batch --server', () => {
  const out = () => join(work, 'ads');
  const record = async () => JSON.parse(await readFile(join(out(), 'batch.json'), 'utf8')) as BatchRecord;

  it('makes every line in its variants on the server: an MP4 with its metadata per clip, overview.png, batch.json', async () => {
    await writeFile(join(work, 'list.txt'), LIST);
    const t0 = performance.now();
    const r = await batch(join(work, 'list.txt'), '--variants', '2', '--seed', '3', '--out', out());
    const seconds = (performance.now() - t0) / 1000;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/4 clips \(2 prompts × 2\), tiny-random 32x32 @ 8 fps on http:\/\/127\.0\.0\.1:\d+, seed 3/);
    expect(r.stderr).toMatch(/4 to send: 6 credits at 1 per second; the key has 100/);
    expect(r.stderr).toMatch(/4 clips: made 4 on the server \(6 credits\), kept 0/);
    const { clips, model, server: url, failed } = await record();
    expect([model, url, failed]).toEqual(['tiny-random', server.url, undefined]);
    expect(clips.map((c) => [c.line, c.variant, c.file, c.reused])).toEqual([
      [1, 1, '001-a-small-red-ball-bounces-on-green-grass.mp4', false],
      [1, 2, '002-a-small-red-ball-bounces-on-green-grass.mp4', false],
      [3, 1, '003-a-large-blue-square-falls-at-night.mp4', false],
      [3, 2, '004-a-large-blue-square-falls-at-night.mp4', false],
    ]);
    expect(clips[2].seed).toBe(7);
    const info = await Promise.all(clips.map((c) => probeVideo(join(out(), c.file))));
    expect(info.map((i) => [i.frames, i.hasAudio])).toEqual([[17, true], [17, true], [9, true], [9, true]]);
    const meta = JSON.parse(await readFile(join(out(), `${clips[2].file}.json`), 'utf8'));
    expect(meta).toMatchObject({ prompt: 'a large blue square falls at night', seed: 7, model: { name: 'tiny-random' }, settings: { steps: 2 } });
    const overview = await sharp(join(out(), 'overview.png')).metadata();
    expect(overview.width! / overview.height!).toBeCloseTo(1, 1); // 2 columns (the variants) × 2 rows (the lines)
    expect(await serverVideos()).toBe(4);
    console.log(`4-clip server batch on the tiny model: ${seconds.toFixed(2)} s`);
  }, 30_000);

  it('sends nothing on a run again; a clip gone from the folder comes back without a second charge', async () => {
    const again = await batch(join(work, 'list.txt'), '--variants', '2', '--out', out());
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/0 to send \(4 kept in .*\): 0 credits/);
    expect((await record()).clips.every((c) => c.reused)).toBe(true);
    expect(await serverVideos()).toBe(4);

    // The video made for that request is found again by its idempotency key: downloaded, not made or charged anew.
    const gone = '002-a-small-red-ball-bounces-on-green-grass.mp4';
    await rm(join(out(), gone));
    const balance = async () => (await client.usage()).balance;
    const before = await balance();
    const back = await batch(join(work, 'list.txt'), '--variants', '2', '--out', out(), '--quiet');
    expect(back.code, back.stderr).toBe(0);
    expect(existsSync(join(out(), gone))).toBe(true);
    expect(await serverVideos()).toBe(4);
    expect(await balance()).toBe(before);
  }, 30_000);

  it('prices a run again at what it will be charged: the videos the server holds for its requests are free, so a spent key is not refused', async () => {
    // A key with credits for the batch once, spent by it.
    const spent = server.key({ credits: 6 });
    await writeFile(join(work, 'spent.txt'), LIST);
    const run = (folder: string) => batch(join(work, 'spent.txt'), '--variants', '2', '--seed', '3', '--out', join(work, folder), '--api-key', spent.key);
    const first = await run('spent');
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toMatch(/4 to send: 6 credits at 1 per second; the key has 6/);
    // The folder lost (a download that failed, another machine): the server still has every video under its request's key.
    const again = await run('spent-again');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/4 to send \(4 already made on the server\): 0 credits at 1 per second; the key has 0/);
    // ... and the summary says what this run made and was charged: nothing; the 4 came back from the server
    expect(again.stderr).toMatch(/4 clips: made 0 on the server \(0 credits\), 4 already made there, kept 0;/);
    expect((await new CinesimClient({ baseURL: server.url, apiKey: spent.key }).usage()).balance).toBe(0); // nothing charged
    expect((await readdir(join(work, 'spent-again'))).filter((f) => f.endsWith('.mp4'))).toHaveLength(4);
    expect(await serverVideos(spent.key)).toBe(4);
    // A video deleted from the server is made (and charged) anew, so it counts: 2 credits the key lacks, and nothing is sent.
    const spentClient = new CinesimClient({ baseURL: server.url, apiKey: spent.key });
    const gone = (await spentClient.listVideos()).data.find((v) => v.prompt === 'a small red ball bounces on green grass')!;
    await spentClient.deleteVideo(gone.id);
    const short = await run('spent-short');
    expect([short.code, short.stderr]).toEqual([1, expect.stringMatching(/4 to send \(3 already made on the server\): 2 credits .*\n.*the batch costs 2 credits and the key has 0 left; nothing was sent/)]);
    expect(await serverVideos(spent.key)).toBe(3);
    // With the 2 credits granted, that clip is made and charged; the others come back free, and the summary says so.
    server.app.ledger.grant(spent.id, 2);
    const topped = await run('spent-short');
    expect(topped.code, topped.stderr).toBe(0);
    expect(topped.stderr).toMatch(/4 clips: made 1 on the server \(2 credits\), 3 already made there, kept 0;/);
    expect(await spentClient.usage()).toMatchObject({ balance: 0 });
  }, 30_000);

  it('checks every line with the server\'s model before anything is sent: a mistake names its line and exits 2', async () => {
    await writeFile(join(work, 'bad.txt'), 'a small red ball bounces\na red bal\n');
    const bad = await batch(join(work, 'bad.txt'), '--out', join(work, 'bad'));
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/bad\.txt:2: unknown words in prompt: "bal"/)]);
    await writeFile(join(work, 'long.txt'), 'a small red ball bounces\n{"prompt": "a small red ball bounces", "seconds": 5000}\n');
    const long = await batch(join(work, 'long.txt'), '--out', join(work, 'bad'));
    expect([long.code, long.stderr]).toEqual([2, expect.stringMatching(/long\.txt:2: a clip of 5000 s: tiny-random on this server makes clips of [\d.]+ to 12 s; nearest 12 s/)]);
    const threads = await batch(join(work, 'list.txt'), '--threads', '2', '--out', join(work, 'bad'));
    expect([threads.code, threads.stderr]).toEqual([2, expect.stringMatching(/--threads is for a local batch, not with --server/)]);
    await writeFile(join(work, 'nothing.txt'), 'a small red ball bounces\nthe\n');
    const nothing = await batch(join(work, 'nothing.txt'), '--out', join(work, 'bad'));
    expect([nothing.code, nothing.stderr]).toEqual([2, expect.stringMatching(/nothing\.txt:2: the prompt describes nothing/)]);
    // a negative prompt need only be in the model's words (the server checks it as one)
    await writeFile(join(work, 'one.txt'), 'a small red ball bounces\n');
    const negative = await batch(join(work, 'one.txt'), '--negative', 'the', '--dry-run', '--out', join(work, 'bad'));
    expect(negative.code, negative.stderr).toBe(0);
    const dry = await batch(join(work, 'list.txt'), '--variants', '3', '--dry-run', '--out', join(work, 'bad'));
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/6 to send \(2 already made on the server\): 7 credits at 1 per second/); // line 3 made in 2 variants above (its seeds derive from its own)
    expect(dry.stderr).toMatch(/001-a-small-red-ball-bounces-on-green-grass\.mp4 {2}seed \d+: a small red ball bounces on green grass/);
    expect(existsSync(join(work, 'bad'))).toBe(false);
    expect(await serverVideos()).toBe(4);

    let help = '';
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((help += String(chunk)), true));
    expect(await main(['batch', '--help'])).toBe(0);
    expect(help).toMatch(/--server <url>/);
    expect(help).toMatch(/cinesim batch ads\.txt .*--server http/);
  }, 30_000);

  it('uploads a line\'s picture as its first frame; a run again keeps the clip, a changed picture makes it again', async () => {
    const folder = join(work, 'shop');
    const picture = (r: number) => sharp({ create: { width: 48, height: 48, channels: 3, background: { r, g: 200, b: 0 } } }).png().toFile(join(work, 'product.png'));
    await picture(250);
    await writeFile(join(work, 'shop.txt'), '{"prompt": "a small red ball bounces on green grass", "image": "product.png"}\n');
    const made = await batch(join(work, 'shop.txt'), '--out', folder);
    expect(made.code, made.stderr).toBe(0);
    const [clip] = (JSON.parse(await readFile(join(folder, 'batch.json'), 'utf8')) as BatchRecord).clips;
    const video = await client.retrieveVideo(clip.video!);
    expect([video.mode, video.inputs]).toEqual(['image-to-video', [{ role: 'first', source: 'upload' }]]);
    expect((await batch(join(work, 'shop.txt'), '--out', folder)).stderr).toMatch(/0 to send \(1 kept/);
    await picture(0);
    expect((await batch(join(work, 'shop.txt'), '--out', folder)).stderr).toMatch(/1 to send:/);
    await writeFile(join(work, 'shop.txt'), '{"prompt": "a small red ball bounces", "image": "gone.png"}\n');
    const gone = await batch(join(work, 'shop.txt'), '--out', folder);
    expect([gone.code, gone.stderr]).toEqual([2, expect.stringMatching(/shop\.txt:1: .*gone\.png/)]);
  }, 30_000);

  it('names a clip whose job failed by its line, writes the others, and exits 1', async () => {
    const failing = await startApp({ debug: { failAtStep: 1 }, queue: { maxAttempts: 1 } });
    const { key: failingKey } = failing.key();
    await writeFile(join(work, 'more.txt'), `${LIST}a small green star spins at night\n`);
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const code = await main(['batch', join(work, 'more.txt'), '--server', failing.url, '--api-key', failingKey, '--steps', '2', '--variants', '2', '--out', out()]);
    vi.restoreAllMocks();
    expect(code, stderr).toBe(1);
    expect(stderr).toMatch(/6 clips: made 0 on the server \(0 credits\), kept 4, failed 2/);
    expect(stderr).toMatch(/more\.txt:4, variant 1: video \S+ failed: debug\.failAtStep/);
    expect(stderr).toMatch(/2 of 6 clips failed \(above\)/);
    const { clips, failed } = await record();
    expect(clips.map((c) => c.line)).toEqual([1, 1, 3, 3]);
    expect(failed?.map((f) => [f.line, f.variant])).toEqual([[4, 1], [4, 2]]);
    expect((await readdir(out())).filter((f) => f.endsWith('.mp4'))).toHaveLength(4);
  }, 30_000);

  it('cancels the jobs not yet done when interrupted (the server refunds them); a run again asks for them anew', async () => {
    const slow = await startApp({ debug: { stepDelayMs: 300 } });
    const slowClient = new CinesimClient({ baseURL: slow.url, apiKey: slow.key({ credits: 50 }).key });
    const server = { url: slow.url, client: slowClient, model: await serverModel(slowClient, undefined) };
    const items = await parseBatchOnServer('a small red ball bounces\na large blue square falls', 'list.txt', server, { seed: 1 });
    const settings = { width: 32, height: 32, fps: 8, steps: 1, audio: false };
    const folder = join(work, 'interrupted');
    const planned = await planOnServer(server.model, items, folder, settings);
    const interrupt = new AbortController();
    const sending = sendBatch(server, planned, { out: folder, seed: 1, settings, signal: interrupt.signal, onProgress: (p) => p.running > 0 && interrupt.abort() });
    await expect(sending).rejects.toMatchObject({ code: 'CINE_ERR_CANCELLED', message: expect.stringMatching(/^interrupted: 2 videos cancelled on the server/) });
    const usage = await slowClient.usage();
    expect([usage.videos.cancelled, usage.balance]).toEqual([2, 50]);
    expect(existsSync(join(folder, 'batch.json'))).toBe(false);

    // The same requests, whose videos were cancelled: new videos under new idempotency keys.
    const again = await sendBatch(server, planned, { out: folder, seed: 1, settings });
    expect([again.clips.length, again.failed.length, again.credits]).toEqual([2, 0, 4]);
    expect((await slowClient.usage()).videos).toMatchObject({ cancelled: 2, completed: 2 });
  }, 30_000);
  it('waits out the server\'s rate limit (429 and Retry-After) and goes on, making every clip once', async () => {
    const limited = server.key({ credits: 20, rateLimit: 600 }); // 10 requests a second
    const lsClient = new CinesimClient({ baseURL: server.url, apiKey: limited.key });
    const remote = { url: server.url, client: lsClient, model: await serverModel(lsClient, undefined) };
    const items = await parseBatchOnServer('a small red ball bounces\na large blue square falls', 'list.txt', remote, { seed: 1 });
    const settings = { width: 32, height: 32, fps: 8, steps: 1, audio: false };
    const folder = join(work, 'limited');
    const planned = await planOnServer(remote.model, items, folder, settings);
    // The key's bucket emptied as the jobs are created: the server answers 429 until it refills.
    const create = CinesimClient.prototype.createVideo;
    const refusals: number[] = [];
    let drained = false;
    vi.spyOn(CinesimClient.prototype, 'createVideo').mockImplementation(async function (this: CinesimClient, ...args) {
      if (!drained) {
        drained = true;
        while (server.app.rateLimiter.take(limited.id, 600).allowed);
      }
      return create.apply(this, args).catch((error: { status?: number }) => {
        if (error.status === 429) refusals.push(error.status);
        throw error;
      });
    });
    const sent = await sendBatch(remote, planned, { out: folder, seed: 1, settings });
    expect(refusals.length).toBeGreaterThan(0);
    expect([sent.clips.length, sent.failed.length, sent.credits]).toEqual([2, 0, 4]);
    expect((await lsClient.usage()).videos).toMatchObject({ completed: 2 });
  }, 30_000);
});
