import { describe, expect, it } from 'vitest';
import { matchPrefixSeam } from '../../src/engine/seam.ts';
import { frameAt, makeFrames, type VideoFrames } from '../../src/media/frames.ts';

const W = 16, H = 16;

/** Frames whose pixel (x, y) of frame f is colour(f, x, y). */
function clip(count: number, colour: (f: number, x: number, y: number) => [number, number, number]): VideoFrames {
  const v = makeFrames(W, H, 8, count);
  for (let f = 0; f < count; f++) {
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) v.data.set(colour(f, x, y), ((f * H + y) * W + x) * 3);
  }
  return v;
}

/** A striped background with a 4×4 light grey square whose left edge is at `at` (even: the decoder below pairs columns). */
const scene = (at: number) => (_f: number, x: number, y: number): [number, number, number] =>
  x >= at && x < at + 4 && y >= 6 && y < 10 ? [200, 200, 200] : [40 + (x % 2) * 60, 90, 140 + (y % 2) * 40];

const meanAbs = (a: Uint8Array, b: Uint8Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

describe('matchPrefixSeam', () => {
  // The "decoder" loses the stripes (each pixel becomes its row's mean) and adds 20 to red.
  const decode = (colour: (f: number, x: number, y: number) => [number, number, number]) => (f: number, x: number, y: number): [number, number, number] => {
    const [r, g, b] = colour(f, x, y);
    const [r2] = colour(f, x ^ 1, y);
    return [Math.min(255, (r + r2) / 2 + 20), g, b];
  };
  const given = clip(5, scene(2));
  // Decoded: the given 5 frames re-decoded, then 10 new frames in which the square moves right 2 px a frame.
  const decoded = clip(15, (f, x, y) => decode(scene(f < 5 ? 2 : 2 + 2 * (f - 4)))(f, x, y));

  it('opens on the given frames themselves', () => {
    const out = matchPrefixSeam(given, decoded);
    expect(out.count).toBe(15);
    expect(Buffer.from(out.data.subarray(0, given.data.length)).equals(Buffer.from(given.data))).toBe(true);
  });

  it("gives the first new frame the clip's look where nothing moved, and none of it where something did", () => {
    const out = matchPrefixSeam(given, decoded);
    const last = frameAt(given, 4), first = frameAt(out, 5), raw = frameAt(decoded, 5);
    const at = (frame: Uint8Array, x: number, y: number) => Array.from(frame.subarray((y * W + x) * 3, (y * W + x) * 3 + 3));
    // background far from the square: the stripes and the colour come back exactly
    expect(at(first, 12, 1)).toEqual(at(last, 12, 1));
    expect(at(first, 13, 1)).toEqual(at(last, 13, 1));
    // where the square was and is no longer (x = 2, 3), no white ghost: the background as decoded, colour-matched
    expect(at(first, 2, 7)[1]).toBeLessThan(120);
    expect(Math.abs(at(first, 2, 7)[0] - (at(raw, 2, 7)[0] - 20))).toBeLessThanOrEqual(2);
    // the seam step is now the move alone: smaller than into the unmatched frame
    expect(meanAbs(first, last)).toBeLessThan(meanAbs(raw, last) / 2);
  });

  it('fades the detail out over `fade` new frames and keeps the colour match', () => {
    const out = matchPrefixSeam(given, decoded, { fade: 4 });
    const after = frameAt(out, 5 + 4), raw = frameAt(decoded, 5 + 4);
    for (let p = 0; p < W * H; p++) {
      expect(Math.abs(after[p * 3] - (raw[p * 3] - 20))).toBeLessThanOrEqual(1); // red offset removed, stripes not back
      expect(after[p * 3 + 1]).toBe(raw[p * 3 + 1]);
    }
    // and each step of the fade is a fraction of the correction, not a jump
    const steps = [5, 6, 7, 8, 9].map((f) => meanAbs(frameAt(out, f), frameAt(out, f - 1)));
    const unmatchedSeam = meanAbs(frameAt(decoded, 5), frameAt(given, 4));
    for (const s of steps) expect(s).toBeLessThan(unmatchedSeam);
  });

  it('refuses frames of another size or more given frames than the video has', () => {
    expect(() => matchPrefixSeam(makeFrames(8, 8, 8, 5), decoded)).toThrow(/differ/);
    expect(() => matchPrefixSeam(clip(16, scene(2)), decoded)).toThrow(/16 given frames of a 15-frame video/);
  });
});
