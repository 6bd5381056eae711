import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audioDuration } from '../../src/media/wav.ts';
import { encodeMp4 } from '../../src/media/mp4.ts';
import { probeVideo } from '../../src/media/decode.ts';
import { renderClip } from '../../src/world/render.ts';
import { SAMPLE_RATE, soundtrack, synthesize, impactPitch, type SoundEvents, type SoundImpact } from '../../src/audio/index.ts';
import { limit } from '../../src/audio/dsp.ts';

const quietScene: SoundEvents['scene'] = { colors: [], brightness: 0.5, texture: 0, ambient: { wind: 0, waves: 0, crickets: 0, hum: 1 } };

function events(impacts: Partial<SoundImpact>[], over: Partial<SoundEvents> = {}): SoundEvents {
  return {
    width: 64,
    height: 64,
    fps: 8,
    frames: 17,
    duration: 17 / 8,
    cameraMoving: false,
    impacts: impacts.map((i) => ({ frame: 0, time: 0, x: 32, y: 32, strength: 2, size: 0.1, kind: 'impact', tracks: [0], ...i })),
    motions: [],
    scene: quietScene,
    ...over,
  };
}

/** RMS of both channels over [from, to) seconds. */
function rms(samples: Float32Array, from: number, to: number): number {
  const a = Math.max(0, Math.round(from * SAMPLE_RATE)) * 2, b = Math.min(samples.length, Math.round(to * SAMPLE_RATE) * 2);
  let s = 0;
  for (let i = a; i < b; i++) s += samples[i] * samples[i];
  return Math.sqrt(s / Math.max(1, b - a));
}

describe('synthesize', () => {
  it('is deterministic under a seed, and the seed changes the noise', () => {
    const e = events([{ time: 0.5, kind: 'collision' }], { scene: { ...quietScene, ambient: { wind: 1, waves: 1, crickets: 1, hum: 0 } } });
    const a = synthesize(e, { seed: 7 }).samples;
    const b = synthesize(e, { seed: 7 }).samples;
    const c = synthesize(e, { seed: 8 }).samples;
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
  });

  it('lasts exactly frames / fps at 48 kHz stereo, at any frame rate', () => {
    for (const [frames, fps] of [[17, 8], [49, 24], [1, 24], [301, 30]] as const) {
      const audio = synthesize(events([], { frames, fps, duration: frames / fps }));
      expect(audio.channels).toBe(2);
      expect(audio.sampleRate).toBe(48_000);
      expect(audio.samples.length).toBe(2 * Math.round((frames / fps) * 48_000));
      expect(audioDuration(audio)).toBeCloseTo(frames / fps, 4);
    }
  });

  it('never leaves [-1, 1], even with many loud impacts at once', () => {
    const pile = Array.from({ length: 40 }, (_, i) => ({ time: 0.5 + (i % 4) * 0.0005, strength: 50, size: 0.02 + i * 0.005, kind: 'collision' as const }));
    const { samples } = synthesize(events(pile, { scene: { ...quietScene, ambient: { wind: 1, waves: 1, crickets: 1, hum: 1 } } }));
    let peak = 0;
    for (const s of samples) peak = Math.max(peak, Math.abs(s));
    expect(peak).toBeLessThanOrEqual(0.9);
    expect(peak).toBeGreaterThan(0.5); // the limiter holds the peak, it does not mute
  });

  it('is silent without events and ambient, quiet under the bed alone, and loud at an impact', () => {
    const silent = synthesize(events([]), { ambient: false }).samples;
    expect(silent.every((s) => s === 0)).toBe(true);

    const { samples } = synthesize(events([{ time: 1.0, strength: 3 }]), { seed: 1 });
    const bed = rms(samples, 0.2, 0.9);
    expect(bed).toBeGreaterThan(0.001); // the hum plays
    expect(bed).toBeLessThan(0.05); // about -30 dBFS, under the effects
    expect(rms(samples, 1.0, 1.08)).toBeGreaterThan(5 * bed);
  });

  it('starts an impact at its time (onset within 2 ms) and pans it by x', () => {
    const { samples } = synthesize(events([{ time: 0.75, x: 0 }]), { ambient: false });
    let first = -1;
    for (let i = 0; i < samples.length; i += 2) {
      if (Math.abs(samples[i]) > 0.01) {
        first = i / 2;
        break;
      }
    }
    expect(Math.abs(first / SAMPLE_RATE - 0.75)).toBeLessThan(0.002);
    expect(rms(samples.filter((_, i) => i % 2 === 1), 0, 2)).toBeLessThan(1e-6); // hard left: right channel silent
  });

  it('pitches small objects higher than large ones', () => {
    expect(impactPitch(0.05)).toBeGreaterThan(impactPitch(0.1));
    expect(impactPitch(0.1)).toBeGreaterThan(impactPitch(0.2));
  });
});

describe('limit', () => {
  it('holds a full-scale square wave under the ceiling without changing quiet parts', () => {
    const n = 4800;
    const x = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) x[2 * i] = x[2 * i + 1] = i < n / 2 ? 0.1 * Math.sin(i / 10) : i % 100 < 50 ? 3 : -3;
    const quiet = x.slice(0, 1000);
    limit(x, SAMPLE_RATE, { ceiling: 0.8, lookahead: 0.002, release: 0.05 });
    expect(Math.max(...x.map(Math.abs))).toBeLessThanOrEqual(0.8 + 1e-6);
    expect(Array.from(x.slice(0, 1000))).toEqual(Array.from(quiet));
  });
});

describe('soundtrack', () => {
  const dir = mkdtemp(join(tmpdir(), 'cinesim-audio-'));
  afterAll(async () => rm(await dir, { recursive: true, force: true }));

  it('muxes into an MP4 whose audio stream lasts as long as the video', async () => {
    const scene = { background: 'grass' as const, camera: 'static' as const, objects: [{ shape: 'ball' as const, color: 'red' as const, size: 'medium' as const, texture: 'plain' as const, motion: 'bounce' as const }] };
    const { video } = renderClip(scene, { width: 64, height: 64, fps: 8, frames: 17 }, 3);
    const { audio, events: heard } = await soundtrack(video, { seed: 1 });
    expect(heard.impacts.length).toBeGreaterThan(0);
    expect(heard.scene.ambient.hum).toBe(0); // a field is not a studio backdrop
    const path = join(await dir, 'bounce.mp4');
    await encodeMp4(video, path, { audio, preset: 'ultrafast' });
    const info = await probeVideo(path);
    expect(info).toMatchObject({ frames: 17, hasAudio: true, audioCodec: 'aac' });
    expect(info.audioDuration).toBeGreaterThan(17 / 8 - 0.03);
    expect(info.audioDuration).toBeLessThan(17 / 8 + 0.03);
  });
});
