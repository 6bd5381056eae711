/**
 * `cinesim play` as a user runs it: a real process on the tiny random world model, scripted and (through
 * `script`, a pseudo-terminal) interactive; the recording checked with ffprobe; bad flags; and the default
 * model, once it has been trained.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { probeVideo, readMp4Metadata } from '../../src/media/index.ts';

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'cinesim-play-'));
const TINY = join(root, 'test', 'fixtures', 'tiny-world');
const DEFAULT_MODEL = join(root, 'models', 'world-64');

function cinesim(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/cinesim.mjs', ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('cinesim play (scripted)', () => {
  it('plays 10 frames and records a playable MP4 with its metadata', async () => {
    const out = join(work, 'x.mp4');
    const r = cinesim('play', '--model', TINY, '--frames', '10', '--seed', '3', '--threads', '1', '--record', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/tiny-world \(seed 3, .+\), 2 sampling step\(s\): 10 frames in [\d.]+ s, [\d.]+ frames\/s, step [\d.]+ ms mean, [\d.]+ ms p95/);
    const info = await probeVideo(out);
    // The start frame and the 10 played, at the world's own rate.
    expect([info.codec, info.frames, info.fps]).toEqual(['h264', 11, 12]);
    const meta = await readMp4Metadata(out);
    expect([meta?.source, meta?.seed, meta?.model?.name]).toEqual(['generator', 3, 'tiny-world']);
  });

  it('follows an action script and scripted events, and prints a JSON summary', () => {
    const r = cinesim('play', '--model', TINY, '--actions', 'right*4, up, none*2', '--event', '3:night falls', '--seed', '1', '--threads', '1', '--json');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.frames).toBe(7);
    expect(summary.steps).toBe(2);
    expect(summary.stepMs.mean).toBeGreaterThan(0);
    expect(summary.stepMs.p95).toBeGreaterThanOrEqual(summary.stepMs.mean * 0.5);
  });

  it('is deterministic under a seed: the same frames, pixel for pixel', async () => {
    const sheet = async (seed: string, name: string) => {
      const file = join(work, name);
      const r = cinesim('play', '--model', TINY, '--actions', 'right*3,up', '--seed', seed, '--threads', '1', '--record', file);
      expect(r.code, r.stderr).toBe(0);
      return (await sharp(file).raw().toBuffer()).toString('base64');
    };
    const a = await sheet('9', 'a.png');
    expect(await sheet('9', 'b.png')).toBe(a);
    expect(await sheet('10', 'c.png')).not.toBe(a);
  });

  it('starts from a picture and from a prompt', async () => {
    const png = join(work, 'start.png');
    await sharp({ create: { width: 100, height: 80, channels: 3, background: { r: 20, g: 120, b: 200 } } }).png().toFile(png);
    const fromImage = cinesim('play', '--model', TINY, '--image', png, '--frames', '3', '--threads', '1');
    expect(fromImage.code, fromImage.stderr).toBe(0);
    expect(fromImage.stdout).toContain('start.png');
    const fromPrompt = cinesim('play', '--model', TINY, '--prompt', 'a yellow striped square in the desert', '--frames', '3', '--seed', '5', '--threads', '1');
    expect(fromPrompt.code, fromPrompt.stderr).toBe(0);
    expect(fromPrompt.stdout).toContain('yellow striped square on desert');
  });

  it('rejects bad flags with exit code 2 and a message naming what is wrong', () => {
    for (const [args, pattern] of [
      [['--fps', 'fast'], /--fps must be a number, got "fast"/],
      [['--steps', '0'], /--steps must be at least 1/],
      [['--frames', '2.5'], /--frames must be a whole number/],
      [['--actions', 'right*3,jump'], /--actions: unknown action "jump" \(actions: none, left, right, up, down\)/],
      [['--actions', 'right**3'], /not ACTION or ACTION\*COUNT/],
      [['--event', 'night falls'], /--event must look like FRAME:TEXT/],
      [['--event', '4:a blu ball falls'], /unknown words in event: "blu" \(did you mean "blue"/],
      [['--prompt', 'a red bal on grass'], /unknown words in prompt: "bal"/],
      [['--prompt', 'a red ball', '--image', 'x.png'], /give one of them/],
      [['--record', join(work, 'clip.avi')], /cannot tell what to write/],
      [['--image', join(work, 'missing.png'), '--frames', '1'], /not a readable image/],
      [['--colour', 'red'], /unknown option '--colour'/],
    ] as const) {
      const r = cinesim('play', '--model', TINY, ...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(pattern);
    }
    const missing = cinesim('play', '--model', 'no-such-world', '--frames', '1');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/no model named 'no-such-world'/);
  });

  it('has --help with keys and examples', () => {
    const r = cinesim('play', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Usage: cinesim play/);
    expect(r.stdout).toMatch(/Keys: .*q quits/);
    expect(r.stdout).toMatch(/cinesim play --actions "right\*24,up/);
  });
});

const hasScript = spawnSync('script', ['--version']).status === 0;

describe('cinesim play (interactive, in a pseudo-terminal)', () => {
  it.skipIf(!hasScript)('takes arrow keys and a typed event, shows fps and latency, and gives the terminal back on q', async () => {
    const out = join(work, 'interactive.mp4');
    const command = `stty cols 120 rows 40; ${process.execPath} bin/cinesim.mjs play --model ${TINY} --seed 2 --threads 1 --record ${out}`;
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d: Buffer) => (text += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (text += d.toString('utf8')));
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const until = async (pattern: RegExp) => {
      for (let i = 0; i < 100 && !pattern.test(text); i++) await sleep(100);
    };
    await until(/fps · step/);
    for (let i = 0; i < 5; i++) {
      child.stdin.write('\x1b[C'); // →
      await sleep(50);
    }
    child.stdin.write('/');
    await sleep(100);
    child.stdin.write('night falls\r');
    await until(/event: night falls/);
    child.stdin.write('q');
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code, text.slice(-2000)).toBe(0);
    expect(text).toContain('\x1b[38;2;'); // true-colour half blocks
    expect(text).toContain('▀');
    expect(text).toMatch(/\d+ fps · step \d+ ms · latency (\d+ ms|–)/);
    expect(text).toContain('event: night falls');
    // Back to the user's screen with the cursor shown, then the summary with the measured latency.
    expect(text).toContain('\x1b[?25h\x1b[?1049l');
    expect(text).toMatch(/frames\/s, step [\d.]+ ms mean, [\d.]+ ms p95, input-to-frame latency \d+ ms mean/);
    expect((await probeVideo(out)).frames).toBeGreaterThan(5);
  });
});

describe('the default world model', () => {
  it.skipIf(!existsSync(join(DEFAULT_MODEL, 'manifest.json')))('loads and plays 10 steps (skipped while models/world-64 has not been trained)', () => {
    const r = cinesim('play', '--frames', '10', '--seed', '1', '--threads', '2', '--json');
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect([summary.model, summary.frames]).toEqual(['world-64', 10]);
  });
});
