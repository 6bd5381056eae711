import { describe, expect, it } from 'vitest';
import { flicker, mean, psnr, ssim } from '../../src/eval/metrics.ts';
import { makeFrames, type VideoFrames } from '../../src/media/frames.ts';

/** A clip whose every value is f(frame, y, x, channel). */
function clip(width: number, height: number, count: number, f: (t: number, y: number, x: number, c: number) => number): VideoFrames {
  const v = makeFrames(width, height, 8, count);
  for (let t = 0; t < count; t++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        for (let c = 0; c < 3; c++) v.data[((t * height + y) * width + x) * 3 + c] = Math.min(255, Math.max(0, Math.round(f(t, y, x, c))));
  return v;
}

// The pair training/cinesim_train/metrics.py was run on (float64) to get the reference values below.
const pattern = (t: number, y: number, x: number, c: number) => (x * 13 + y * 7 + t * 29 + c * 50) % 256;
const a = clip(24, 16, 3, pattern);
const b = clip(24, 16, 3, (t, y, x, c) => pattern(t, y, x, c) + ((x * y + t * 3 + c) % 17) - 8);

describe('psnr', () => {
  it('matches metrics.py on a fixed pair', () => {
    expect(psnr(a, b)).toBeCloseTo(34.46462870836041, 9);
  });

  it('is 20·log10(255/d) for a constant error of d levels', () => {
    const x = clip(8, 8, 2, () => 100);
    const y = clip(8, 8, 2, () => 110);
    expect(psnr(x, y)).toBeCloseTo(20 * Math.log10(255 / 10), 10);
  });

  it('gives identical clips 100 dB (metrics.py clamps the MSE at 1e-10), never Infinity', () => {
    expect(psnr(a, a)).toBe(100);
    expect(JSON.stringify({ psnr: psnr(a, a) })).toBe('{"psnr":100}');
  });

  it('rejects clips of different shapes', () => {
    expect(() => psnr(a, clip(24, 16, 2, pattern))).toThrow(/differ in shape/);
  });
});

describe('ssim', () => {
  it('is 1 for identical clips', () => {
    expect(ssim(a, a)).toBeCloseTo(1, 12);
  });

  it('matches metrics.py (Gaussian 11, σ 1.5, zero padding) on a fixed pair', () => {
    expect(ssim(a, b)).toBeCloseTo(0.9917691582082301, 9);
  });

  it('drops with the error', () => {
    const worse = clip(24, 16, 3, (t, y, x, c) => pattern(t, y, x, c) + ((x * y + t * 3 + c) % 61) - 30);
    expect(ssim(a, worse)).toBeLessThan(ssim(a, b));
  });
});

describe('flicker', () => {
  it('is 0 for a still clip and for a linear fade', () => {
    expect(flicker(clip(8, 8, 5, (_t, y, x) => x * 20 + y))).toBe(0);
    expect(flicker(clip(8, 8, 5, (t) => 40 + 30 * t))).toBe(0);
  });

  it('measures frame-to-frame jitter: alternating ±d gives 2d/255', () => {
    expect(flicker(clip(8, 8, 6, (t) => (t % 2 === 0 ? 100 : 110)))).toBeCloseTo(10 / 255, 12);
  });

  it('needs three frames', () => {
    expect(() => flicker(clip(4, 4, 2, () => 0))).toThrow(/3 frames/);
  });
});

describe('mean', () => {
  it('is NaN for no values, so an unmeasured figure never reads as 0', () => {
    expect(mean([1, 2, 3])).toBe(2);
    expect(mean([])).toBeNaN();
  });
});
