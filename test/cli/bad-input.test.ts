/**
 * Bad input, as a user meets it: each command refuses it with one clear line and exit code 2 before any model
 * loads (an output that cannot be written, a model of the wrong kind, a file that is not text, lengths and
 * frames out of range). Run in-process through `main`, so the whole file takes a few seconds.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'cinesim-bad-input-'));
const TINY = join(root, 'test', 'fixtures', 'tiny-model');
const TINY_WORLD = join(root, 'test', 'fixtures', 'tiny-world');
const at = (name: string) => join(work, name);
afterAll(() => rmSync(work, { recursive: true, force: true }));

// A file where a folder is needed, a picture where text is, a clip that is text.
writeFileSync(at('x.png'), 'not a folder');
writeFileSync(at('some.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]));
writeFileSync(at('utf16.txt'), Buffer.from('\uFEFFa red ball bounces', 'utf16le'));
writeFileSync(at('notes.txt'), 'remember the milk\n');
writeFileSync(at('one.txt'), 'shots:\n  - a red ball bounces on green grass\n');
writeFileSync(at('empty.txt'), '# a comment\n\n');
mkdirSync(at('no-manifest'));

let stderr = '';
beforeEach(() => {
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

/** The exit code and the one error line (nothing else printed: no plan, no progress, so no model ran). */
async function cinesim(...args: string[]): Promise<{ code: number; message: string }> {
  stderr = '';
  const code = await main(args);
  return { code, message: stderr };
}

function refused(message: string | RegExp) {
  return { code: 2, message: typeof message === 'string' ? `error: ${message}\n` : expect.stringMatching(message) };
}

describe('an output that cannot be written is refused before any model loads', () => {
  const file = at('x.png');

  it('generate, world render and play --record: a file where the folder goes', async () => {
    expect(await cinesim('generate', 'a red ball bounces', '--model', TINY, '--out', `${file}/u.mp4`)).toEqual(refused(`--out ${file}/u.mp4: ${file} is a file, not a folder`));
    expect(await cinesim('generate', 'a red ball bounces', '--model', TINY, '--out', `${file}/deeper/u.mp4`)).toEqual(refused(`--out ${file}/deeper/u.mp4: ${file} is a file, not a folder`));
    expect(await cinesim('generate', 'a red ball bounces', '--model', TINY, '--out', `${file}/`)).toEqual(refused(`--out ${file}/: ${file} is a file, not a folder`));
    expect(await cinesim('world', 'render', 'a red ball bounces', '--out', `${file}/u.mp4`)).toEqual(refused(`--out ${file}/u.mp4: ${file} is a file, not a folder`));
    expect(await cinesim('play', '--model', TINY_WORLD, '--frames', '2', '--record', `${file}/u.mp4`)).toEqual(refused(`--record ${file}/u.mp4: ${file} is a file, not a folder`));
  });

  it('story and batch: a file where the folder goes, with or without a trailing /', async () => {
    for (const out of [file, `${file}/`]) {
      expect(await cinesim('story', at('one.txt'), '--model', TINY, '--quiet', '--out', out)).toEqual(refused(/^error: .*x\.png is a file; --out names the film folder/));
      expect(await cinesim('batch', at('one.txt'), '--model', TINY, '--out', out)).toEqual(refused(/^error: .*x\.png is a file; --out names the batch folder/));
    }
    expect(await cinesim('batch', at('one.txt'), '--model', TINY, '--out', `${file}/sub/`)).toEqual(refused(`--out ${file}/sub/: ${file} is a file, not a folder`));
  });

  it.runIf(process.platform === 'linux')('a folder that cannot be written (/proc)', async () => {
    expect(await cinesim('generate', 'a red ball bounces', '--model', TINY, '--out', '/proc/u.mp4')).toEqual(refused('--out /proc/u.mp4: /proc is not writable'));
    expect(await cinesim('eval', '--model', TINY, '--probe', 'probe-shapes', '--out', '/proc/report.json')).toEqual(refused('--out /proc/report.json: /proc is not writable'));
  });

  it('a folder that does not exist yet is made, and the check leaves nothing behind', async () => {
    const out = at('new/deeper/clip.png');
    expect(await cinesim('world', 'render', 'a red ball bounces on green grass', '--size', '32x32', '--seconds', '1', '--fps', '4', '--quiet', '--out', out)).toEqual({ code: 0, message: '' });
    expect(readdirSync(at('new/deeper'))).toEqual(['clip.png', 'clip.png.json']);
    expect(readdirSync(work).filter((f) => f.startsWith('.cinesim'))).toEqual([]);
  });
});

describe('--model names a model of the kind the command runs', () => {
  it('refuses a world model, a folder without a manifest and an unknown name, listing only the video models', async () => {
    expect(await cinesim('generate', 'a red ball bounces', '--model', 'world-64')).toEqual(
      refused("--model world-64 is a world model ('world-64'), not a video model; video models: shapes-64"),
    );
    expect(await cinesim('generate', 'a red ball bounces', '--model', at('no-manifest'))).toEqual(
      refused(`--model ${at('no-manifest')}: ${at('no-manifest')} has no manifest.json, so it is not a model folder; video models: shapes-64`),
    );
    const bogus = await cinesim('generate', 'a red ball bounces', '--model', 'bogus');
    expect(bogus).toEqual(refused(/^error: --model bogus: no model named 'bogus' in .*; video models: shapes-64\n$/));
    expect(await cinesim('story', at('one.txt'), '--dry-run', '--model', 'world-64')).toEqual(refused(/not a video model; video models: shapes-64/));
    expect(await cinesim('batch', at('one.txt'), '--dry-run', '--model', at('no-manifest'))).toEqual(refused(/has no manifest\.json, so it is not a model folder/));
    expect(await cinesim('eval', '--model', 'probe-shapes')).toEqual(refused(/--model probe-shapes is a probe model \('probe-shapes'\), not a video model/));
  });

  it('play and eval world want a world model; --probe a probe', async () => {
    expect(await cinesim('play', '--model', TINY, '--frames', '1')).toEqual(refused("--model " + TINY + " is a video model ('tiny-random'), not a world model; world models: world-64"));
    expect(await cinesim('play', '--model', 'bogus', '--frames', '1')).toEqual(refused(/; world models: world-64\n$/));
    expect(await cinesim('eval', 'world', '--model', 'shapes-64')).toEqual(refused(/not a world model; world models: world-64/));
    expect(await cinesim('story', at('one.txt'), '--model', TINY, '--check', '--probe', 'world-64', '--quiet', '--out', at('film/'))).toEqual(
      refused("--probe world-64 is a world model ('world-64'), not a probe model; probe models: probe-shapes, probe-world"),
    );
  });
});

describe('a script or list that is not text', () => {
  it('is refused as such, not read as lines of words', async () => {
    const png = at('some.png');
    expect(await cinesim('story', png, '--dry-run', '--model', TINY)).toEqual(refused(`${png} is not a text file (a story script is text: a cast, then one shot per line)`));
    expect(await cinesim('batch', png, '--dry-run', '--model', TINY)).toEqual(refused(`${png} is not a text file (a batch list is text: one prompt per line)`));
    expect(await cinesim('batch', at('utf16.txt'), '--dry-run', '--model', TINY)).toEqual(refused(`${at('utf16.txt')} is UTF-16 text; save the list as UTF-8`));
  });
});

describe('lengths, counts and frames say what would do', () => {
  it('--seconds below the shortest clip names the shortest', async () => {
    for (const seconds of ['0.1', '0.125']) {
      expect(await cinesim('generate', 'a red ball bounces', '--model', TINY, '--seconds', seconds)).toEqual(
        refused(`--seconds: a clip lasts at least 0.5 s (the model's shortest: 5 frames at 8 fps), got ${seconds} s`),
      );
    }
    expect(await cinesim('generate', 'a red ball bounces', '--model', TINY, '--seconds', '0')).toEqual(refused('--seconds must be more than 0, got 0'));
  });

  it('--reroll past the last shot, and the plan, count shots in words (1 shot)', async () => {
    expect(await cinesim('story', at('one.txt'), '--dry-run', '--model', TINY, '--reroll', '5')).toEqual(refused('--reroll 5: the script has 1 shot'));
    const plan = await cinesim('story', at('one.txt'), '--dry-run', '--model', TINY);
    expect([plan.code, plan.message]).toEqual([0, expect.stringMatching(/^Untitled: 1 shot, /)]);
  });

  it('an empty batch list says so without a line number', async () => {
    expect(await cinesim('batch', at('empty.txt'), '--dry-run', '--model', TINY)).toEqual(refused('empty.txt has no prompts (one per line; # starts a comment)'));
  });

  it('--extend of a file that is not a video is one line', async () => {
    expect(await cinesim('generate', 'a red ball bounces', '--model', TINY, '--extend', at('notes.txt'), '--out', at('ext.mp4'))).toEqual(
      refused(`${at('notes.txt')}: not a readable video: Invalid data found when processing input`),
    );
  });

  it('play --event past the last frame, at the start frame, or twice at one frame', async () => {
    const play = (...args: string[]) => cinesim('play', '--model', TINY_WORLD, '--actions', 'right*4', ...args);
    expect(await play('--event', '99:night falls')).toEqual(
      refused('--event "99:night falls": the play has 4 frames after the start frame 0 (the length of --actions), so an event goes at frame 1 to 4'),
    );
    expect(await play('--event', '0:night falls')).toEqual(refused(/^error: --event "0:night falls": the play has 4 frames/));
    expect(await play('--event', '2:night falls', '--event', '2:the wind stops')).toEqual(refused('--event "2:the wind stops": another event is at frame 2; one event a frame'));
  });
});
