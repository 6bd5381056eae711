import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeMp4 } from '../../src/media/mp4.ts';
import { decodeVideo, probeVideo } from '../../src/media/decode.ts';
import { completeMetadata, readMp4Metadata, type ClipMetadata } from '../../src/media/metadata.ts';
import { writeWav } from '../../src/media/wav.ts';
import { ERRORS } from '../../src/errors.ts';
import { cinesimErrorOf, flatClip, movingSquare, psnr, tempDir, topLevelBoxes } from './helpers.ts';

const dir = await tempDir();

function tone(seconds: number, sampleRate = 16000): Float32Array {
  return Float32Array.from({ length: Math.round(seconds * sampleRate) }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 330 * i) / sampleRate));
}

describe('encodeMp4', () => {
  const metadata: ClipMetadata = completeMetadata({
    source: 'generator',
    prompt: 'a small red square slides to the right',
    negativePrompt: 'blur',
    seed: 1234,
    model: { name: 'shapes-64', version: '1' },
    settings: { steps: 8, guidance: 4.5 },
    extra: { job: 'job_1' },
  });

  it('writes H.264 yuv420p, upscaled to 256, exact frames and fps, faststart, metadata tags', async () => {
    const video = movingSquare(64, 64, 16, 8);
    const path = join(dir, 'square.mp4');
    const result = await encodeMp4(video, path, { metadata });
    expect(result).toMatchObject({ width: 256, height: 256, frames: 16, fps: 8, upscale: 4, padded: false });

    const info = await probeVideo(path);
    expect(info).toMatchObject({ codec: 'h264', pixFmt: 'yuv420p', width: 256, height: 256, frames: 16, fps: 8, hasAudio: false });
    expect(info.duration).toBeCloseTo(2, 2);

    const boxes = topLevelBoxes(await readFile(path));
    expect(boxes).toContain('mdat');
    expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));

    expect(info.tags.title).toBe(metadata.prompt);
    expect(info.tags.description).toBe(metadata.prompt);
    expect(info.tags.cinesim_seed).toBe('1234');
    expect(info.tags.cinesim_model).toBe('shapes-64@1');
    expect(await readMp4Metadata(path)).toEqual(metadata);

    // Nothing but the output is left in the folder (the temp file was renamed).
    expect((await readdir(dir)).filter((f) => f.startsWith('.'))).toEqual([]);
  });

  it('muxes a WAV as AAC trimmed to the video, and pads short sample audio, without changing the frame count', async () => {
    const video = movingSquare(64, 64, 16, 8); // 2 s
    const wavPath = join(dir, 'long.wav');
    await writeWav(wavPath, { samples: tone(3), sampleRate: 16000 });
    const long = join(dir, 'long-audio.mp4');
    await encodeMp4(video, long, { audio: { wavPath }, preset: 'ultrafast' });
    const short = join(dir, 'short-audio.mp4');
    await encodeMp4(video, short, { audio: { samples: tone(0.5), sampleRate: 16000 }, preset: 'ultrafast' });
    for (const path of [long, short]) {
      const info = await probeVideo(path);
      expect(info.frames).toBe(16);
      expect(info.hasAudio).toBe(true);
      expect(info.audioCodec).toBe('aac');
      expect(info.audioDuration).toBeGreaterThan(1.95);
      expect(info.audioDuration).toBeLessThan(2.05);
    }
  });

  it('pads odd sizes to even by one replicated pixel when upscaling is off', async () => {
    const video = flatClip(33, 17, [[200, 100, 50]], 3);
    const path = join(dir, 'odd.mp4');
    const result = await encodeMp4(video, path, { upscale: false, preset: 'ultrafast' });
    expect(result).toMatchObject({ width: 34, height: 18, padded: true, upscale: 1 });
    const info = await probeVideo(path);
    expect([info.width, info.height, info.frames]).toEqual([34, 18, 3]);
  });

  it('decodes back to frames close to the input (flat colours, PSNR > 30 dB)', async () => {
    const video = flatClip(64, 48, [[255, 0, 0], [0, 255, 0], [0, 0, 255], [250, 240, 10], [128, 64, 200], [255, 255, 255]], 6, 12);
    const path = join(dir, 'flat.mp4');
    await encodeMp4(video, path, { preset: 'ultrafast' });
    const back = await decodeVideo(path, { size: { width: 64, height: 48 } });
    expect([back.width, back.height, back.count, back.fps]).toEqual([64, 48, 6, 12]);
    expect(psnr(back.data, video.data)).toBeGreaterThan(30);

    const full = await decodeVideo(path, { maxFrames: 2 });
    expect([full.width, full.height, full.count]).toEqual([384, 288, 2]); // short side 48 → x6

    const halfRate = await decodeVideo(path, { fps: 6 });
    expect([halfRate.count, halfRate.fps]).toEqual([3, 6]);
  });
});

describe('errors', () => {
  const saved = process.env.CINESIM_FFMPEG;
  afterEach(() => {
    if (saved === undefined) delete process.env.CINESIM_FFMPEG;
    else process.env.CINESIM_FFMPEG = saved;
  });

  it('a broken or missing file is INPUT_UNREADABLE naming the file', async () => {
    const broken = join(dir, 'broken.mp4');
    await writeFile(broken, Buffer.from('this is not an mp4 file at all'));
    const error = await cinesimErrorOf(() => probeVideo(broken), ERRORS.INPUT_UNREADABLE);
    expect(error.message).toContain(broken);
    await cinesimErrorOf(() => decodeVideo(broken), ERRORS.INPUT_UNREADABLE);
    await cinesimErrorOf(() => decodeVideo(join(dir, 'nope.mp4')), ERRORS.INPUT_UNREADABLE);

    // A real MP4 cut in half.
    const good = await readFile(join(dir, 'square.mp4'));
    const truncated = join(dir, 'truncated.mp4');
    await writeFile(truncated, good.subarray(0, good.length >> 1));
    await cinesimErrorOf(() => decodeVideo(truncated), ERRORS.INPUT_UNREADABLE);
  });

  it('missing ffmpeg is TOOL_FAILED with the install hint', async () => {
    process.env.CINESIM_FFMPEG = join(dir, 'no-such-ffmpeg');
    const error = await cinesimErrorOf(() => encodeMp4(movingSquare(16, 16, 2), join(dir, 'never.mp4')), ERRORS.TOOL_FAILED);
    expect(error.message).toContain('ffmpeg not found: install it (Debian: apt-get install ffmpeg) or set CINESIM_FFMPEG');
  });

  it('an abort kills ffmpeg, is CANCELLED, and leaves no file', async () => {
    const controller = new AbortController();
    const path = join(dir, 'aborted.mp4');
    const encoding = encodeMp4(movingSquare(128, 128, 240, 24), path, { signal: controller.signal, preset: 'veryslow' });
    setTimeout(() => controller.abort(), 100);
    await cinesimErrorOf(() => encoding, ERRORS.CANCELLED);
    const left = await readdir(dir);
    expect(left).not.toContain('aborted.mp4');
    expect(left.filter((f) => f.includes('aborted'))).toEqual([]);
  });
});
