/**
 * The `cinesim` command as a user runs it: a real process, real files, exit codes and messages.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeVideo, readMp4Metadata } from '../../src/media/index.ts';

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'cinesim-cli-'));
const TINY = join(root, 'test', 'fixtures', 'tiny-model');

function cinesim(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/cinesim.mjs', ...args], { cwd: root, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('cinesim world render', () => {
  it('renders the prompt of the README to a playable MP4 with its metadata', async () => {
    const out = join(work, 'x.mp4');
    const r = cinesim('world', 'render', 'a small red ball bounces on green grass', '--seed', '3', '--seconds', '2', '--fps', '12', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('small red ball bounces on green grass');
    const info = await probeVideo(out);
    expect([info.codec, info.pixFmt, info.width, info.height, info.frames]).toEqual(['h264', 'yuv420p', 256, 256, 25]);
    const meta = await readMp4Metadata(out);
    expect(meta?.prompt).toBe('a small red ball bounces on green grass');
    expect(meta?.seed).toBe(3);
  });

  it('fails with exit code 2 and names unknown words with suggestions', () => {
    const r = cinesim('world', 'render', 'a red ball bounse on grass', '--out', join(work, 'bad.mp4'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown words in prompt: "bounse" \(did you mean "bounce"/);
  });

  it('rejects bad flags with exit code 2 and a message naming the flag', () => {
    for (const [flag, value, pattern] of [
      ['--size', '12', /--size must look like WIDTHxHEIGHT/],
      ['--seconds', '-1', /--seconds must be at least/],
      ['--fps', 'fast', /--fps must be a number/],
      ['--out', join(work, 'clip.avi'), /\.mp4/],
    ] as const) {
      const r = cinesim('world', 'render', 'a red ball on grass', flag, value);
      expect(r.code, `${flag} ${value}`).toBe(2);
      expect(r.stderr).toMatch(pattern);
    }
    const unknown = cinesim('world', 'render', 'a red ball', '--colour', 'red');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--colour'/);
  });

  it('has --help on every command', () => {
    for (const args of [[], ['world'], ['world', 'render'], ['world', 'dataset'], ['generate']]) {
      const r = cinesim(...args, '--help');
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/Usage: cinesim/);
    }
  });

  it('ends quietly when its reader goes away (`cinesim world vocab | head -1`)', async () => {
    // The read end closes before the command writes (its start takes far longer), so every write meets EPIPE.
    const child = spawn(process.execPath, ['bin/cinesim.mjs', 'world', 'vocab'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

describe('cinesim world dataset', () => {
  it('writes shards whose sizes match the header', () => {
    const out = join(work, 'ds');
    const r = cinesim('world', 'dataset', '--count', '5', '--shard-size', '2', '--size', '32x32', '--seconds', '1', '--fps', '4', '--out', out, '--quiet');
    expect(r.code, r.stderr).toBe(0);
    const header = JSON.parse(readFileSync(join(out, 'dataset.json'), 'utf8'));
    expect(header.shards).toEqual(['shard-00000', 'shard-00001', 'shard-00002']);
    const clips = header.shards.map((s: string) => readFileSync(join(out, `${s}.jsonl`), 'utf8').trim().split('\n').length);
    expect(clips).toEqual([2, 2, 1]);
    for (const [i, s] of header.shards.entries()) {
      expect(statSync(join(out, `${s}.u8`)).size).toBe(clips[i] * 5 * 32 * 32 * 3);
    }
    expect(readdirSync(out).some((f) => f.endsWith('.part'))).toBe(false);
  });
});

describe('cinesim generate', () => {
  it('writes a folder with frames, an MP4 and the settings that reproduce it', () => {
    const out = join(work, 'gen') + '/';
    const r = cinesim('generate', 'a red ball bounces on green grass', '--model', TINY, '--seed', '5', '--steps', '2', '--size', '32x32', '--seconds', '2', '--fps', '4', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/generated in [\d.]+ s/);
    const files = readdirSync(out);
    expect(files.filter((f) => f.startsWith('frame-')).length).toBe(9);
    expect(files).toEqual(expect.arrayContaining(['clip.mp4', 'metadata.json', 'contact.png']));
    const meta = JSON.parse(readFileSync(join(out, 'metadata.json'), 'utf8'));
    expect(meta).toMatchObject({ prompt: 'a red ball bounces on green grass', seed: 5, source: 'generator' });
    expect(meta.settings).toMatchObject({ steps: 2, width: 32, height: 32, frames: 9 });
  });

  it('fails cleanly on unknown words, bad sizes and missing models', () => {
    const words = cinesim('generate', 'a red ball bounse', '--model', TINY);
    expect(words.code).toBe(2);
    expect(words.stderr).toMatch(/"bounse"/);
    const size = cinesim('generate', 'a red ball', '--model', TINY, '--size', '30x30');
    expect(size.code).toBe(2);
    expect(size.stderr).toMatch(/multiple of 8/);
    const model = cinesim('generate', 'a red ball', '--model', 'no-such-model');
    expect(model.code).toBe(2);
    expect(model.stderr).toMatch(/no-such-model/);
  });
});
