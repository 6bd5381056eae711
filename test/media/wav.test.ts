import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { audioDuration, decodeWav, encodeWav, readWav, writeWav } from '../../src/media/wav.ts';
import { ERRORS } from '../../src/errors.ts';
import { cinesimErrorOf, tempDir } from './helpers.ts';

const dir = await tempDir();

describe('wav', () => {
  it('round-trips mono PCM16 within one quantisation step', async () => {
    const sampleRate = 22050;
    const samples = Float32Array.from({ length: sampleRate / 2 }, (_, i) => 0.8 * Math.sin((2 * Math.PI * 440 * i) / sampleRate));
    const path = join(dir, 'mono.wav');
    await writeWav(path, { samples, sampleRate });
    const back = await readWav(path);
    expect(back.sampleRate).toBe(sampleRate);
    expect(back.channels).toBe(1);
    expect(back.samples.length).toBe(samples.length);
    let maxErr = 0;
    for (let i = 0; i < samples.length; i++) maxErr = Math.max(maxErr, Math.abs(back.samples[i] - samples[i]));
    expect(maxErr).toBeLessThanOrEqual(1 / 32767);
    expect(audioDuration(back)).toBeCloseTo(0.5, 6);
  });

  it('keeps stereo interleaving and clips out-of-range samples', () => {
    const samples = Float32Array.from([0.5, -0.5, 2, -3, NaN, 1]);
    const back = decodeWav(encodeWav({ samples, sampleRate: 8000, channels: 2 }));
    expect(back.channels).toBe(2);
    expect(Array.from(back.samples).map((v) => Math.round(v * 1000) / 1000)).toEqual([0.5, -0.5, 1, -1, 0, 1]);
    expect(audioDuration(back)).toBeCloseTo(3 / 8000, 9);
  });

  it('rejects data that is not a PCM16 WAV', async () => {
    await cinesimErrorOf(() => decodeWav(new TextEncoder().encode('definitely not RIFF data')), ERRORS.INPUT_UNREADABLE);
    await cinesimErrorOf(() => readWav(join(dir, 'missing.wav')), ERRORS.INPUT_UNREADABLE);
    await cinesimErrorOf(() => encodeWav({ samples: new Float32Array(3), sampleRate: 8000, channels: 2 }), ERRORS.INVALID_ARGUMENT);
  });
});
