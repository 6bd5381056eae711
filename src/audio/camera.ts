/**
 * Global camera motion from the pixels alone. Pans, tilts and zooms move the whole background together,
 * so each consecutive pair of frames is fitted with one similarity without rotation (a scale about the
 * frame centre plus a shift) by robust Gauss–Newton on luma (Lucas–Kanade with Tukey weights, coarse to
 * fine), and the pair fits are chained into a path that maps every frame into frame 0's coordinates.
 *
 * A fit is kept only when the background supports it: on a flat background the only texture is the
 * objects, and a fit there would follow a moving object and so hide it. The frame is cut into a grid, and
 * the fit must explain the change between the two frames clearly better than "no motion" in many cells,
 * and in far more cells than it explains worse.
 *
 * Coordinates are pixel centres: pixel (i, j) is the point (i, j).
 */
import { frameAt, type VideoFrames } from '../media/frames.ts';
import { histogramMedian, median } from './stats.ts';

/** x ↦ a·x + b (both axes share the scale a): a similarity without rotation. */
export interface Similarity {
  readonly a: number;
  readonly bx: number;
  readonly by: number;
}

export const IDENTITY: Similarity = { a: 1, bx: 0, by: 0 };

/** Every frame's map into frame 0's coordinates. */
export interface CameraPath {
  /** toFirst[k] maps frame-k coordinates to frame-0 coordinates. */
  readonly toFirst: readonly Similarity[];
  /** True when some pair fit was kept (the camera moved). */
  readonly moving: boolean;
}

export function compose(outer: Similarity, inner: Similarity): Similarity {
  return { a: outer.a * inner.a, bx: outer.a * inner.bx + outer.bx, by: outer.a * inner.by + outer.by };
}

export function invert(s: Similarity): Similarity {
  return { a: 1 / s.a, bx: -s.bx / s.a, by: -s.by / s.a };
}

/** The map from frame `from`'s coordinates to frame `to`'s. */
export function mapBetween(path: CameraPath, from: number, to: number): Similarity {
  return compose(invert(path.toFirst[to]), path.toFirst[from]);
}

export function applySimilarity(s: Similarity, x: number, y: number): [number, number] {
  return [s.a * x + s.bx, s.a * y + s.by];
}

export function isIdentity(s: Similarity, tolerance = 1e-6): boolean {
  return Math.abs(s.a - 1) < tolerance && Math.abs(s.bx) < tolerance && Math.abs(s.by) < tolerance;
}

/** A luma plane. [height, width] */
interface Plane {
  width: number;
  height: number;
  data: Float32Array;
}

/** Rec. 601 luma of frame k, smoothed by a 3x3 binomial so gradients are stable on noisy (generated) frames. */
function lumaPlane(video: VideoFrames, k: number): Plane {
  const { width: w, height: h } = video;
  const rgb = frameAt(video, k);
  const raw = new Float32Array(w * h);
  for (let p = 0, o = 0; p < raw.length; p++, o += 3) raw[p] = 0.299 * rgb[o] + 0.587 * rgb[o + 1] + 0.114 * rgb[o + 2];
  return { width: w, height: h, data: blur3(raw, w, h) };
}

function blur3(src: Float32Array, w: number, h: number): Float32Array {
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const l = src[y * w + Math.max(x - 1, 0)], r = src[y * w + Math.min(x + 1, w - 1)];
      tmp[y * w + x] = 0.25 * l + 0.5 * src[y * w + x] + 0.25 * r;
    }
  }
  for (let y = 0; y < h; y++) {
    const up = Math.max(y - 1, 0) * w, down = Math.min(y + 1, h - 1) * w;
    for (let x = 0; x < w; x++) out[y * w + x] = 0.25 * tmp[up + x] + 0.5 * tmp[y * w + x] + 0.25 * tmp[down + x];
  }
  return out;
}

/** Half resolution (2x2 means); odd last rows/columns are dropped. */
function halve(p: Plane): Plane {
  const w = p.width >> 1, h = p.height >> 1;
  const data = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const o = 2 * y * p.width + 2 * x;
      data[y * w + x] = 0.25 * (p.data[o] + p.data[o + 1] + p.data[o + p.width] + p.data[o + p.width + 1]);
    }
  }
  return { width: w, height: h, data };
}

function bilinear(p: Plane, x: number, y: number): number {
  const x0 = Math.floor(x), y0 = Math.floor(y);
  const fx = x - x0, fy = y - y0;
  const o = y0 * p.width + x0;
  const d = p.data;
  const top = d[o] + (d[o + 1] - d[o]) * fx;
  const bottom = d[o + p.width] + (d[o + p.width + 1] - d[o + p.width]) * fx;
  return top + (bottom - top) * fy;
}

/**
 * Pair motion in centred form: frame k+1's point x lands on c + (1 + s)(x − c) + t in frame k.
 * s is the per-frame zoom, t the shift in pixels of the plane it was fitted on.
 */
interface PairMotion {
  tx: number;
  ty: number;
  s: number;
}

const TUKEY = 4.685;
const ITERATIONS = 8;

/**
 * Robust Gauss–Newton for the motion that makes `prev` sampled at the moved points match `next`. The
 * Jacobian uses `next`'s gradient (valid once the two are aligned), so each iteration samples only `prev`.
 */
function fitPair(prev: Plane, next: Plane, init: PairMotion): PairMotion {
  const { width: w, height: h } = next;
  const cx = (w - 1) / 2, cy = (h - 1) / 2;
  const radius = Math.max(cx, cy, 1); // zoom is solved as s·radius so the three unknowns have similar scales
  let { tx, ty, s } = init;
  const residuals = new Float32Array(w * h);
  let sigma = 8; // first-pass residual scale in luma levels; refined from the residuals each iteration
  for (let it = 0; it < ITERATIONS; it++) {
    let h00 = 0, h01 = 0, h02 = 0, h11 = 0, h12 = 0, h22 = 0, g0 = 0, g1 = 0, g2 = 0;
    let n = 0;
    const cut = TUKEY * sigma;
    // Every other row: a three-parameter fit needs far fewer pixels than a frame has.
    for (let y = 1 + (it & 1); y < h - 1; y += 2) {
      for (let x = 1; x < w - 1; x++) {
        const u = cx + (1 + s) * (x - cx) + tx;
        const v = cy + (1 + s) * (y - cy) + ty;
        if (!(u >= 0 && v >= 0 && u < w - 1 && v < h - 1)) continue;
        const o = y * w + x;
        const r = bilinear(prev, u, v) - next.data[o];
        residuals[n++] = Math.abs(r);
        if (Math.abs(r) >= cut) continue;
        const q = 1 - (r / cut) ** 2;
        const weight = q * q;
        const gx = 0.5 * (next.data[o + 1] - next.data[o - 1]);
        const gy = 0.5 * (next.data[o + w] - next.data[o - w]);
        const j2 = (gx * (x - cx) + gy * (y - cy)) / radius;
        h00 += weight * gx * gx; h01 += weight * gx * gy; h02 += weight * gx * j2;
        h11 += weight * gy * gy; h12 += weight * gy * j2; h22 += weight * j2 * j2;
        g0 += weight * gx * r; g1 += weight * gy * r; g2 += weight * j2 * r;
      }
    }
    if (n === 0) break;
    sigma = Math.max(1.4826 * histogramMedian(residuals, n), 1);
    const step = solve3([h00, h01, h02, h01, h11, h12, h02, h12, h22], [-g0, -g1, -g2]);
    if (!step) break;
    tx += step[0];
    ty += step[1];
    s += step[2] / radius;
    if (Math.abs(step[0]) + Math.abs(step[1]) + Math.abs(step[2]) < 1e-3) break;
  }
  return { tx, ty, s };
}

/** Solves the 3x3 system M·z = b (row-major M) by Cramer's rule; undefined when it is (nearly) singular. */
function solve3(m: number[], b: number[]): number[] | undefined {
  const det = (a: number[]) =>
    a[0] * (a[4] * a[8] - a[5] * a[7]) - a[1] * (a[3] * a[8] - a[5] * a[6]) + a[2] * (a[3] * a[7] - a[4] * a[6]);
  const d = det(m);
  const scale = Math.abs(m[0] * m[4] * m[8]) + 1e-12;
  if (Math.abs(d) < 1e-9 * scale) return undefined;
  return [0, 1, 2].map((c) => {
    const mc = m.slice();
    for (let r = 0; r < 3; r++) mc[r * 3 + c] = b[r];
    return det(mc) / d;
  });
}

/** Cells per side of the support grid; only the ring of border cells votes. */
const GRID = 5;

/** Supporting cells must lie this many cells apart (end to end): wider than any one object can cover. */
const MIN_SPREAD = 4;

/**
 * Whether a fitted motion is the background's. Objects stay inside the picture while the background always
 * fills its border, so only the border cells of a grid vote: per cell, the mean squared difference between
 * the frames with the motion applied against without it. A cell supports the motion when the motion at
 * least halves the difference (and the difference is above quantisation noise), and opposes it when it
 * doubles it. On a flat background only an object can support a motion, and an object covers at most
 * three cells of five (a large one grown to full size is under half the frame); the background's texture
 * (clouds, horizon, waves, stars) supports it across the frame.
 */
function supported(anchor: Plane, next: Plane, m: PairMotion): boolean {
  const { width: w, height: h } = next;
  const cx = (w - 1) / 2, cy = (h - 1) / 2;
  const moved = new Float64Array(GRID * GRID);
  const still = new Float64Array(GRID * GRID);
  const count = new Float64Array(GRID * GRID);
  for (let y = 0; y < h; y++) {
    const row = Math.min(Math.floor((y * GRID) / h), GRID - 1);
    for (let x = 0; x < w; x++) {
      const col = Math.min(Math.floor((x * GRID) / w), GRID - 1);
      if (row !== 0 && row !== GRID - 1 && col !== 0 && col !== GRID - 1) continue;
      const u = cx + (1 + m.s) * (x - cx) + m.tx;
      const v = cy + (1 + m.s) * (y - cy) + m.ty;
      if (!(u >= 0 && v >= 0 && u < w - 1 && v < h - 1)) continue;
      const cell = row * GRID + col;
      const t = next.data[y * w + x];
      moved[cell] += (bilinear(anchor, u, v) - t) ** 2;
      still[cell] += (anchor.data[y * w + x] - t) ** 2;
      count[cell]++;
    }
  }
  let support = 0, oppose = 0;
  let minRow = GRID, maxRow = -1, minCol = GRID, maxCol = -1;
  for (let c = 0; c < GRID * GRID; c++) {
    if (count[c] < 4) continue;
    const a = moved[c] / count[c], b = still[c] / count[c];
    if (b > 0.5 && a < 0.5 * b) {
      support++;
      const row = Math.floor(c / GRID), col = c % GRID;
      minRow = Math.min(minRow, row);
      maxRow = Math.max(maxRow, row);
      minCol = Math.min(minCol, col);
      maxCol = Math.max(maxCol, col);
    } else if (a > 0.5 && a > 2 * b) oppose++;
  }
  const spread = Math.max(maxRow - minRow, maxCol - minCol) + 1;
  return spread >= MIN_SPREAD && support >= 3 && support >= 2 * oppose;
}

/** Motions below these are no motion at all. */
const MIN_SHIFT = 0.03;
const MIN_ZOOM = 3e-4;

/** Share of frames whose motion must be supported for the clip to count as a camera move. */
const MOVING_SHARE = 0.5;
/** A new anchor is taken once the view has moved this share of the frame or zoomed by this factor. */
const MAX_ANCHOR_SHIFT = 0.2;
const MAX_ANCHOR_ZOOM = 1.25;

function toCentred(m: Similarity, cx: number, cy: number): PairMotion {
  return { tx: m.bx - cx * (1 - m.a), ty: m.by - cy * (1 - m.a), s: m.a - 1 };
}

function fromCentred(m: PairMotion, cx: number, cy: number): Similarity {
  const a = 1 + m.s;
  return { a, bx: m.tx + cx * (1 - a), by: m.ty + cy * (1 - a) };
}

/** Coarse fit at half resolution (large shifts), refined at full resolution. */
function fitPyramid(anchor: Plane, anchorHalf: Plane | undefined, next: Plane, nextHalf: Plane | undefined, init: PairMotion): PairMotion {
  let start = init;
  if (anchorHalf && nextHalf) {
    const coarse = fitPair(anchorHalf, nextHalf, { tx: init.tx / 2, ty: init.ty / 2, s: init.s });
    start = { tx: coarse.tx * 2, ty: coarse.ty * 2, s: coarse.s };
  }
  return fitPair(anchor, next, start);
}

/**
 * The camera path of a clip. Each frame is registered against an anchor frame some way back (a new
 * anchor once the view has moved a fifth of the frame): at 24 fps a pan moves the picture half a pixel
 * per frame, too little to tell from noise, but several pixels from the anchor. The fit starts from the
 * previous frame's motion extrapolated (camera moves are smooth). The clip counts as a camera move when
 * the background supports most frames' fits; otherwise every frame keeps the identity. A moving path is
 * then steadied: a step far from the clip's typical step is a misfit (see steadied), and what jitter is
 * left is smoothed away (see smoothed).
 */
export function estimateCamera(video: VideoFrames): CameraPath {
  const n = video.count;
  const cx = (video.width - 1) / 2, cy = (video.height - 1) / 2;
  const coarseOk = video.width >= 32 && video.height >= 32;
  const toFirst: Similarity[] = [IDENTITY];
  let anchor = lumaPlane(video, 0);
  let anchorHalf = coarseOk ? halve(anchor) : undefined;
  let anchorToFirst: Similarity = IDENTITY;
  let prevToAnchor: Similarity = IDENTITY; // frame k-1 → anchor
  let step: Similarity = IDENTITY; // frame k-1 → frame k-2, the last frame-to-frame motion
  let supportedFrames = 0;
  for (let k = 1; k < n; k++) {
    const next = lumaPlane(video, k);
    const nextHalf = coarseOk ? halve(next) : undefined;
    const predicted = compose(prevToAnchor, step);
    const fit = fitPyramid(anchor, anchorHalf, next, nextHalf, toCentred(predicted, cx, cy));
    const significant = Math.abs(fit.tx) > MIN_SHIFT || Math.abs(fit.ty) > MIN_SHIFT || Math.abs(fit.s) > MIN_ZOOM;
    if (significant && supported(anchor, next, fit)) supportedFrames++;
    const toAnchor = fromCentred(fit, cx, cy);
    step = compose(invert(prevToAnchor), toAnchor);
    toFirst.push(compose(anchorToFirst, toAnchor));
    const far = Math.max(Math.abs(fit.tx) / video.width, Math.abs(fit.ty) / video.height) > MAX_ANCHOR_SHIFT;
    if (far || Math.max(1 + fit.s, 1 / (1 + fit.s)) > MAX_ANCHOR_ZOOM) {
      anchor = next;
      anchorHalf = nextHalf;
      anchorToFirst = toFirst[k];
      prevToAnchor = IDENTITY;
    } else prevToAnchor = toAnchor;
  }
  const moving = n > 1 && supportedFrames >= MOVING_SHARE * (n - 1);
  if (!moving) return { toFirst: toFirst.map(() => IDENTITY), moving };
  const steady = steadied(toFirst, cx, cy, Math.min(video.width, video.height));
  return { toFirst: smoothed(steady, cx, cy, Math.max(2, Math.round(SMOOTH_SECONDS * video.fps))), moving };
}

/**
 * A frame-to-frame step whose zoom or shift is further than this from the clip's median step is a misfit:
 * a camera moves smoothly, but where objects fill the border cells (large ones, or falling ones over a
 * background of a few stars) the fit can follow them for some frames, and every later frame inherits
 * the error through the chain. Fixed tolerances, not the steps' own spread: when a third of them
 * are misfits, their spread hides them.
 */
const STEP_ZOOM_TOLERANCE = 0.01;
/** Share of the frame's short side. */
const STEP_SHIFT_TOLERANCE = 0.01;

/** The path with misfit steps (see STEP_ZOOM_TOLERANCE) replaced by the clip's median step. */
function steadied(toFirst: readonly Similarity[], cx: number, cy: number, short: number): Similarity[] {
  const steps = toFirst.slice(1).map((s, i) => toCentred(compose(invert(toFirst[i]), s), cx, cy));
  if (steps.length < 3) return [...toFirst];
  const mid: PairMotion = { tx: median(steps.map((m) => m.tx)), ty: median(steps.map((m) => m.ty)), s: median(steps.map((m) => m.s)) };
  const shift = STEP_SHIFT_TOLERANCE * short;
  const misfit = (m: PairMotion) => Math.abs(m.s - mid.s) > STEP_ZOOM_TOLERANCE || Math.abs(m.tx - mid.tx) > shift || Math.abs(m.ty - mid.ty) > shift;
  const usual = fromCentred(mid, cx, cy);
  const out: Similarity[] = [toFirst[0]];
  steps.forEach((m, i) => out.push(compose(out[i], misfit(m) ? usual : fromCentred(m, cx, cy))));
  return out;
}

/**
 * Half-width of the window the path is smoothed over, seconds. The pair fits jitter by a few tenths of a
 * pixel (more where the background has little texture: a few stars on black), and every object's
 * trajectory inherits that jitter as kinks that look like impacts (on the bench's clips, a good share of
 * the false alarms under a moving camera). A camera moves smoothly: over a second, its log zoom and the
 * shift of the frame centre follow a quadratic closely (pans and tilts are uniform, a zoom exponential).
 */
const SMOOTH_SECONDS = 1;

/** The path with each frame's map replaced by a local quadratic fit (see SMOOTH_SECONDS) over ±half frames. */
function smoothed(toFirst: readonly Similarity[], cx: number, cy: number, half: number): Similarity[] {
  const series = [
    toFirst.map((s) => Math.log(s.a)),
    toFirst.map((s) => s.bx - cx * (1 - s.a)),
    toFirst.map((s) => s.by - cy * (1 - s.a)),
  ];
  const fitted = series.map((values) => localQuadratic(values, half));
  return fitted[0].map((la, k) => {
    const a = Math.exp(la);
    return { a, bx: fitted[1][k] + cx * (1 - a), by: fitted[2][k] + cy * (1 - a) };
  });
}

/** Each value replaced by the least-squares quadratic through the values within ±half of it, at its place. */
function localQuadratic(values: readonly number[], half: number): number[] {
  const n = values.length;
  return values.map((own, k) => {
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, v0 = 0, v1 = 0, v2 = 0;
    for (let j = Math.max(0, k - half); j <= Math.min(n - 1, k + half); j++) {
      const d = j - k, v = values[j];
      s0 += 1; s1 += d; s2 += d * d; s3 += d * d * d; s4 += d * d * d * d;
      v0 += v; v1 += v * d; v2 += v * d * d;
    }
    // Cramer's rule for the constant term of the normal equations.
    const det = s0 * (s2 * s4 - s3 * s3) - s1 * (s1 * s4 - s3 * s2) + s2 * (s1 * s3 - s2 * s2);
    if (s0 < 3 || Math.abs(det) < 1e-9) return own;
    return (v0 * (s2 * s4 - s3 * s3) - s1 * (v1 * s4 - s3 * v2) + s2 * (v1 * s3 - s2 * v2)) / det;
  });
}
