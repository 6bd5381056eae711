/**
 * Seam continuity (metrics.ts) on synthetic clips: a smooth pan has no seam worth the name (ratio ≈ 1), a
 * clip with a jump inserted at the seam has one (ratio ≫ 1).
 */
import { describe, expect, it } from 'vitest';
import { frameSteps, median, MIN_NORMAL_STEP, seamContinuity } from '../../src/eval/metrics.ts';
import { makeFrames, type VideoFrames } from '../../src/media/frames.ts';

const SIZE = 32;

/** A sine grating panning right by `shift(t)` pixels at frame t. */
function pan(count: number, shift: (t: number) => number): VideoFrames {
  const video = makeFrames(SIZE, SIZE, 8, count);
  for (let t = 0; t < count; t++) {
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const v = Math.round(127.5 + 100 * Math.sin(((x - shift(t)) * 2 * Math.PI) / 16 + y / 5));
        const i = ((t * SIZE + y) * SIZE + x) * 3; // [t, y, x, 0]
        video.data.fill(v, i, i + 3);
      }
    }
  }
  return video;
}

describe('seamContinuity', () => {
  it('gives a ratio of about 1 at any frame of a smooth pan', () => {
    const { ratios, normal } = seamContinuity(pan(17, (t) => t), [5, 9, 13]);
    expect(normal).toBeGreaterThan(MIN_NORMAL_STEP);
    for (const r of ratios) expect(r).toBeCloseTo(1, 1);
  });

  it('gives a ratio far above 1 where the picture jumps', () => {
    const jump = pan(17, (t) => (t < 9 ? t : t + 6)); // frames 9.. shifted 6 px further: a cut
    const { ratios, steps, normal } = seamContinuity(jump, [9]);
    expect(ratios[0]).toBeGreaterThan(4);
    expect(steps[0]).toBeGreaterThan(4 * normal);
    // Measured elsewhere, the same clip is smooth: the jump is only at its seam.
    expect(seamContinuity(jump, [5]).ratios[0]).toBeLessThan(1.2);
  });

  it('with a period, compares the seam with the steps where a latent frame starts too', () => {
    // Like a latent video: 1 px inside each 4-frame group, 3 px into the next group; the seam at frame 9 is
    // such a step, so it is 3× the median step but 1× the steps at its phase.
    const shift = (t: number) => (t === 0 ? 0 : Math.floor((t - 1) / 4) * 6 + ((t - 1) % 4) + 3);
    const grouped = pan(17, shift);
    const c = seamContinuity(grouped, [9], 4);
    expect(c.ratios[0]).toBeGreaterThan(2);
    expect(c.phaseRatios[0]).toBeCloseTo(1, 1);
    expect(c.phaseNormal).toBeGreaterThan(2 * c.normal);
    const jump = seamContinuity(pan(17, (t) => (t < 9 ? shift(t) : shift(t) + 6)), [9], 4);
    expect(jump.phaseRatios[0]).toBeGreaterThan(1.5);
    // Without a period there is nothing to compare at a phase.
    expect(seamContinuity(grouped, [9]).phaseRatios).toEqual([]);
  });

  it('compares a still video with one grey level, not with 0', () => {
    const still = pan(9, () => 0);
    expect([...frameSteps(still)]).toEqual(new Array(8).fill(0));
    const { ratios, normal } = seamContinuity(still, [4]);
    expect(normal).toBe(MIN_NORMAL_STEP);
    expect(ratios[0]).toBe(0);
  });

  it('reads a seam against the motion around it when the motion changes over the video', () => {
    // Pans for 16 frames, then holds still for 48: the whole-video median step is the still part's.
    const moving = (t: number) => Math.min(t, 16);
    const seams = [5, 13, 21, 29, 37, 45, 53];
    const smooth = seamContinuity(pan(64, moving), seams);
    expect(smooth.localWindow).toBe(8);
    expect(smooth.ratios[0]).toBeGreaterThan(4); // the still minute's normal makes the pan look like jumps
    expect(smooth.localRatios[0]).toBeCloseTo(1, 1);
    expect(smooth.localRatios[1]).toBeCloseTo(1, 1);
    // A real jump in the moving part still reads as one.
    const jump = seamContinuity(pan(64, (t) => moving(t) + (t >= 13 ? 6 : 0)), seams);
    expect(jump.localRatios[1]).toBeGreaterThan(4);
    // One seam: the whole video is its neighbourhood, so local and whole-video readings agree.
    const single = seamContinuity(pan(17, (t) => t), [9]);
    expect(single.localRatios[0]).toBeCloseTo(single.ratios[0], 6);
  });

  it('rejects a seam outside the video', () => {
    expect(() => seamContinuity(pan(5, (t) => t), [0])).toThrow(/outside/);
    expect(() => seamContinuity(pan(5, (t) => t), [5])).toThrow(/outside/);
  });
});

describe('median', () => {
  it('is the middle value, or the mean of the two middle ones; NaN for none', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});
