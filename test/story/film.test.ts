/**
 * A story made into a film on the tiny model: the cut, its sound, the storyboard and story.json; a
 * continued shot opening on the frame before; a second run reusing what did not change.
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VideoPipeline } from '../../src/engine/pipeline.ts';
import { resolveSettings } from '../../src/engine/request.ts';
import { probeVideo, readImage, sliceVideo } from '../../src/media/index.ts';
import { Probe } from '../../src/engine/probe.ts';
import { checkCast, formatCastReport, makeFilm, matchEarlierShots, parseStory, planStory, readShotPictures, reusableFiles, type FilmSettings, type StoryRecord } from '../../src/story/index.ts';
import sharp from 'sharp';
import { gradientClip, TINY_MODEL } from '../engine/helpers.ts';

const TINY_PROBE = join(import.meta.dirname, '..', 'fixtures', 'tiny-probe');

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'cinesim-story-'));
let pipe: VideoPipeline;
beforeAll(async () => {
  pipe = await VideoPipeline.load(TINY_MODEL);
});
afterAll(async () => {
  await pipe.dispose();
  rmSync(work, { recursive: true, force: true });
});

const SCRIPT = `title: test
cast:
  Ruby: a small red ball
shots:
  - 2s: Ruby bounces on green grass
  - 2s continue: Ruby bounces on green grass
  - 1s: a blue square falls at night
`;
const settings: FilmSettings = { width: 32, height: 32, fps: 8, steps: 2, audio: true };
const same = (a: { data: Uint8Array }, b: { data: Uint8Array }) => Buffer.from(a.data).equals(Buffer.from(b.data));

function plan(text: string) {
  const { manifest } = pipe;
  const model = {
    tokenizer: pipe.components.tokenizer,
    defaultSeconds: 2,
    checkSeconds: (seconds: number) => void resolveSettings({ prompt: '', seconds, fps: 8, width: 32, height: 32 }, manifest),
  };
  return planStory(parseStory(text, 'story.txt'), model, { seed: 3, fps: 8 });
}

describe('makeFilm', () => {
  const out = join(work, 'film');

  it('cuts the shots together with their sound, a storyboard and the record to make it again', async () => {
    const result = await makeFilm(pipe, plan(SCRIPT), { out, settings });
    // 17 + 16 (the continued shot's first frame is the last one again, and is cut) + 9 frames
    expect(result.video.count).toBe(42);
    expect(result.shots.map((s) => [s.frames, s.reused])).toEqual([[17, false], [17, false], [9, false]]);
    const film = await probeVideo(result.files.film);
    expect([film.frames, film.hasAudio]).toEqual([42, true]);
    expect(film.audioDuration).toBeCloseTo(42 / 8, 1);
    expect(existsSync(result.files.storyboard)).toBe(true);
    const record = JSON.parse(readFileSync(result.files.plan, 'utf8')) as StoryRecord;
    expect(record.shots.map((s) => [s.prompt, s.transition, s.frames])).toEqual([
      ['a small red ball bounces on green grass', 'cut', 17],
      ['a small red ball bounces on green grass', 'continue', 17],
      ['a blue square falls at night', 'cut', 9],
    ]);
    expect(readdirSync(join(out, 'shots'))).toHaveLength(3);

    // The continued shot opens on the frame before it, exactly (its new frames matched to it, engine/seam.ts;
    // the film cuts that frame as a repeat), not on the VAE's re-decoding of it.
    const last = sliceVideo(result.video, 16, 1);
    const opening = await readImage(join(out, record.shots[1].dir, 'frame-0000.png'));
    expect(Buffer.from(opening.data).equals(Buffer.from(last.data))).toBe(true);
    expect(same(sliceVideo(result.shots[1].video, 0, 1), last)).toBe(true);
  });

  it('reuses every unchanged shot on a second run, and makes again only an edited one and what continues it', async () => {
    const first = await makeFilm(pipe, plan(SCRIPT), { out, settings });
    expect(first.shots.every((s) => s.reused)).toBe(true);
    const edited = SCRIPT.replace('- 2s: Ruby bounces on green grass', '- 2s: Ruby moves left on green grass');
    const second = await makeFilm(pipe, plan(edited), { out, settings });
    expect(second.shots.map((s) => s.reused)).toEqual([false, false, true]);
    expect(readdirSync(join(out, 'shots'))).toHaveLength(3); // the replaced shots' folders are gone
    const again = await makeFilm(pipe, plan(edited), { out, settings });
    expect(same(again.video, second.video)).toBe(true);
    // What a server keeps of a film (story.json and the frames, no sound) is enough to reuse every shot.
    const kept = join(work, 'kept');
    for (const name of await reusableFiles(out)) {
      mkdirSync(dirname(join(kept, name)), { recursive: true });
      copyFileSync(join(out, name), join(kept, name));
    }
    const fromKept = await makeFilm(pipe, plan(edited), { out: kept, settings });
    expect(fromKept.shots.every((s) => s.reused)).toBe(true);
    expect(same(fromKept.video, second.video)).toBe(true);
    expect(await probeVideo(fromKept.files.film)).toMatchObject({ frames: second.video.count, hasAudio: true });
    // A shot put first is the only one made: the others keep their seeds (they derive from the text, not the place).
    const inserted = await makeFilm(pipe, plan(edited.replace('shots:\n', 'shots:\n  - 1s: a green ball falls on green grass\n')), { out, settings });
    expect(inserted.shots.map((s) => s.reused)).toEqual([false, true, true, true]);
    // ... and the shots' folders are numbered by their places now, the film's order
    const moved = JSON.parse(readFileSync(inserted.files.plan, 'utf8')) as StoryRecord;
    expect(moved.shots.map((s) => s.dir.replace(/^shots\/(\d+)-.*$/, '$1'))).toEqual(['01', '02', '03', '04']);
    expect(readdirSync(join(out, 'shots')).sort()).toEqual(moved.shots.map((s) => s.dir.replace(/^shots\//, '')));
    const rerun = await makeFilm(pipe, plan(edited.replace('shots:\n', 'shots:\n  - 1s: a green ball falls on green grass\n')), { out, settings });
    expect(rerun.shots.every((s) => s.reused)).toBe(true);
  });

  it('loads a model given unloaded only when a shot is made: a run again that reuses every shot loads none', async () => {
    const lazy = join(work, 'lazy');
    let loads = 0;
    const model = { manifest: pipe.manifest, load: async () => (loads++, pipe) };
    const made = await makeFilm(model, plan(SCRIPT), { out: lazy, settings });
    expect([loads, made.video.count]).toEqual([1, 42]); // once, for the three shots
    const again = await makeFilm(model, plan(SCRIPT), { out: lazy, settings });
    expect(again.shots.every((s) => s.reused)).toBe(true);
    expect(loads).toBe(1);
    expect(same(again.video, made.video)).toBe(true);
    const edited = await makeFilm(model, plan(SCRIPT.replace('falls at night', 'falls on green grass')), { out: lazy, settings });
    expect(edited.shots.map((s) => s.reused)).toEqual([true, true, false]);
    expect(loads).toBe(2);
  });
});

describe('the sound setting and shot keys', () => {
  const text = 'shots:\n  - 1s: a small red ball bounces on green grass\n  - 1s continue: a small red ball moves left on green grass\n';

  it('reuses every shot when only the sound is turned off or on (it is heard from the frames)', async () => {
    const out = join(work, 'sound');
    await makeFilm(pipe, plan(text), { out, settings });
    const silent = await makeFilm(pipe, plan(text), { out, settings: { ...settings, audio: false } });
    expect(silent.shots.map((s) => s.reused)).toEqual([true, true]);
    expect((await probeVideo(silent.files.film)).hasAudio).toBe(false);
    const loud = await makeFilm(pipe, plan(text), { out, settings });
    expect(loud.shots.map((s) => s.reused)).toEqual([true, true]);
    expect((await probeVideo(loud.files.film)).hasAudio).toBe(true);
  });

  it('still finds the shots of a film recorded when the sound setting was part of the key', () => {
    // These keys are what the previous record.ts gave this plan and these settings, with the sound among them.
    const recorded = ['dd4ffab920dd494abd80c3debaa0e90fa748f9486564af166648329d95d369bc', '06cf1897d43878ea2f1613d280869dc7af2d18b89d753e8e76c0895d4d121e82'];
    const { keys, found } = matchEarlierShots(plan(text), { width: 32, height: 32, fps: 8, steps: 2, audio: true }, pipe.manifest, undefined, recorded.map((key) => ({ key })));
    expect(found.map((shot) => shot?.key)).toEqual(recorded);
    expect(keys).not.toEqual(recorded);
  });
});

describe('a shot that opens on a picture (a storyboard frame)', () => {
  const out = join(work, 'pictured');
  const board = join(work, 'board.png');
  const picture = (r: number) => sharp({ create: { width: 48, height: 40, channels: 3, background: { r, g: 90, b: 30 } } }).png().toFile(board);
  const text = `shots:\n  - 1s: a blue square falls at night\n  - 1s image board.png: a small red ball bounces on green grass\n`;

  it('opens the shot on the picture, fitted to the frame; a changed picture makes that shot again', async () => {
    await picture(200);
    const planned = plan(text);
    const pictures = await readShotPictures(planned, { folder: work, source: 'story.txt', width: 32, height: 32 });
    expect([...pictures.keys()]).toEqual([2]);
    const made = await makeFilm(pipe, planned, { out, settings, pictures });
    const opening = await readImage(join(out, made.shots[1].dir, 'frame-0000.png'));
    const fitted = await readImage(board, { width: 32, height: 32, fit: 'cover' });
    expect(Buffer.from(opening.data).equals(Buffer.from(fitted.data))).toBe(true);
    expect(made.video.count).toBe(18); // 9 + 9: a picture shot is a cut, its first frame kept
    const record = JSON.parse(readFileSync(made.files.plan, 'utf8')) as StoryRecord;
    expect(record.shots.map((s) => s.image)).toEqual([undefined, 'board.png']);

    await picture(40);
    const again = await makeFilm(pipe, planned, { out, settings, pictures: await readShotPictures(planned, { folder: work, source: 'story.txt', width: 32, height: 32 }) });
    expect(again.shots.map((s) => s.reused)).toEqual([true, false]);
    // Without its picture the plan cannot be made; a missing or broken file names its line.
    await expect(makeFilm(pipe, planned, { out, settings })).rejects.toThrow(/shot 2 opens on board\.png, which was not read/);
    const gone = plan(text.replace('board.png', 'gone.png'));
    await expect(readShotPictures(gone, { folder: work, source: 'story.txt', width: 32, height: 32 })).rejects.toThrow(/^story\.txt:3: gone\.png cannot be read \(no such file\)/);
    writeFileSync(join(work, 'broken.png'), 'not a picture');
    const broken = plan(text.replace('board.png', 'broken.png'));
    await expect(readShotPictures(broken, { folder: work, source: 'story.txt', width: 32, height: 32 })).rejects.toThrow(/^story\.txt:3: broken\.png: not a readable image/);
  });
});

describe('checkCast', () => {
  it('checks each character against what the probe reads in every shot that names it', async () => {
    const script = parseStory(SCRIPT, 'story.txt');
    const planned = plan(SCRIPT);
    const probe = await Probe.load(TINY_PROBE);
    try {
      const shots = [0, 1, 2].map((k) => gradientClip(32, 32, 9 + 4 * (k % 2)));
      const report = await checkCast(probe, planned, script.cast, shots);
      // Shots 1 and 2 name Ruby ("a small red ball": colour, shape, size); shot 3 names nobody.
      expect(report.checks.map((c) => [c.shot, c.name, c.checks.map((v) => `${v.attribute}=${v.value}`)])).toEqual([
        [1, 'Ruby', ['color=red', 'shape=ball', 'size=small']],
        [2, 'Ruby', ['color=red', 'shape=ball', 'size=small']],
      ]);
      expect(report.total).toBe(2);
      expect(report.consistent).toBe(report.checks.filter((c) => c.checks.every((v) => v.correct)).length);
      expect(formatCastReport(report)).toMatch(/^characters \(probe\): \d of 2 read as described\n  shot  1 Ruby: red [✓✗], ball [✓✗], small [✓✗]/);
    } finally {
      await probe.dispose();
    }
  });
});

describe('cinesim story', () => {
  const cinesim = (...args: string[]) => spawnSync(process.execPath, ['bin/cinesim.mjs', 'story', ...args], { cwd: root, encoding: 'utf8' });

  it('prints the plan with --dry-run and makes nothing; makes the film otherwise', () => {
    const script = join(work, 'story.txt');
    writeFileSync(script, SCRIPT);
    const out = join(work, 'cli-film');
    const dry = cinesim(script, '--model', TINY_MODEL, '--out', out, '--dry-run');
    expect(dry.status, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/test: 3 shots, 5\.13 s/);
    expect(dry.stderr).toMatch(/2\. 2 s, continues, seed \d+: a small red ball bounces on green grass/);
    expect(existsSync(out)).toBe(false);
    const made = cinesim(script, '--model', TINY_MODEL, '--out', out, '--steps', '2', '--no-audio', '--quiet');
    expect(made.status, made.stderr).toBe(0);
    expect(made.stdout.trim().split('\n')).toEqual([join(out, 'film.mp4'), join(out, 'storyboard.png'), join(out, 'story.json')]);
    // Run again with every shot reused, it loads no model: here a copy of it whose network cannot be loaded.
    const broken = join(work, 'broken-model');
    cpSync(TINY_MODEL, broken, { recursive: true });
    writeFileSync(join(broken, 'transformer.onnx'), 'not an ONNX graph');
    const again = cinesim(script, '--model', broken, '--out', out, '--steps', '2', '--no-audio');
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/3 shots, 5\.13 s of film .*; made 0, reused 3;/);
    writeFileSync(script, SCRIPT.replace('falls at night', 'falls on green grass'));
    expect(cinesim(script, '--model', broken, '--out', out, '--steps', '2', '--no-audio', '--quiet').status).toBe(1); // a shot to make
  });

  it('refuses a script with a mistake, naming its line, with exit code 2', () => {
    const script = join(work, 'bad.txt');
    writeFileSync(script, 'cast:\n  Ruby: a red ball\nshots:\n  - Ruby bounse\n');
    const r = cinesim(script, '--model', TINY_MODEL, '--dry-run');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/bad\.txt:4: unknown words in prompt: "bounse"/);
  });

  it('takes a shot\'s picture from the script\'s folder; a missing one names its line, exit code 2', async () => {
    const folder = join(work, 'boards');
    mkdirSync(folder, { recursive: true });
    await sharp({ create: { width: 40, height: 40, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toFile(join(folder, 'ball.png'));
    writeFileSync(join(folder, 'story.txt'), 'shots:\n  - 1s image ball.png: a small red ball bounces on green grass\n  - 1s image gone.png: a blue square falls\n');
    const r = cinesim(join(folder, 'story.txt'), '--model', TINY_MODEL, '--dry-run');
    expect([r.status, r.stderr]).toEqual([2, expect.stringMatching(/story\.txt:3: gone\.png cannot be read \(no such file\)/)]);
    writeFileSync(join(folder, 'story.txt'), 'shots:\n  - 1s image ball.png: a small red ball bounces on green grass\n');
    const ok = cinesim(join(folder, 'story.txt'), '--model', TINY_MODEL, '--dry-run');
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/1\. 1 s, opens on ball\.png, seed \d+: a small red ball bounces on green grass/);
  });

  it('refuses a shot longer than an hour, and an --out that is a file, before any model runs', () => {
    const long = join(work, 'long.txt');
    writeFileSync(long, 'shots:\n  - 5000s: a red ball bounces\n');
    const r = cinesim(long, '--model', TINY_MODEL, '--dry-run');
    expect([r.status, r.stderr]).toEqual([2, expect.stringMatching(/long\.txt:2: a shot lasts at most 3600 s, got 5000 s/)]);
    const script = join(work, 'story.txt');
    writeFileSync(script, SCRIPT);
    const file = join(work, 'not-a-folder');
    writeFileSync(file, 'x');
    const f = cinesim(script, '--model', TINY_MODEL, '--out', file, '--quiet');
    expect([f.status, f.stderr]).toEqual([2, expect.stringMatching(/not-a-folder is a file; --out names the film folder/)]);
  });
});
