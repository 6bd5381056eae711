/**
 * `cinesim batch` as a user runs it: a real process on the tiny model, a list in, a folder of MP4s with sound,
 * an overview and batch.json out; a run again keeps what is made; a mistake names its line and exits 2.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import type { BatchRecord } from '../../src/batch/index.ts';
import { probeVideo } from '../../src/media/index.ts';

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'cinesim-batch-'));
const TINY = join(root, 'test', 'fixtures', 'tiny-model');
const at = (name: string) => join(work, name);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function batch(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/cinesim.mjs', 'batch', ...args, '--model', TINY, '--steps', '2'], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('cinesim batch', () => {
  const out = at('ads/');
  const record = (folder = out) => JSON.parse(readFileSync(join(folder, 'batch.json'), 'utf8')) as BatchRecord;

  it('makes every line in its variants, with sound, an overview a row per line, and the record', async () => {
    writeFileSync(at('list.txt'), 'a small red ball bounces on green grass\n# skipped\n{"prompt": "一个黄色的星星在夜空中旋转", "seed": 7, "seconds": 1}\n');
    const r = batch(at('list.txt'), '--variants', '2', '--seed', '3', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/4 clips \(2 prompts × 2\)/);
    expect(r.stdout.trim().split('\n')).toEqual([join(out, 'overview.png'), join(out, 'batch.json')]);
    const clips = record().clips;
    expect(clips.map((c) => [c.line, c.variant, c.file, c.reused])).toEqual([
      [1, 1, '001-a-small-red-ball-bounces-on-green-grass.mp4', false],
      [1, 2, '002-a-small-red-ball-bounces-on-green-grass.mp4', false],
      [3, 1, '003.mp4', false],
      [3, 2, '004.mp4', false],
    ]);
    expect(clips[2].seed).toBe(7);
    const info = await Promise.all(clips.map((c) => probeVideo(join(out, c.file))));
    expect(info.map((i) => [i.frames, i.hasAudio])).toEqual([[17, true], [17, true], [9, true], [9, true]]);
    const overview = await sharp(join(out, 'overview.png')).metadata();
    expect(overview.width! / overview.height!).toBeCloseTo(1, 1); // 2 columns (the variants) × 2 rows (the lines)
  }, 60_000);

  it('keeps what is made on a run again (the folder keeps its seed), and makes only a new line', () => {
    writeFileSync(at('list.txt'), 'a small blue square falls at night\na small red ball bounces on green grass\n{"prompt": "一个黄色的星星在夜空中旋转", "seed": 7, "seconds": 1}\n');
    const r = batch(at('list.txt'), '--variants', '2', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/6 clips: made 2, kept 4/);
    expect(record().seed).toBe(3);
    expect(readdirSync(out).filter((f) => f.endsWith('.mp4'))).toHaveLength(6);
  }, 60_000);

  it('checks every line before the model runs: a mistake names its line and exits 2; --dry-run makes nothing', () => {
    writeFileSync(at('bad.txt'), 'a small red ball bounces\na red bal\n');
    const bad = batch(at('bad.txt'), '--out', at('bad/'));
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/bad\.txt:2: unknown words in prompt: "bal"/)]);
    expect(existsSync(at('bad/'))).toBe(false);
    writeFileSync(at('long.txt'), '{"prompt": "a small red ball bounces", "seconds": 5000}\n');
    const long = batch(at('long.txt'), '--out', at('bad/'));
    expect([long.code, long.stderr]).toEqual([2, expect.stringMatching(/long\.txt:1: a clip lasts at most 3600 s, got 5000 s/)]);
    const dry = batch(at('list.txt'), '--variants', '3', '--dry-run', '--out', at('dry/'));
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stderr).toMatch(/9 clips \(3 prompts × 3\)/);
    expect(dry.stderr).toMatch(/001-a-small-blue-square-falls-at-night\.mp4 {2}seed \d+: a small blue square falls at night/);
    expect(existsSync(at('dry/'))).toBe(false);
  });

  it('opens a line\'s clip on its picture (read from the list\'s folder); a picture changed makes it again, a missing one names its line', async () => {
    const folder = at('shop/');
    const square = (color: { r: number; g: number; b: number }) =>
      sharp({ create: { width: 64, height: 64, channels: 3, background: color } }).png().toFile(join(work, 'product.png'));
    await square({ r: 250, g: 200, b: 0 });
    writeFileSync(at('shop.txt'), '{"prompt": "a small red ball bounces on green grass", "image": "product.png"}\n');
    const r = batch(at('shop.txt'), '--seed', '1', '--out', folder);
    expect(r.code, r.stderr).toBe(0);
    const [clip] = record(folder).clips;
    const meta = JSON.parse(readFileSync(join(folder, `${clip.file}.json`), 'utf8')) as { settings: { conditioning: string; image: string } };
    expect(meta.settings.conditioning).toBe('firstFrame');
    expect(meta.settings.image).toMatch(/^[0-9a-f]{64}$/);
    expect(batch(at('shop.txt'), '--out', folder).stderr).toMatch(/1 clips: made 0, kept 1/);
    await square({ r: 0, g: 80, b: 250 });
    expect(batch(at('shop.txt'), '--out', folder).stderr).toMatch(/1 clips: made 1, kept 0/);
    writeFileSync(at('shop.txt'), 'a small red ball bounces\n{"prompt": "a small red ball bounces", "image": "missing.png"}\n');
    const missing = batch(at('shop.txt'), '--out', folder);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/shop\.txt:2: .*missing\.png/)]);
  }, 60_000);
});
