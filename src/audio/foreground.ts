/**
 * Foreground: which share of each pixel an object covers, from the frame and its background model.
 * Fractional coverage on the edges is what gives blob centroids sub-pixel precision, and impacts are timed
 * from velocity changes of a fraction of a pixel per frame.
 *
 * An edge pixel mixes the object's edge colour O with the background B: F = c·O + (1 − c)·B. Its coverage
 * c is the projection of F − B on O − B, where O is the colour of a neighbour that is surely object,
 * provided F lies (nearly) on that segment. A pixel that no neighbour explains as such a mix has a colour
 * of its own: it is covered (the outline band, a texture) if it is far enough from the background.
 * Thresholding the distance instead saturates on a high-contrast object at a tenth of coverage, and its
 * centroid then moves in whole pixels.
 *
 * The distance cut adapts to the clip: a rendered clip matches its background model almost exactly, a
 * generated one is noisier, so it sits at several times the typical background distance, never below a
 * floor that no readable object colour comes near.
 */
import { frameAt, type VideoFrames } from '../media/frames.ts';
import type { BackgroundModel } from './background.ts';
import { histogramMedian, median } from './stats.ts';

export interface Thresholds {
  /** RGB distances at or below this are background. */
  low: number;
  /** At or above this a pixel is surely an object's; between the two, away from any object, weights ramp up. */
  high: number;
}

/** RGB distance below which a pixel is never foreground by itself: objects differ from the background by far more. */
const MIN_LOW = 24;
/** The cut is this many times the median distance of all pixels (the background's noise). */
const NOISE_FACTOR = 4;
/** Largest RGB distance (black to white). */
const MAX_DISTANCE = 442;
/** Frames sampled to measure the noise. */
const NOISE_FRAMES = 12;
/** Share of the background's slope per pixel taken off the distance (the misregistration tolerated, in pixels). */
const EDGE_SLACK = 0.5;
/** A pixel is a mix of its neighbour and the background when it lies this close to their segment (share of the segment, at least MIX_FLOOR levels). */
const MIX_SHARE = 0.15;
const MIX_FLOOR = 8;

/** Buffers reused across frames. */
export interface Scratch {
  background: Float32Array;
  known: Uint8Array;
  distance: Float32Array;
}

export function makeScratch(video: VideoFrames): Scratch {
  const n = video.width * video.height;
  return { background: new Float32Array(n * 3), known: new Uint8Array(n), distance: new Float32Array(n) };
}

/**
 * Frame k's background into scratch.background, and into scratch.distance its RGB distance to it (0 where
 * the background is unknown), less what the background's own sharpness explains: where the background has
 * a steep edge (a cloud's rim, the horizon, a still object's outline), a shift of a fraction of a pixel in
 * the camera fit or the resampling changes the colour by that much, and that is not an object.
 */
function loadFrame(video: VideoFrames, k: number, model: BackgroundModel, scratch: Scratch): Uint8Array {
  model.frameBackground(k, scratch.background, scratch.known);
  const frame = frameAt(video, k);
  const { width, height } = video;
  const { background: bg, distance, known } = scratch;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      if (!known[p]) {
        distance[p] = 0;
        continue;
      }
      const dr = frame[p * 3] - bg[p * 3], dg = frame[p * 3 + 1] - bg[p * 3 + 1], db = frame[p * 3 + 2] - bg[p * 3 + 2];
      const d = Math.sqrt(dr * dr + dg * dg + db * db);
      distance[p] = Math.max(0, d - EDGE_SLACK * backgroundSlope(bg, p, x, y, width, height));
    }
  }
  return frame;
}

/** Largest RGB change of the background to a 4-neighbour at pixel p (no closures: this runs per pixel). */
function backgroundSlope(bg: Float32Array, p: number, x: number, y: number, width: number, height: number): number {
  let most = 0;
  for (let i = 0; i < 4; i++) {
    if ((i === 0 && x === 0) || (i === 1 && x === width - 1) || (i === 2 && y === 0) || (i === 3 && y === height - 1)) continue;
    const q = i === 0 ? p - 1 : i === 1 ? p + 1 : i === 2 ? p - width : p + width;
    const dr = bg[q * 3] - bg[p * 3], dg = bg[q * 3 + 1] - bg[p * 3 + 1], db = bg[q * 3 + 2] - bg[p * 3 + 2];
    most = Math.max(most, dr * dr + dg * dg + db * db);
  }
  return Math.sqrt(most);
}

/** Thresholds from the median distance over a few frames spread over the clip. */
export function estimateThresholds(video: VideoFrames, model: BackgroundModel, scratch: Scratch): Thresholds {
  const step = Math.max(1, Math.floor(video.count / NOISE_FRAMES));
  const medians: number[] = [];
  for (let k = 0; k < video.count; k += step) {
    loadFrame(video, k, model, scratch);
    medians.push(histogramMedian(scratch.distance, scratch.distance.length, MAX_DISTANCE));
  }
  const low = Math.max(MIN_LOW, NOISE_FACTOR * median(medians));
  return { low, high: 2 * low };
}

/**
 * Coverage weights [height, width] of frame k (see the module comment). Leaves frame k's background in
 * scratch.background.
 */
export function foregroundWeights(video: VideoFrames, k: number, model: BackgroundModel, t: Thresholds, scratch: Scratch): Float32Array {
  const frame = loadFrame(video, k, model, scratch);
  const { width, height } = video;
  const { distance: d, background: bg } = scratch;
  const out = new Float32Array(width * height);
  const span = t.high - t.low;
  const neighbours = [-1, 1, -width, width];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const dp = d[p];
      let most = 0;
      if (x > 0) most = Math.max(most, d[p - 1]);
      if (x < width - 1) most = Math.max(most, d[p + 1]);
      if (y > 0) most = Math.max(most, d[p - width]);
      if (y < height - 1) most = Math.max(most, d[p + width]);
      if (dp <= t.low && most < t.low) continue; // background
      // The best explanation of this pixel as a mix of a further neighbour's colour and the background.
      let coverage = -1, bestResidual = Infinity;
      for (const step of neighbours) {
        const q = p + step;
        if ((step === -1 && x === 0) || (step === 1 && x === width - 1) || q < 0 || q >= d.length) continue;
        if (d[q] <= dp || d[q] < t.high) continue;
        const ox = frame[q * 3] - bg[p * 3], oy = frame[q * 3 + 1] - bg[p * 3 + 1], oz = frame[q * 3 + 2] - bg[p * 3 + 2];
        const fx = frame[p * 3] - bg[p * 3], fy = frame[p * 3 + 1] - bg[p * 3 + 1], fz = frame[p * 3 + 2] - bg[p * 3 + 2];
        const oo = ox * ox + oy * oy + oz * oz;
        const c = (fx * ox + fy * oy + fz * oz) / oo;
        const residual = Math.hypot(fx - c * ox, fy - c * oy, fz - c * oz);
        if (residual <= Math.max(MIX_FLOOR, MIX_SHARE * Math.sqrt(oo)) && residual < bestResidual) {
          bestResidual = residual;
          coverage = c < 0 ? 0 : c > 1 ? 1 : c;
        }
      }
      if (coverage >= 0) out[p] = coverage;
      else if (dp > t.low) out[p] = most >= t.high ? 1 : Math.min(1, (dp - t.low) / span); // a colour of its own
    }
  }
  fillEnclosed(out, width, height);
  return out;
}

/**
 * Pixels with object on both sides (across or along) within the outline's width are inside the object:
 * a blend of the outline and the body can match the background by chance (grey between a white body and
 * its dark outline, on sand) and would otherwise leave holes that move with the sub-pixel position.
 */
const FILL_REACH = 2;

function fillEnclosed(w: Float32Array, width: number, height: number): void {
  const solid = (p: number) => w[p] >= 0.5;
  const enclosed = new Uint8Array(w.length);
  const scan = (count: number, length: number, index: (line: number, i: number) => number) => {
    for (let line = 0; line < count; line++) {
      let last = -Infinity;
      for (let i = 0; i < length; i++) {
        const p = index(line, i);
        if (solid(p)) {
          last = i;
          continue;
        }
        if (i - last > FILL_REACH || enclosed[p]) continue;
        for (let j = i + 1; j <= Math.min(length - 1, last + 2 * FILL_REACH + 1); j++) {
          if (solid(index(line, j))) {
            enclosed[p] = 1;
            break;
          }
        }
      }
    }
  };
  scan(height, width, (y, x) => y * width + x);
  scan(width, height, (x, y) => y * width + x);
  for (let p = 0; p < w.length; p++) if (enclosed[p]) w[p] = 1;
}
