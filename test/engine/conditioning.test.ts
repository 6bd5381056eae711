import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildConditioning,
  checkConditioning,
  keepGivenFrames,
  type Conditioning,
  type ConditioningTarget,
  type ConditioningTensors,
} from '../../src/engine/conditioning.ts';
import { combineGuidance } from '../../src/engine/guidance.ts';
import { VideoPipeline } from '../../src/engine/pipeline.ts';
import { makeFrames } from '../../src/media/frames.ts';
import { gradientClip, TINY_MODEL } from './helpers.ts';

let pipe: VideoPipeline;
beforeAll(async () => {
  pipe = await VideoPipeline.load(TINY_MODEL);
});
afterAll(() => pipe.dispose());

const target: ConditioningTarget = { width: 32, height: 32, latentShape: [1, 4, 5, 8, 8], temporalCompression: 4 };
const PLANE = 8 * 8;

/** Mask value per latent frame (checking that it is constant over the frame). */
function maskFrames(cond: ConditioningTensors): number[] {
  const t = cond.mask.shape[2];
  return Array.from({ length: t }, (_, f) => {
    const frame = cond.mask.data.subarray(f * PLANE, (f + 1) * PLANE);
    expect(frame.every((v) => v === frame[0])).toBe(true);
    return frame[0];
  });
}

/** Latent frame f of channel c. */
const latentFrame = (data: Float32Array, t: number, c: number, f: number) => data.subarray((c * t + f) * PLANE, (c * t + f + 1) * PLANE);

const image = (shade: number) => {
  const frames = gradientClip(32, 32, 1);
  frames.data.forEach((v, i) => (frames.data[i] = (v + shade) & 255));
  return frames;
};

describe('buildConditioning', () => {
  const encoder = () => pipe.components.vaeEncoder;

  it('none: no frames given', async () => {
    const cond = await buildConditioning({ mode: 'none' }, encoder(), target);
    expect(maskFrames(cond)).toEqual([0, 0, 0, 0, 0]);
    expect(cond.latents.data.every((v) => v === 0)).toBe(true);
    expect(cond.latents.shape).toEqual([1, 4, 5, 8, 8]);
    expect(cond.mask.shape).toEqual([1, 1, 5, 8, 8]);
  });

  it('firstFrame: the image at latent frame 0', async () => {
    const img = image(0);
    const cond = await buildConditioning({ mode: 'firstFrame', image: img }, encoder(), target);
    expect(maskFrames(cond)).toEqual([1, 0, 0, 0, 0]);
    expect(cond.given).toEqual([0]);
    const encoded = await encoder().encode(img); // [1, 4, 1, 8, 8]
    for (let c = 0; c < 4; c++) {
      expect(latentFrame(cond.latents.data, 5, c, 0)).toEqual(latentFrame(encoded.data, 1, c, 0));
      expect(latentFrame(cond.latents.data, 5, c, 1).every((v) => v === 0)).toBe(true);
    }
  });

  it('firstLast: each image encoded on its own, at frames 0 and T − 1', async () => {
    const [first, last] = [image(0), image(90)];
    const cond = await buildConditioning({ mode: 'firstLast', first, last }, encoder(), target);
    expect(maskFrames(cond)).toEqual([1, 0, 0, 0, 1]);
    const encodedLast = await encoder().encode(last);
    for (let c = 0; c < 4; c++) expect(latentFrame(cond.latents.data, 5, c, 4)).toEqual(latentFrame(encodedLast.data, 1, c, 0));
  });

  it('prefix: a clip of 1 + 4k frames fills latent frames 0..k', async () => {
    const cond = await buildConditioning({ mode: 'prefix', frames: gradientClip(32, 32, 9) }, encoder(), target);
    expect(maskFrames(cond)).toEqual([1, 1, 1, 0, 0]);
    expect(cond.given).toEqual([0, 1, 2]);
  });
});

describe('checkConditioning', () => {
  const fails = (cond: Conditioning, param: string, message: RegExp) => {
    let error: any;
    try {
      checkConditioning(cond, target);
    } catch (e) {
      error = e;
    }
    expect(error?.code).toBe('CINE_ERR_INVALID_ARGUMENT');
    expect(error.param).toBe(param);
    expect(error.message).toMatch(message);
  };

  it('rejects images of another size, with both sizes in the message', () => {
    fails({ mode: 'firstFrame', image: gradientClip(48, 32, 1) }, 'conditioning.image', /48x32 but the clip is 32x32/);
    fails({ mode: 'firstLast', first: image(0), last: gradientClip(32, 48, 1) }, 'conditioning.last', /32x48/);
  });

  it('rejects a multi-frame image, a prefix of the wrong length, and prefixes that fill the clip', () => {
    fails({ mode: 'firstFrame', image: gradientClip(32, 32, 2) }, 'conditioning.image', /one image/);
    fails({ mode: 'prefix', frames: gradientClip(32, 32, 7) }, 'conditioning.frames', /got 7: give the last 5 or 9/);
    fails({ mode: 'prefix', frames: gradientClip(32, 32, 17) }, 'conditioning.frames', /leaves nothing to generate/);
  });

  it('rejects first + last frame for a one-latent-frame clip', () => {
    let error: any;
    try {
      checkConditioning({ mode: 'firstLast', first: image(0), last: image(1) }, { ...target, latentShape: [1, 4, 1, 8, 8] });
    } catch (e) {
      error = e;
    }
    expect(error?.message).toMatch(/at least 5 frames/);
  });
});

describe('keepGivenFrames and guidance math', () => {
  it('puts given frames on (1 − σ)·x₀ + σ·ε and leaves the others', () => {
    const shape = [1, 1, 2, 1, 2] as const; // [1, C=1, T=2, h=1, w=2]
    const cond: ConditioningTensors = {
      latents: { shape, data: Float32Array.of(2, 4, 0, 0) },
      mask: { shape, data: Float32Array.of(1, 1, 0, 0) },
      given: [0],
    };
    const sample = Float32Array.of(9, 9, 9, 9);
    keepGivenFrames(sample, cond, Float32Array.of(1, -1, 5, 5), 0.25);
    expect(Array.from(sample)).toEqual([0.75 * 2 + 0.25, 0.75 * 4 - 0.25, 9, 9]);
  });

  it('combines v_uncond + g·(v_cond − v_uncond)', () => {
    const cond = Float32Array.of(1, 2);
    const uncond = Float32Array.of(0, 4);
    expect(Array.from(combineGuidance(cond, uncond, 3))).toEqual([3, -2]);
    expect(combineGuidance(cond, uncond, 1)).toEqual(cond);
  });
});

describe('generation with conditioning', () => {
  const modes: Conditioning[] = [
    { mode: 'firstFrame', image: image(0) },
    { mode: 'firstLast', first: image(0), last: image(90) },
    { mode: 'prefix', frames: gradientClip(32, 32, 5) },
  ];
  for (const conditioning of modes) {
    it(`${conditioning.mode}: runs, and the given latent frames come out exactly`, async () => {
      let final: Float32Array | undefined;
      const r = await pipe.generate(
        { prompt: 'a red ball', seed: 3, steps: 2, frames: 9, conditioning },
        { onStep: (s) => (final = s.latents.data.slice()) },
      );
      expect(r.settings.conditioning).toBe(conditioning.mode);
      expect(r.video.count).toBe(9);
      const cond = await buildConditioning(conditioning, pipe.components.vaeEncoder, { ...target, latentShape: r.latentShape });
      const t = r.latentShape[2];
      for (const f of cond.given) {
        for (let c = 0; c < 4; c++) expect(latentFrame(final!, t, c, f)).toEqual(latentFrame(cond.latents.data, t, c, f));
      }
    });
  }

  it('rejects a wrongly sized image before any heavy work', async () => {
    const bad = { mode: 'firstFrame', image: makeFrames(64, 64, 8, 1) } as const;
    await expect(pipe.generate({ prompt: 'a red ball', conditioning: bad })).rejects.toMatchObject({
      code: 'CINE_ERR_INVALID_ARGUMENT',
      param: 'conditioning.image',
    });
  });
});
