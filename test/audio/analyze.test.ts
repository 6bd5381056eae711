import { describe, expect, it } from 'vitest';
import { makeFrames } from '../../src/media/frames.ts';
import { renderClip } from '../../src/world/render.ts';
import type { ClipFormat, ObjectSpec, SceneSpec } from '../../src/world/spec.ts';
import { analyzeVideo, matchEvents, truthImpacts } from '../../src/audio/index.ts';
import { ERRORS } from '../../src/errors.ts';

const ball = (motion: ObjectSpec['motion'], over: Partial<ObjectSpec> = {}): ObjectSpec => ({
  shape: 'ball',
  color: 'red',
  size: 'medium',
  texture: 'plain',
  motion,
  ...over,
});

async function heard(scene: SceneSpec, format: ClipFormat, seed: number) {
  const { video, simulation } = renderClip(scene, format, seed);
  const events = await analyzeVideo(video);
  const truth = truthImpacts(simulation.events, scene, format);
  const result = matchEvents(events.impacts, truth.visible, 1, { ignore: truth.all, maxDistance: format.width / 4 });
  return { events, truth, result };
}

describe('analyzeVideo on rendered clips', () => {
  it('hears every bounce of a bouncing ball within a frame, and nothing else', async () => {
    for (const [format, background] of [
      [{ width: 64, height: 64, fps: 8, frames: 17 }, 'grass'],
      [{ width: 128, height: 128, fps: 24, frames: 49 }, 'sky'],
    ] as const) {
      const { events, truth, result } = await heard({ background, camera: 'static', objects: [ball('bounce')] }, format, 3);
      expect(truth.visible.length).toBeGreaterThanOrEqual(2);
      expect(result.recall).toBe(1);
      expect(result.precision).toBe(1);
      for (const m of result.matched) {
        // Sub-frame timing: within a quarter frame of the simulator's time.
        expect(Math.abs(events.impacts[m.detected].time - truth.visible[m.truth].time) * format.fps).toBeLessThan(0.25);
      }
      expect(events.motions.some((m) => m.kind === 'fast')).toBe(true);
      expect(events.cameraMoving).toBe(false);
    }
  });

  it('times a fall, its rebounds and a mover stopping at the wall', async () => {
    const format = { width: 128, height: 128, fps: 24, frames: 49 };
    const { result } = await heard({ background: 'desert', camera: 'static', objects: [ball('fall', { size: 'small' }), ball('move-left', { color: 'blue', shape: 'square' })] }, format, 5);
    expect(result.truths).toBeGreaterThanOrEqual(3);
    expect(result.recall).toBe(1);
    expect(result.precision).toBe(1);
  });

  it('hears no impact in a still scene, nor under a pan, tilt or zoom over a textured background', async () => {
    const format = { width: 64, height: 64, fps: 24, frames: 49 };
    const still: ObjectSpec[] = [ball('static'), ball('static', { shape: 'star', color: 'yellow', size: 'large' })];
    for (const camera of ['static', 'pan-left', 'tilt-up', 'zoom-in'] as const) {
      for (const background of ['ocean', 'grass', 'night'] as const) {
        const { events } = await heard({ background, camera, objects: still }, format, 2);
        expect(events.impacts, `${camera} over ${background}`).toEqual([]);
        if (camera !== 'static') expect(events.cameraMoving).toBe(true);
        expect(events.motions.filter((m) => m.kind === 'fast')).toEqual([]);
      }
    }
  });

  it('hears no impact in a flat clip or in pure noise', async () => {
    const flat = makeFrames(32, 32, 8, 9, new Uint8Array(32 * 32 * 3 * 9).fill(90));
    expect((await analyzeVideo(flat)).impacts).toEqual([]);
    let s = 1;
    const noise = makeFrames(32, 32, 8, 9, Uint8Array.from({ length: 32 * 32 * 3 * 9 }, () => ((s = (s * 1103515245 + 12345) >>> 0) >>> 24) & 63));
    expect((await analyzeVideo(noise)).impacts).toEqual([]);
  });

  it('reads the scene for the ambient bed', async () => {
    const format = { width: 64, height: 64, fps: 8, frames: 17 };
    const mix = async (background: SceneSpec['background']) => (await heard({ background, camera: 'static', objects: [ball('static', { color: 'white' })] }, format, 1)).events.scene.ambient;
    expect((await mix('gray')).hum).toBe(1);
    expect((await mix('night')).crickets).toBe(1);
    expect((await mix('ocean')).waves).toBeGreaterThan(0.8);
    expect((await mix('sky')).wind).toBe(1);
    expect((await mix('sky')).waves).toBe(0);
  });

  it('rejects clips it cannot analyse', async () => {
    await expect(analyzeVideo(makeFrames(2, 2, 8, 3))).rejects.toMatchObject({ code: ERRORS.INVALID_ARGUMENT.code });
  });
});
