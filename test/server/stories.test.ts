/**
 * POST /v1/stories over real HTTP: a script in, one video out (the film of its shots), with the checks a
 * script gets before anything is charged.
 */
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { CinesimClient } from '../../src/client/index.ts';
import { main } from '../../src/cli/main.ts';
import { probeVideo } from '../../src/media/decode.ts';
import { frameFileName, readImage, type RgbImage } from '../../src/media/image.ts';
import type { StoryPlan, Video } from '../../src/server/schemas/videos.ts';
import { buildApp } from '../../src/server/index.ts';
import { unpackShots } from '../../src/server/storage/shots.ts';
import type { StoryRecord } from '../../src/story/record.ts';
import { startWithClient, tempDir, testConfig, TINY_MODEL, type JsonPost, type TestApp } from './helpers.ts';

const SCRIPT = [
  'title: Ruby',
  'seed: 5',
  'cast:',
  '  Ruby: a small red ball',
  'shots:',
  '  - 2s: Ruby bounces on green grass',
  '  - 1s continue: Ruby moves left on green grass',
  '  - Ruby falls at night',
].join('\n');

type ErrorJson = { error: { message: string } };

let server: TestApp;
let auth: { authorization: string };
let client: CinesimClient;
let out: string;
let post: JsonPost;

beforeAll(async () => {
  ({ server, auth, client, post, out } = await startWithClient());
});

describe('a story over HTTP', () => {
  let film: Video;

  it('is checked without being made: the film it would be and its cost, or the mistake with its line', async () => {
    const response = await post('/v1/stories/check', { script: SCRIPT, steps: 2 });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ object: 'story.plan', model: 'tiny-random', title: 'Ruby', seed: 5, seconds: 5.125, frames: 42, cost: 5.125, shots: [{ index: 1 }, { index: 2, transition: 'continue' }, { index: 3 }] });
    // the script's seed line wins over the request's seed, as in `cinesim story`; without one, the request's holds
    const seedOf = async (body: object) => ((await (await post('/v1/stories/check', body)).json()) as { seed: number }).seed;
    expect(await seedOf({ script: SCRIPT, seed: 99 })).toBe(5);
    expect(await seedOf({ script: 'shots:\n  - a red ball bounces', seed: 99 })).toBe(99);
    const bad = await post('/v1/stories/check', { script: 'shots:\n  - a red ball bounse' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorJson).error.message).toMatch(/^script:2: unknown words in prompt: "bounse"/);
    expect((await client.listVideos()).data).toHaveLength(0); // nothing was queued
  });

  it('is one video: the film, charged for its seconds, with its shots planned', async () => {
    const response = await post('/v1/stories', { script: SCRIPT, steps: 2 }, { 'idempotency-key': 'story-1' });
    expect(response.status, await response.clone().text()).toBe(200);
    film = (await response.json()) as Video;
    // 17 frames (2 s), 9 continued (1 s; its first frame is the one before it, cut), 17 more (the model's 2 s): 42 frames
    expect(film).toMatchObject({ object: 'video', status: 'queued', mode: 'story', prompt: 'Ruby', seed: 5, seconds: '5.125', frames: 42, cost: 5.125 });
    expect(film.story!.shots.map((s) => [s.seconds, s.transition, s.prompt])).toEqual([
      [2, 'cut', 'a small red ball bounces on green grass'],
      [1, 'continue', 'a small red ball moves left on green grass'],
      [2, 'cut', 'a small red ball falls at night'],
    ]);
    // the same key and body is the same film, not a second charge (here through the typed client)
    const again = await client.createStory({ script: SCRIPT, steps: 2 }, { idempotencyKey: 'story-1' });
    expect(again.id).toBe(film.id);
  });

  it('completes as an MP4 of the whole film with sound, the storyboard as its spritesheet', async () => {
    expect((await client.waitForVideo(film.id)).status).toBe('completed');
    const path = join(out, 'film.mp4');
    await writeFile(path, Buffer.from(await (await fetch(`${server.url}/v1/videos/${film.id}/content`, { headers: auth })).arrayBuffer()));
    const info = await probeVideo(path);
    expect([info.codec, info.frames, info.hasAudio]).toEqual(['h264', 42, true]);
    const sheet = await fetch(`${server.url}/v1/videos/${film.id}/content?variant=spritesheet`, { headers: auth });
    const board = await sharp(Buffer.from(await sheet.arrayBuffer())).metadata();
    expect(board.format).toBe('png');
    expect(board.width! / board.height!).toBeGreaterThan(2); // three first frames side by side
    const metadata = await (await fetch(`${server.url}/v1/videos/${film.id}/content?variant=metadata`, { headers: auth })).json();
    expect(metadata).toMatchObject({ source: 'generator', prompt: 'Ruby', seed: 5 });
  });

  it('remakes an edited script from the earlier film: unchanged shots are reused, only the others made and charged', async () => {
    const edited = SCRIPT.replace('Ruby falls at night', 'Ruby moves right at night');
    const check = await post('/v1/stories/check', { script: edited, steps: 2, reuse_video_id: film.id });
    expect(check.status).toBe(200);
    // shot 3 (a cut, 2 s: 16 frames and its own first one) is all that is made: 17 frames of 8 fps
    expect(await check.json()).toMatchObject({ seconds: 5.125, cost: 2.125, shots: [{ reused: true }, { reused: true }, { reused: false }] });
    const remake = await client.createStory({ script: edited, steps: 2, reuse_video_id: film.id });
    expect(remake).toMatchObject({ cost: 2.125, frames: 42, seed: 5 });
    expect((await client.waitForVideo(remake.id)).status).toBe('completed');
    const metadata = (await (await fetch(`${server.url}/v1/videos/${remake.id}/content?variant=metadata`, { headers: auth })).json()) as {
      settings: { story: { reused: boolean }[] };
    };
    expect(metadata.settings.story.map((s) => s.reused)).toEqual([true, true, false]); // the worker took them from the archive
    // the archive keeps frames only: the reused shots' sound is heard again from them
    const path = join(out, 'remake.mp4');
    await writeFile(path, Buffer.from(await (await fetch(`${server.url}/v1/videos/${remake.id}/content`, { headers: auth })).arrayBuffer()));
    expect(await probeVideo(path)).toMatchObject({ frames: 42, hasAudio: true });
    // a remake of the remake with the first shot edited: the continued shot goes with it; the third is kept
    const again = await client.checkStory({ script: edited.replace('bounces on green grass', 'bounces on white'), steps: 2, reuse_video_id: remake.id });
    expect(again.shots.map((s) => s.reused)).toEqual([false, false, true]);
    // a shot put first is the only one to make: the others' seeds derive from their text, not their place
    const inserted = await client.checkStory({ script: SCRIPT.replace('shots:\n', 'shots:\n  - 1s: a blue square falls at night\n'), steps: 2, reuse_video_id: film.id });
    expect(inserted).toMatchObject({ cost: 1, shots: [{ reused: false }, { reused: true }, { reused: true }, { reused: true }] });
    // the sound is heard from the frames and is no part of a shot's key: turning it off makes no shot again
    expect(await client.checkStory({ script: edited, steps: 2, audio: false, reuse_video_id: film.id })).toMatchObject({ cost: 2.125 });
    // different settings (here more steps) change every shot's key: nothing to reuse, the whole film charged
    expect(await client.checkStory({ script: edited, steps: 3, reuse_video_id: film.id })).toMatchObject({ cost: 5.125 });
    // nothing changed: every shot kept, 0 credits, nothing generated; still a new video, whose job only cuts the film again
    const balance = (await client.usage()).balance;
    const unchanged = await client.createStory({ script: edited, steps: 2, reuse_video_id: remake.id });
    expect(unchanged).toMatchObject({ cost: 0, frames: 42, story: { shots: [{ reused: true }, { reused: true }, { reused: true }] } });
    expect(unchanged.id).not.toBe(remake.id);
    expect((await client.waitForVideo(unchanged.id)).status).toBe('completed');
    const cut = (await (await fetch(`${server.url}/v1/videos/${unchanged.id}/content?variant=metadata`, { headers: auth })).json()) as { settings: { story: { reused: boolean }[] } };
    expect(cut.settings.story.map((s) => s.reused)).toEqual([true, true, true]);
    expect((await client.usage()).balance).toBe(balance);

    const refused = async (id: string) => (await post('/v1/stories/check', { script: edited, reuse_video_id: id })).status;
    const pending = await client.createStory({ script: edited, steps: 2, audio: false });
    expect(await refused(pending.id)).toBe(409); // not completed yet
    const clip = await client.createVideo({ prompt: 'a red ball bounces', seconds: '1', steps: 2 });
    await client.waitForVideo(clip.id);
    expect(await refused(clip.id)).toBe(400); // not a story's film
    expect(await refused('video_000000000000000000000000')).toBe(404);
  });

  it('cannot be remixed with a prompt, but can be extended like any video', async () => {
    const remix = await post(`/v1/videos/${film.id}/remix`, { prompt: 'a red ball' });
    expect(remix.status).toBe(400);
    expect(((await remix.json()) as ErrorJson).error.message).toMatch(/is a story's film; edit its script and POST \/v1\/stories again/);
    const extension = await post('/v1/videos/extensions', { prompt: 'a small red ball bounces on green grass', seconds: '2', steps: 2, video: { id: film.id } });
    expect(extension.status).toBe(200);
    expect((await client.waitForVideo(((await extension.json()) as Video).id)).status).toBe('completed');
  });

  it('runs `cinesim story --server`: the film comes back into the film folder', async () => {
    const script = join(out, 'story.txt');
    await writeFile(script, SCRIPT);
    const folder = join(out, 'film');
    const { key } = server.key();
    const code = await main(['story', script, '--server', server.url, '--api-key', key, '--steps', '2', '--no-audio', '--out', folder, '--quiet']);
    expect(code).toBe(0);
    expect(await probeVideo(join(folder, 'film.mp4'))).toMatchObject({ frames: 42, hasAudio: false });
    expect((await sharp(join(folder, 'storyboard.png')).metadata()).format).toBe('png');
    const made = JSON.parse(await readFile(join(folder, 'film.mp4.json'), 'utf8'));
    expect(made).toMatchObject({ prompt: 'Ruby', seed: 5, extra: { videoId: expect.stringMatching(/^video_/) } });
    // run again on the folder after an edit: the server remakes it from the film there, making only the edited shot
    await writeFile(script, SCRIPT.replace('Ruby falls at night', 'Ruby moves right at night'));
    expect(await main(['story', script, '--server', server.url, '--api-key', key, '--steps', '2', '--no-audio', '--out', folder, '--quiet'])).toBe(0);
    const remade = JSON.parse(await readFile(join(folder, 'film.mp4.json'), 'utf8'));
    expect(remade.settings.story.map((s: { reused: boolean }) => s.reused)).toEqual([true, true, false]);
    const video = await fetch(`${server.url}/v1/videos/${remade.extra.videoId}`, { headers: { authorization: `Bearer ${key}` } });
    expect(((await video.json()) as Video).cost).toBe(2.125);
    // a folder whose film this server does not have (another server's, or deleted): every shot is made
    await writeFile(join(folder, 'film.mp4.json'), JSON.stringify({ ...remade, extra: { videoId: 'video_000000000000000000000000' } }));
    expect(await main(['story', script, '--server', server.url, '--api-key', key, '--steps', '2', '--no-audio', '--out', folder, '--quiet'])).toBe(0);
    const anew = JSON.parse(await readFile(join(folder, 'film.mp4.json'), 'utf8'));
    expect(anew.settings.story.map((s: { reused: boolean }) => s.reused)).toEqual([false, false, false]);
    // --reroll 2: that shot drawn anew (1 s, a continued shot), the others kept; a run again keeps its new seed
    const cost = async (metadata: { extra: { videoId: string } }) =>
      ((await (await fetch(`${server.url}/v1/videos/${metadata.extra.videoId}`, { headers: { authorization: `Bearer ${key}` } })).json()) as Video).cost;
    const film = async (...extra: string[]) => {
      expect(await main(['story', script, '--server', server.url, '--api-key', key, '--steps', '2', '--no-audio', '--out', folder, '--quiet', ...extra])).toBe(0);
      return JSON.parse(await readFile(join(folder, 'film.mp4.json'), 'utf8')) as { extra: { videoId: string }; settings: { story: { reused: boolean; seed: number }[] } };
    };
    const rerolled = await film('--reroll', '2');
    expect(rerolled.settings.story.map((s) => s.reused)).toEqual([true, false, true]);
    expect(rerolled.settings.story[1].seed).not.toBe(anew.settings.story[1].seed);
    expect(await cost(rerolled)).toBe(1);
    const kept = await film();
    expect(kept.settings.story.map((s) => [s.reused, s.seed])).toEqual(rerolled.settings.story.map((s) => [true, s.seed]));
    expect(await cost(kept)).toBe(0);
    // what only a local film folder can do is refused, before anything is sent
    expect(await main(['story', script, '--server', server.url, '--api-key', key, '--check', '--out', folder, '--quiet'])).toBe(2);
    expect(await main(['story', script, '--server', server.url, '--api-key', key, '--reroll', '2', '--out', join(out, 'empty'), '--quiet'])).toBe(2);
  });

  it('refuses a script with a mistake, naming its line, before charging anything', async () => {
    const balance = async () => ((await (await fetch(`${server.url}/v1/usage`, { headers: auth })).json()) as { balance: number }).balance;
    const before = await balance();
    const cases: [unknown, RegExp][] = [
      [{ script: 'cast:\n  Ruby: a red ball\nshots:\n  - Ruby bounse' }, /^script:4: unknown words in prompt: "bounse"/],
      [{ script: 'shots:\n  - 30s: a red ball bounces' }, /^script:2: seconds must be at most 12 on this server/],
      [{ script: Array.from({ length: 25 }, () => '- a red ball').join('\n') }, /25 shots; this server makes at most 24/],
      [{ script: '   ' }, /script must not be empty/],
      [{ script: 'shots:\n  - a red ball', size: '64x64' }, /size must be one of 32x32, 48x32, 32x48/],
      [{ script: 'shots:\n  - a red ball', prompt: 'x' }, /prompt/],
    ];
    for (const [body, message] of cases) {
      const r = await post('/v1/stories', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(((await r.json()) as ErrorJson).error.message, JSON.stringify(body)).toMatch(message);
    }
    expect(await balance()).toBe(before);
  });
});

describe('a story whose shots open on pictures (storyboard frames), uploaded with the script', () => {
  const PICTURED = 'shots:\n  - 1s: a blue square falls at night\n  - 1s image board/04.png: a small red ball bounces on green grass\n';
  /** A 48x40 PNG of one colour: fitted (cover) to the film's 32x32. */
  const picture = (r: number) => sharp({ create: { width: 48, height: 40, channels: 3, background: { r, g: 90, b: 30 } } }).png().toBuffer();
  const fitted = (png: Buffer) => readImage(png, { width: 32, height: 32, fit: 'cover' });
  const form = (fields: Record<string, string | Blob>) => {
    const body = new FormData();
    for (const [name, value] of Object.entries(fields)) body.append(name, value);
    return body;
  };
  const postForm = (path: string, fields: Record<string, string | Blob>) => fetch(server.url + path, { method: 'POST', headers: auth, body: form(fields) });
  /** The first frame of a film's shot `k`, lossless: from the shots the server keeps for a remake. */
  const opening = async (id: string, k: number): Promise<RgbImage> => {
    const archive = server.app.queue.files(id).find((f) => f.role === 'shots')!;
    const dir = join(out, `shots-${id}`);
    await unpackShots(server.app.blobs.path(archive.hash), dir);
    const record = JSON.parse(await readFile(join(dir, 'story.json'), 'utf8')) as StoryRecord;
    return readImage(join(dir, record.shots[k].dir, frameFileName(0, record.shots[k].frames)));
  };
  const same = (a: RgbImage, b: RgbImage) => Buffer.from(a.data).equals(Buffer.from(b.data));
  let red: Buffer;
  let film: Video;

  beforeAll(async () => {
    red = await picture(200);
  });

  it('makes a film whose shot opens on its uploaded picture (multipart), listed as the video\'s input', async () => {
    const check = await postForm('/v1/stories/check', { script: PICTURED, steps: '2', 'images[board/04.png]': new Blob([red]) });
    expect(check.status, await check.clone().text()).toBe(200);
    expect(((await check.json()) as StoryPlan).shots.map((s) => s.image)).toEqual([undefined, 'board/04.png']);
    // the script as a file part too, as `curl -F script=@story.txt` sends it
    const response = await postForm('/v1/stories', { script: new File([PICTURED], 'story.txt'), steps: '2', audio: 'false', 'images[board/04.png]': new Blob([red]) });
    expect(response.status, await response.clone().text()).toBe(200);
    film = (await response.json()) as Video;
    // 9 frames, then a cut to 9 more (a picture shot keeps its first frame): 18 frames, 17 of them time
    expect(film).toMatchObject({ mode: 'story', frames: 18, cost: 2.125, inputs: [{ role: 'image:board/04.png', source: 'upload' }] });
    expect(film.story!.shots.map((s) => s.image)).toEqual([undefined, 'board/04.png']);
    expect((await client.waitForVideo(film.id)).status).toBe('completed');
    expect(same(await opening(film.id, 1), await fitted(red))).toBe(true);
    expect(same(await opening(film.id, 0), await fitted(red))).toBe(false);
  });

  it('remakes it reusing the shot while its picture is the same, making it again (and charging) when the picture changed', async () => {
    const sameAgain = await client.createStory({ script: PICTURED, steps: 2, audio: false, reuse_video_id: film.id, images: { 'board/04.png': new Blob([red]) } });
    expect(sameAgain).toMatchObject({ cost: 0, story: { shots: [{ reused: true }, { reused: true, image: 'board/04.png' }] } });
    const kept = await client.waitForVideo(sameAgain.id);
    expect(kept.status).toBe('completed');
    const reusedBy = async (id: string) =>
      ((await (await fetch(`${server.url}/v1/videos/${id}/content?variant=metadata`, { headers: auth })).json()) as { settings: { story: { reused: boolean }[] } }).settings.story.map((s) => s.reused);
    expect(await reusedBy(kept.id)).toEqual([true, true]); // the worker keys the shot as the pricing did

    const blue = await picture(40);
    const changed = await client.createStory({ script: PICTURED, steps: 2, audio: false, reuse_video_id: film.id, images: { 'board/04.png': new Blob([blue]) } });
    expect(changed).toMatchObject({ cost: 1.125, story: { shots: [{ reused: true }, { reused: false }] } });
    expect(changed.inputs).toContainEqual({ role: 'image:board/04.png', source: 'upload' }); // an upload wins over the earlier film's
    expect((await client.waitForVideo(changed.id)).status).toBe('completed');
    expect(await reusedBy(changed.id)).toEqual([true, false]);
    expect(same(await opening(changed.id, 1), await fitted(blue))).toBe(true);
  });

  it('remakes it without the picture sent again: the earlier film\'s is taken, so the shot is kept, or opens on it when made again', async () => {
    // a JSON body, as the studio's Redo sends it: no picture part
    const response = await post('/v1/stories', { script: PICTURED, steps: 2, audio: false, reuse_video_id: film.id });
    expect(response.status, await response.clone().text()).toBe(200);
    const kept = (await response.json()) as Video;
    expect(kept).toMatchObject({ cost: 0, story: { shots: [{ reused: true }, { reused: true, image: 'board/04.png' }] } });
    expect(kept.inputs).toContainEqual({ role: 'image:board/04.png', source: `video:${film.id}` });
    expect((await client.waitForVideo(kept.id)).status).toBe('completed');

    // the picture shot's text edited, in a remake of that remake: the shot is made again, on the first film's picture
    const edited = PICTURED.replace('bounces on green grass', 'moves left on green grass');
    expect(await client.checkStory({ script: edited, steps: 2, audio: false, reuse_video_id: kept.id })).toMatchObject({ cost: 1.125 });
    const remade = await client.createStory({ script: edited, steps: 2, audio: false, reuse_video_id: kept.id });
    expect(remade).toMatchObject({ cost: 1.125, story: { shots: [{ reused: true }, { reused: false }] } });
    expect((await client.waitForVideo(remade.id)).status).toBe('completed');
    expect(same(await opening(remade.id, 1), await fitted(red))).toBe(true);

    // a path the earlier film had no picture for is still to be uploaded
    const other = await post('/v1/stories/check', { script: PICTURED.replace('board/04.png', 'board/05.png'), steps: 2, reuse_video_id: film.id });
    expect(other.status).toBe(400);
    expect(((await other.json()) as ErrorJson).error.message).toBe('script:3: board/05.png was not uploaded; send it as images[board/05.png] (multipart/form-data)');
  });

  it('refuses a picture not uploaded, an upload no shot names and an unreadable one, before charging anything', async () => {
    const balance = async () => ((await (await fetch(`${server.url}/v1/usage`, { headers: auth })).json()) as { balance: number }).balance;
    const before = await balance();
    const videos = (await client.listVideos({ limit: 100 })).data.length;
    const notUploaded = /^script:3: board\/04\.png was not uploaded; send it as images\[board\/04\.png\] \(multipart\/form-data\)$/;
    const refusals: [Promise<Response>, number, string, RegExp][] = [
      [post('/v1/stories', { script: PICTURED }), 400, 'CINE_ERR_INVALID_ARGUMENT', notUploaded],
      [post('/v1/stories/check', { script: PICTURED }), 400, 'CINE_ERR_INVALID_ARGUMENT', notUploaded],
      [postForm('/v1/stories', { script: PICTURED, 'images[board/4.png]': new Blob([red]) }), 400, 'CINE_ERR_INVALID_ARGUMENT', notUploaded],
      [
        postForm('/v1/stories', { script: PICTURED, 'images[board/04.png]': new Blob([red]), 'images[extra.png]': new Blob([red]) }),
        400,
        'CINE_ERR_INVALID_ARGUMENT',
        /^images\[extra\.png\]: no shot of the script opens on extra\.png$/,
      ],
      [postForm('/v1/stories', { script: PICTURED, 'images[board/04.png]': new Blob(['not a picture']) }), 400, 'CINE_ERR_INPUT_UNREADABLE', /^images\[board\/04\.png\]: not a readable image/],
      [postForm('/v1/stories', { script: PICTURED, 'images[board/04.png]': 'a text field' }), 400, 'CINE_ERR_INVALID_ARGUMENT', /^images\[board\/04\.png\] must be an uploaded file/],
      [postForm('/v1/stories', { script: new Blob([new Uint8Array([0xff, 0xfe, 0x41])]) }), 400, 'CINE_ERR_INPUT_UNREADABLE', /^script: the uploaded script is not UTF-8 text$/],
      [
        post('/v1/stories/check', { script: PICTURED.replace('board/04.png', 'board/a[1].png') }),
        400,
        'CINE_ERR_INVALID_ARGUMENT',
        /^script:3: board\/a\[1\]\.png: a picture sent over the API cannot have \[ or \] in its path; rename the file$/,
      ],
    ];
    for (const [request, status, code, message] of refusals) {
      const response = await request;
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      expect([response.status, error.code], error.message).toEqual([status, code]);
      expect(error.message).toMatch(message);
    }
    expect(await balance()).toBe(before);
    expect((await client.listVideos({ limit: 100 })).data).toHaveLength(videos);
  });

  it('runs `cinesim story --server` with the pictures from the script\'s folder; a missing one is refused, naming its line', async () => {
    const folder = join(out, 'pictured');
    await mkdir(join(folder, 'board'), { recursive: true });
    await writeFile(join(folder, 'board', '04.png'), red);
    await writeFile(join(folder, 'story.txt'), PICTURED);
    const { key } = server.key({ credits: 10 });
    const run = (script: string) => main(['story', script, '--server', server.url, '--api-key', key, '--steps', '2', '--no-audio', '--out', join(folder, 'film'), '--quiet']);
    expect(await run(join(folder, 'story.txt'))).toBe(0);
    const made = JSON.parse(await readFile(join(folder, 'film', 'film.mp4.json'), 'utf8')) as { extra: { videoId: string } };
    expect(same(await opening(made.extra.videoId, 1), await fitted(red))).toBe(true);

    await writeFile(join(folder, 'gone.txt'), PICTURED.replace('board/04.png', 'board/05.png'));
    await writeFile(join(folder, 'board', 'a[1].png'), red);
    await writeFile(join(folder, 'brackets.txt'), PICTURED.replace('board/04.png', 'board/a[1].png'));
    const stderr: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => (stderr.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      expect(await run(join(folder, 'gone.txt'))).toBe(2);
      expect(await run(join(folder, 'brackets.txt'))).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(stderr.join('')).toMatch(/gone\.txt:3: board\/05\.png cannot be read \(no such file\)/);
    expect(stderr.join('')).toMatch(/brackets\.txt:3: board\/a\[1\]\.png: a picture sent to a server cannot have \[ or \] in its path; rename the file/);
    const listed = await fetch(`${server.url}/v1/videos`, { headers: { authorization: `Bearer ${key}` } });
    expect(((await listed.json()) as { data: Video[] }).data).toHaveLength(1); // nothing was sent
  });
});

describe('a remake that keeps every shot', () => {
  it('loads no model: after a restart its job completes where the model can no longer be loaded; one that makes a shot cannot', async () => {
    // A copy of the tiny model, whose network a fresh server's worker cannot load once it is overwritten.
    const model = join(await tempDir(), 'tiny-model');
    await cp(TINY_MODEL, model, { recursive: true });
    const dataDir = await tempDir();
    const serve = async () => {
      const app = await buildApp(testConfig(dataDir, { models: [model] }));
      await app.listen({ host: '127.0.0.1', port: 0 });
      const address = app.server.address();
      return { app, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
    };
    const first = await serve();
    const { key } = first.app.keys.create({ credits: 20 });
    const film = await new CinesimClient({ baseURL: first.url, apiKey: key }).createStory({ script: SCRIPT, steps: 2 });
    expect((await new CinesimClient({ baseURL: first.url, apiKey: key }).waitForVideo(film.id, { pollMs: 50 })).status).toBe('completed');
    await first.app.close();

    await writeFile(join(model, 'transformer.onnx'), 'not an ONNX graph');
    const second = await serve();
    try {
      const client = new CinesimClient({ baseURL: second.url, apiKey: key });
      const unchanged = await client.createStory({ script: SCRIPT, steps: 2, reuse_video_id: film.id });
      expect(unchanged).toMatchObject({ cost: 0, story: { shots: [{ reused: true }, { reused: true }, { reused: true }] } });
      expect(await client.waitForVideo(unchanged.id, { pollMs: 50 })).toMatchObject({ status: 'completed', frames: 42 });
      const edited = await client.createStory({ script: SCRIPT.replace('Ruby falls at night', 'Ruby moves right at night'), steps: 2, reuse_video_id: film.id });
      expect(edited.cost).toBe(2.125);
      expect((await client.waitForVideo(edited.id, { pollMs: 50 })).status).toBe('failed');
    } finally {
      await second.app.close();
    }
  });
});
