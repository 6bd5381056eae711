import { describe, expect, it } from 'vitest';
import { planUpscale, upscaleFrame, upscaleVideo } from '../../src/media/upscale.ts';
import { frameAt } from '../../src/media/frames.ts';
import { ERRORS } from '../../src/errors.ts';
import { cinesimErrorOf, flatClip, movingSquare } from './helpers.ts';

describe('upscale', () => {
  it('nearest copies each source pixel into a factor x factor block exactly', () => {
    const video = movingSquare(13, 7, 3);
    const f = 3;
    const up = upscaleVideo(video, f, 'nearest');
    expect([up.width, up.height, up.count, up.fps]).toEqual([39, 21, 3, video.fps]);
    for (let i = 0; i < video.count; i++) {
      const src = frameAt(video, i), dst = frameAt(up, i);
      for (let y = 0; y < up.height; y++) {
        for (let x = 0; x < up.width; x++) {
          const s = (Math.floor(y / f) * video.width + Math.floor(x / f)) * 3, d = (y * up.width + x) * 3;
          if (dst[d] !== src[s] || dst[d + 1] !== src[s + 1] || dst[d + 2] !== src[s + 2]) {
            throw new Error(`frame ${i} pixel ${x},${y} differs`);
          }
        }
      }
    }
  });

  it('smooth keeps flat colour flat and stays within the source range', () => {
    const flat = flatClip(5, 4, [[12, 200, 77]]);
    const up = upscaleFrame(flat.data, 5, 4, 4, 'smooth');
    expect(up.length).toBe(20 * 16 * 3);
    for (let p = 0; p < 20 * 16; p++) expect([up[p * 3], up[p * 3 + 1], up[p * 3 + 2]]).toEqual([12, 200, 77]);

    // A black/white edge: interior values blend, never overshoot.
    const edge = new Uint8Array([0, 0, 0, 255, 255, 255]);
    const row = upscaleFrame(edge, 2, 1, 4, 'smooth');
    const reds = Array.from({ length: 8 }, (_, x) => row[x * 3]);
    expect(reds[0]).toBe(0);
    expect(reds[7]).toBe(255);
    expect(reds).toEqual([...reds].sort((a, b) => a - b)); // monotonic
    expect(reds.some((v) => v > 0 && v < 255)).toBe(true);
  });

  it('factor 1 is the identity', () => {
    const video = movingSquare(8, 8, 2);
    expect(upscaleVideo(video, 1)).toBe(video);
    expect(upscaleFrame(video.data, 8, 8, 1)).toBe(video.data);
  });

  it('policy: short side below 256 is raised to at least 256 by an integer factor', () => {
    expect(planUpscale(64, 64, {})).toEqual({ factor: 4, kernel: 'nearest' });
    expect(planUpscale(100, 160, {})).toEqual({ factor: 3, kernel: 'nearest' });
    expect(planUpscale(256, 512, {})).toEqual({ factor: 1, kernel: 'nearest' });
    // a long side is not blown up past 4096 px for a short side that cannot reach 256
    expect(planUpscale(512, 8, {})).toEqual({ factor: 8, kernel: 'nearest' });
    expect(planUpscale(4096, 8, {})).toEqual({ factor: 1, kernel: 'nearest' });
    expect(planUpscale(64, 64, { minShortSide: 128, kernel: 'smooth' })).toEqual({ factor: 2, kernel: 'smooth' });
    expect(planUpscale(64, 64, { factor: 5 })).toEqual({ factor: 5, kernel: 'nearest' });
    expect(planUpscale(64, 64, false).factor).toBe(1);
  });

  it('rejects a non-integer factor', async () => {
    await cinesimErrorOf(() => planUpscale(64, 64, { factor: 2.5 }), ERRORS.INVALID_ARGUMENT);
  });
});
