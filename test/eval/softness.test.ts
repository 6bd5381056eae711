/**
 * The blur control of the VAE column (softness.ts): a Gaussian blur that keeps a flat picture flat, softens
 * edges, and is found at the PSNR asked for.
 */
import { describe, expect, it } from 'vitest';
import { psnr } from '../../src/eval/metrics.ts';
import { blurToPsnr, gaussianBlur } from '../../src/eval/softness.ts';
import { makeFrames, type VideoFrames } from '../../src/media/frames.ts';

/** A white square on black, 32×32, two frames. */
function square(): VideoFrames {
  const v = makeFrames(32, 32, 8, 2);
  for (let t = 0; t < 2; t++) {
    for (let y = 10; y < 22; y++) for (let x = 10; x < 22; x++) v.data.fill(255, ((t * 32 + y) * 32 + x) * 3, ((t * 32 + y) * 32 + x) * 3 + 3);
  }
  return v;
}

describe('gaussianBlur', () => {
  it('leaves a flat picture as it is and softens an edge, more with a wider blur', () => {
    const flat = makeFrames(16, 16, 8, 1, new Uint8Array(16 * 16 * 3).fill(90));
    expect([...gaussianBlur(flat, 1.5).data].every((v) => v === 90)).toBe(true);
    const clip = square();
    const edge = (v: VideoFrames) => v.data[(16 * 32 + 10) * 3]; // first pixel inside the square's left edge
    expect(edge(gaussianBlur(clip, 1))).toBeLessThan(255);
    expect(edge(gaussianBlur(clip, 2))).toBeLessThan(edge(gaussianBlur(clip, 1)));
    expect(psnr(clip, gaussianBlur(clip, 2))).toBeLessThan(psnr(clip, gaussianBlur(clip, 1)));
    expect(gaussianBlur(clip, 0).data).toEqual(clip.data);
  });
});

describe('blurToPsnr', () => {
  it('finds the blur that takes the clip to the PSNR asked for', () => {
    const clip = square();
    for (const target of [30, 22]) {
      const { video, sigma, psnr: got } = blurToPsnr(clip, target);
      expect(got).toBeLessThanOrEqual(target);
      expect(got).toBeGreaterThan(target - 0.5);
      expect(psnr(clip, video)).toBeCloseTo(got, 6);
      expect(sigma).toBeGreaterThan(0);
    }
    expect(blurToPsnr(clip, 22).sigma).toBeGreaterThan(blurToPsnr(clip, 30).sigma);
  });
});
