import { describe, expect, it } from 'vitest';
import { locateTool, runTool } from '../../src/media/ffmpeg.ts';
import { ERRORS } from '../../src/errors.ts';
import { cinesimErrorOf } from './helpers.ts';

const rawInput = ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', '8x8', '-framerate', '8', '-i', 'pipe:0'];

describe('runTool', () => {
  it('finds ffmpeg and ffprobe', () => {
    expect(locateTool('ffmpeg')).toMatch(/ffmpeg$/);
    expect(locateTool('ffprobe')).toMatch(/ffprobe$/);
  });

  it('streams frames to stdin and captures stdout', async () => {
    const frames = function* () {
      for (let i = 0; i < 5; i++) yield new Uint8Array(8 * 8 * 3).fill(i * 40);
    };
    const { stdout } = await runTool('ffmpeg', [...rawInput, '-f', 'rawvideo', 'pipe:1'], { stdin: frames(), captureStdout: true });
    expect(stdout.length).toBe(5 * 8 * 8 * 3);
    expect(stdout[4 * 192]).toBe(160);
  });

  it('a failing frame source fails the run with its own error (not a short file)', async () => {
    const frames = function* () {
      yield new Uint8Array(8 * 8 * 3);
      throw new Error('renderer broke');
    };
    await expect(runTool('ffmpeg', [...rawInput, '-f', 'null', '-'], { stdin: frames() })).rejects.toThrow('renderer broke');
  });

  it('a non-zero exit carries the last stderr lines and the caller-chosen kind', async () => {
    const error = await cinesimErrorOf(
      () => runTool('ffprobe', ['/definitely/missing.mp4'], { failure: ERRORS.INPUT_UNREADABLE, task: 'probing' }),
      ERRORS.INPUT_UNREADABLE,
    );
    expect(error.message).toMatch(/^probing: ffprobe exited with code 1:\n.*No such file/s);
  });
});
