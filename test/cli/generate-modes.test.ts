/**
 * `cinesim generate` in each generation mode, as a user runs it: a real process on the tiny model, real
 * pictures and MP4s in, real MP4s out; bad inputs exit 2 with a message naming the problem.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { psnr } from '../../src/eval/metrics.ts';
import { decodeVideo, probeVideo, sliceVideo } from '../../src/media/index.ts';

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'cinesim-modes-'));
const TINY = join(root, 'test', 'fixtures', 'tiny-model');
const at = (name: string) => join(work, name);

function cinesim(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/cinesim.mjs', ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A generate call on the tiny model at its 32×32, 8 fps, 2 sampling steps. */
function generate(prompt: string, ...args: string[]) {
  return cinesim('generate', prompt, '--model', TINY, '--steps', '2', '--seed', '7', ...args);
}

beforeAll(() => {
  // Pictures and a clip the simulator draws at the tiny model's size and fps.
  for (const [file, prompt] of [['first.png', 'a red ball on green grass'], ['last.png', 'a blue square at night']]) {
    const r = cinesim('world', 'render', prompt, '--size', '32x32', '--out', at(file));
    expect(r.code, r.stderr).toBe(0);
  }
  const clip = cinesim('world', 'render', 'a red ball moves right on green grass', '--size', '32x32', '--fps', '8', '--seconds', '2', '--out', at('clip.mp4'));
  expect(clip.code, clip.stderr).toBe(0);
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('cinesim generate modes', () => {
  it('image-to-video and first + last frame give clips of the model\'s length', async () => {
    const i2v = generate('a red ball bounces on green grass', '--image', at('first.png'), '--out', at('i2v.mp4'));
    expect(i2v.code, i2v.stderr).toBe(0);
    expect((await probeVideo(at('i2v.mp4'))).frames).toBe(17);
    const flf = generate('a red ball bounces on green grass', '--image', at('first.png'), '--last-image', at('last.png'), '--out', at('flf.mp4'));
    expect(flf.code, flf.stderr).toBe(0);
    const info = await probeVideo(at('flf.mp4'));
    // 32×32 frames delivered upscaled 8× (nearest), with the sound read from them.
    expect([info.frames, info.width, info.height, info.hasAudio]).toEqual([17, 256, 256, true]);
  }, 60_000);

  it('extend keeps the clip and adds --seconds more after it', async () => {
    const r = generate('a red ball moves right on green grass', '--extend', at('clip.mp4'), '--seconds', '2', '--out', at('ext.mp4'));
    expect(r.code, r.stderr).toBe(0);
    const [clip, ext] = await Promise.all([decodeVideo(at('clip.mp4')), decodeVideo(at('ext.mp4'))]);
    expect(ext.count).toBe(clip.count + 16);
    // The original frames come first, changed only by a second H.264 encode.
    expect(psnr(sliceVideo(ext, 0, clip.count), clip)).toBeGreaterThan(30);
    const meta = JSON.parse(readFileSync(at('ext.mp4.json'), 'utf8'));
    expect(meta.settings.extend).toBe(at('clip.mp4'));
  }, 60_000);

  it('makes a long video with a prompt change and an anchor from overlapping chunks', async () => {
    const r = generate('a red ball moves right on green grass', '--seconds', '6', '--prompt-at', '3:a red ball moves left on green grass', '--anchor', `4:${at('first.png')}`, '--no-audio', '--out', at('long.mp4'));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\d+ chunks/);
    const info = await probeVideo(at('long.mp4'));
    expect([info.frames, info.hasAudio]).toEqual([49, false]);
    const meta = JSON.parse(readFileSync(at('long.mp4.json'), 'utf8'));
    expect(meta.settings.promptSchedule.map((p: { at: number }) => p.at)).toEqual([0, 3]);
  }, 60_000);

  it('rejects an unreadable image, a clip of another model, --last-image alone and negative seconds', () => {
    writeFileSync(at('broken.png'), 'not an image');
    const broken = generate('a red ball bounces', '--image', at('broken.png'), '--out', at('x.mp4'));
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.png: not a readable image/);

    // 16:9 at 112×64: no size of the tiny model (32×32, 48×32, 32×48) scales to it.
    const other = cinesim('world', 'render', 'a red ball', '--size', '112x64', '--fps', '8', '--seconds', '1', '--out', at('other.mp4'));
    expect(other.code, other.stderr).toBe(0);
    const foreign = generate('a red ball bounces', '--extend', at('other.mp4'), '--out', at('x.mp4'));
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toMatch(/other\.mp4 is \d+x\d+; this model makes 32x32.*another model/);

    const picture = generate('a red ball bounces', '--extend', at('first.png'), '--out', at('x.mp4'));
    expect([picture.code, picture.stderr]).toEqual([2, expect.stringMatching(/first\.png is a picture \(png\); --extend continues a video clip .*--image/)]);
    const odd = generate('a red ball bounces', '--extend', at('clip.mp4'), '--seconds', '0.75', '--out', at('x.mp4'));
    expect([odd.code, odd.stderr]).toEqual([2, expect.stringMatching(/--seconds 0\.75 with --extend: an extension adds 4 frames at a time .*nearest 0\.5 s or 1 s/)]);

    const lonely = generate('a red ball bounces', '--last-image', at('last.png'), '--out', at('x.mp4'));
    expect(lonely.code).toBe(2);
    expect(lonely.stderr).toMatch(/--last-image needs --image/);

    const negative = generate('a red ball bounces', '--seconds', '-3', '--out', at('x.mp4'));
    expect(negative.code).toBe(2);
    expect(negative.stderr).toMatch(/--seconds must be more than 0, got -3/);

    // An empty prompt is refused as the API refuses it, here and in a prompt change, before any model loads.
    for (const args of [['  '], ['a red ball bounces', '--seconds', '4', '--prompt-at', '2: ']]) {
      const empty = generate(args[0], ...args.slice(1), '--out', at('empty.mp4'));
      expect(empty.code, args.join(' ')).toBe(2);
      expect(empty.stderr).toMatch(/empty prompt: describe a scene/);
    }
    expect(existsSync(at('empty.mp4'))).toBe(false);

    const avi = generate('a red ball bounces', '--out', at('clip.avi'));
    expect(avi.code).toBe(2);
    expect(avi.stderr).toMatch(/cannot tell what to write to .*clip\.avi/);
    expect(avi.stderr).not.toMatch(/denoise/); // refused before any generation
  }, 60_000);
});
