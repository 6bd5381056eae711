/**
 * What the first pass learned about the objects, for the second background: per frame, where first-pass
 * blobs lay (grown a little: the swept region, objects and ghosts alike), and which pixels show a moving
 * object: those whose colour is one of the moving objects' colours (a few k-means colours per moving
 * track: body, texture accent, outline), and their neighbours (the anti-aliased rim mixes object and
 * background and matches neither). A point swept in any frame has its object samples left out in all.
 *
 * A plain temporal median takes an object into the background wherever it stays more than half the time
 * (at rest after a fall, bouncing in a corner, sliding slowly) and then shows a ghost of it. The second
 * background leaves these pixels out: an object's colours are what the background behind it is not
 * (Shapes World draws objects in colours that read against their background, and generated clips follow).
 *
 * Ghosts are first-pass tracks too, and some move (a ghost merges with its object and splits again). A
 * track counts as an object when, in most of the frames sampled, its pixels differ more from the
 * background around the blob than the first background does there; for a ghost it is the other way
 * round (the frame shows background, the model the object that left).
 */
import { kmeansRgb } from './stats.ts';
import type { Blob } from './blobs.ts';
import type { Track } from './track.ts';

export interface ObjectSweep {
  /** Per frame, 1 where a first-pass blob (grown) lay. [height, width] */
  swept: Uint8Array[];
  /** Per frame, 1 where the frame shows a moving object's colour (or borders on one). [height, width] */
  covered: Uint8Array[];
  /** Colours of the moving objects, [n, 3]. */
  palette: Float32Array;
}

/** Pixels around each first-pass blob that also count as swept (its faint edge, a ghost's rim). */
const SWEEP_GROW = 2;
/** A track moves when its centroid ranges over at least this many pixels (ghosts and still objects do not). */
const MIN_TRAVEL = 3;
/** Colours per moving track, and the most pixels per track they are fitted to. */
const COLORS_PER_TRACK = 3;
const MAX_SAMPLES = 4000;
/** An object colour this close (RGB) to the background around the object is not kept. */
const BACKGROUND_DISTANCE = 60;
/** A pixel within this RGB distance of a moving object's colour shows the object. */
const OBJECT_COLOR_DISTANCE = 30;
const SOLID_WEIGHT = 0.99;

export interface SweepInput {
  blobs: readonly Blob[][];
  tracks: readonly Track[];
  width: number;
  height: number;
  /** Frame k's pixels, and the first background's view of frame k ([height, width, 3] floats). */
  rgb(k: number): Uint8Array;
  background(k: number): Float32Array;
}

export function objectSweep({ blobs, tracks, width, height, rgb, background }: SweepInput): ObjectSweep {
  const palette = objectPalette(tracks, width, height, rgb, background);
  const swept = blobs.map((frameBlobs) => grow(frameBlobs, width, height));
  const covered = blobs.map((_, k) => {
    if (palette.length === 0) return new Uint8Array(width * height);
    const frame = rgb(k);
    const match = new Uint8Array(width * height);
    const limit = OBJECT_COLOR_DISTANCE * OBJECT_COLOR_DISTANCE;
    for (let p = 0; p < match.length; p++) {
      const r = frame[p * 3], g = frame[p * 3 + 1], b = frame[p * 3 + 2];
      for (let c = 0; c < palette.length; c += 3) {
        const dr = r - palette[c], dg = g - palette[c + 1], db = b - palette[c + 2];
        if (dr * dr + dg * dg + db * db < limit) {
          match[p] = 1;
          break;
        }
      }
    }
    return dilate(match, width, height);
  });
  return { swept, covered, palette };
}

/** The pixels of a frame's blobs, each grown by SWEEP_GROW pixels. */
function grow(frameBlobs: readonly Blob[], width: number, height: number): Uint8Array {
  const mask = new Uint8Array(width * height);
  for (const blob of frameBlobs) {
    for (const p of blob.pixels) {
      const x = p % width, y = (p - x) / width;
      for (let yy = Math.max(0, y - SWEEP_GROW); yy <= Math.min(height - 1, y + SWEEP_GROW); yy++) {
        mask.fill(1, yy * width + Math.max(0, x - SWEEP_GROW), yy * width + Math.min(width - 1, x + SWEEP_GROW) + 1);
      }
    }
  }
  return mask;
}

/** 3x3 dilation. */
function dilate(mask: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1); yy++) out.fill(1, yy * width + Math.max(0, x - 1), yy * width + Math.min(width - 1, x + 1) + 1);
    }
  }
  return out;
}

/** The colours of the moving objects among the tracks, [n, 3]. */
function objectPalette(
  tracks: readonly Track[],
  width: number,
  height: number,
  rgb: (k: number) => Uint8Array,
  background: (k: number) => Float32Array,
): Float32Array {
  const palette: number[] = [];
  for (const track of tracks) {
    if (!moves(track)) continue;
    const surroundings = objectSurroundings(track, width, height, rgb, background);
    if (!surroundings) continue;
    // The object's colours, except any that match the background around it (an enclosed patch of sky).
    for (const colour of chunks(trackColors(track, rgb))) {
      if (surroundings.every((b) => Math.hypot(colour[0] - b[0], colour[1] - b[1], colour[2] - b[2]) > BACKGROUND_DISTANCE)) palette.push(...colour);
    }
  }
  return Float32Array.from(palette);
}

/** A few k-means colours of the pixels a track covers fully. [n, 3] */
function trackColors(track: Track, rgb: (k: number) => Uint8Array): Float32Array {
  const samples: number[] = [];
  const solid = track.observations.reduce((n, o) => n + o.weights.filter((w) => w >= SOLID_WEIGHT).length, 0);
  const stride = Math.max(1, Math.ceil(solid / MAX_SAMPLES));
  let seen = 0;
  for (const o of track.observations) {
    const frame = rgb(o.frame);
    o.pixels.forEach((p, i) => {
      if (o.weights[i] >= SOLID_WEIGHT && seen++ % stride === 0) samples.push(frame[p * 3], frame[p * 3 + 1], frame[p * 3 + 2]);
    });
  }
  return kmeansRgb(Float32Array.from(samples), COLORS_PER_TRACK).centres;
}

function chunks(colors: Float32Array): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < colors.length; i += 3) out.push([colors[i], colors[i + 1], colors[i + 2]]);
  return out;
}

/** Observations per track tested by `isObject`, and the least ring width around a blob. */
const TESTS = 8;
const RING = 3;

/**
 * The background colours around the track's blobs (one per sampled frame) when the track is an object
 * (see the module comment); undefined for a ghost.
 */
function objectSurroundings(
  track: Track,
  width: number,
  height: number,
  rgb: (k: number) => Uint8Array,
  background: (k: number) => Float32Array,
): number[][] | undefined {
  const obs = track.observations;
  const step = Math.max(1, Math.floor(obs.length / TESTS));
  let votes = 0;
  const surroundings: number[][] = [];
  for (let i = 0; i < obs.length; i += step) {
    const o = obs[i];
    const frame = rgb(o.frame), model = background(o.frame);
    const inBlob = new Set(o.pixels);
    let x0 = width, x1 = 0, y0 = height, y1 = 0;
    for (const p of o.pixels) {
      const x = p % width, y = (p - x) / width;
      x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
    }
    const reach = Math.max(RING, Math.ceil(0.5 * Math.max(x1 - x0, y1 - y0)));
    const ring: number[][] = [[], [], []];
    for (let y = Math.max(0, y0 - reach); y <= Math.min(height - 1, y1 + reach); y++) {
      for (let x = Math.max(0, x0 - reach); x <= Math.min(width - 1, x1 + reach); x++) {
        const p = y * width + x;
        if (!inBlob.has(p)) for (let c = 0; c < 3; c++) ring[c].push(frame[p * 3 + c]);
      }
    }
    if (ring[0].length === 0) continue;
    const around = ring.map((v) => v.sort((a, b) => a - b)[v.length >> 1]);
    let frameOff = 0, modelOff = 0;
    o.pixels.forEach((p, j) => {
      const w = o.weights[j];
      frameOff += w * Math.hypot(frame[p * 3] - around[0], frame[p * 3 + 1] - around[1], frame[p * 3 + 2] - around[2]);
      modelOff += w * Math.hypot(model[p * 3] - around[0], model[p * 3 + 1] - around[1], model[p * 3 + 2] - around[2]);
    });
    surroundings.push(around);
    if (frameOff > modelOff) votes++;
  }
  return votes > surroundings.length / 2 ? surroundings : undefined;
}

function moves(track: Track): boolean {
  const xs = track.observations.map((o) => o.x), ys = track.observations.map((o) => o.y);
  return Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys)) >= MIN_TRAVEL;
}
