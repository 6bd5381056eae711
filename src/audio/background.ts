/**
 * The background of every frame, estimated from the clip itself: what each point of the scene looks like
 * most of the time. Keyframes (every half second) hold a per-pixel median of the frames around them
 * (up to two seconds each way), each frame warped into the keyframe's view by the camera path, on a canvas
 * with a margin for what a pan or zoom reveals. A frame's background is its nearest keyframe's canvas
 * warped back into the frame.
 *
 * The median fails where an object stays for more than half the window: it becomes background, and
 * while it is away its place shows a "ghost". A second pass fixes that with what the first learned about
 * the objects (sweep.ts): at points an object swept in some frame, samples where a frame showed a moving
 * object are left out of the median. Points that an object covered in every frame are filled in from the
 * visible points around them.
 */
import { frameAt, type VideoFrames } from '../media/frames.ts';
import { isIdentity, mapBetween, type CameraPath } from './camera.ts';
import type { ObjectSweep } from './sweep.ts';

export interface BackgroundModel {
  readonly width: number;
  readonly height: number;
  /**
   * Writes frame k's background into `out` (RGB floats [height, width, 3]) and 1 into `known` where some
   * frame saw that point (0 where none did: a zoom-out's new border, say).
   */
  frameBackground(k: number, out: Float32Array, known: Uint8Array): void;
  /** The background of the middle keyframe as seen from it (RGB floats [height, width, 3]) and its known mask. */
  readonly middle: { rgb: Float32Array; known: Uint8Array };
}

/** A keyframe's median on a canvas of its view plus a margin on every side. */
interface Keyframe {
  frame: number;
  rgb: Float32Array; // [canvasH, canvasW, 3]
  known: Uint8Array; // [canvasH, canvasW]
}

export interface BackgroundOptions {
  /** The first pass's objects: where they swept and their colours. */
  sweep?: ObjectSweep;
}

/** At most this many frames vote in a median (more costs time and changes little). */
const MAX_REFERENCES = 11;
const WINDOW_SECONDS = 2;
const KEYFRAME_SECONDS = 0.5;
/** Canvas margin, as a share of the larger frame side, when the camera moves. */
const MARGIN_SHARE = 0.2;

export function buildBackground(video: VideoFrames, camera: CameraPath, options: BackgroundOptions = {}): BackgroundModel {
  const { width: w, height: h, count: n } = video;
  const half = Math.max(4, Math.round(WINDOW_SECONDS * video.fps));
  const wholeClip = n <= 2 * half + 1;
  const margin = camera.moving ? Math.ceil(MARGIN_SHARE * Math.max(w, h)) : 0;
  // A still camera with one window for the whole clip needs a single keyframe.
  const spacing = !camera.moving && wholeClip ? n : Math.max(1, Math.round(KEYFRAME_SECONDS * video.fps));
  const keyframes: Keyframe[] = [];
  for (let q = Math.min(Math.floor((n - 1) / 2), spacing >> 1); q < n; q += spacing) {
    const lo = wholeClip ? 0 : Math.max(0, q - half), hi = wholeClip ? n - 1 : Math.min(n - 1, q + half);
    keyframes.push(medianKeyframe(video, camera, q, references(lo, hi, MAX_REFERENCES), margin, options));
  }
  const spaced = keyframes.length > 1 ? spacing : Infinity;
  const first = keyframes[0].frame;
  const middle = keyframes[Math.floor((keyframes.length - 1) / 2)];

  const frameBackground = (k: number, out: Float32Array, known: Uint8Array) => {
    known.fill(0);
    // Nearest keyframe first, then its neighbour on the other side fills what the first never saw.
    const i = Number.isFinite(spaced) ? Math.min(keyframes.length - 1, Math.max(0, Math.round((k - first) / spaced))) : 0;
    const order = [keyframes[i], keyframes[k >= keyframes[i].frame ? i + 1 : i - 1]].filter((kf): kf is Keyframe => kf !== undefined);
    for (const kf of order) warpInto(kf, camera, k, w, h, margin, out, known);
  };

  const mid = { rgb: new Float32Array(w * h * 3), known: new Uint8Array(w * h) };
  warpInto(middle, camera, middle.frame, w, h, margin, mid.rgb, mid.known);
  return { width: w, height: h, frameBackground, middle: mid };
}

/** Up to `most` frames spread evenly over [lo, hi], both ends included. */
function references(lo: number, hi: number, most: number): number[] {
  const span = hi - lo;
  if (span + 1 <= most) return Array.from({ length: span + 1 }, (_, i) => lo + i);
  return Array.from({ length: most }, (_, i) => lo + Math.round((i * span) / (most - 1)));
}

function medianKeyframe(
  video: VideoFrames,
  camera: CameraPath,
  q: number,
  refs: readonly number[],
  margin: number,
  { sweep }: BackgroundOptions,
): Keyframe {
  const { width: w, height: h } = video;
  const cw = w + 2 * margin, ch = h + 2 * margin;
  const pixels = cw * ch;
  const r = refs.length;
  const samples = new Float32Array(pixels * r * 3); // [pixel, sample, rgb]
  const covered = new Uint8Array(pixels * r); // 1 where the sample shows a moving object
  const swept = new Uint8Array(pixels); // 1 where some reference had a first-pass blob
  const count = new Uint8Array(pixels);

  for (const ref of refs) {
    const frame = frameAt(video, ref);
    const mask = sweep?.covered[ref], blobs = sweep?.swept[ref];
    const s = mapBetween(camera, q, ref); // keyframe coordinates → reference frame coordinates
    const direct = margin === 0 && isIdentity(s);
    for (let j = 0; j < ch; j++) {
      const v = s.a * (j - margin) + s.by;
      if (!(v >= 0 && v <= h - 1)) continue;
      for (let i = 0; i < cw; i++) {
        const u = s.a * (i - margin) + s.bx;
        if (!(u >= 0 && u <= w - 1)) continue;
        const p = j * cw + i;
        const slot = p * r + count[p]++;
        if (direct) {
          const o = (j * w + i) * 3;
          samples[slot * 3] = frame[o];
          samples[slot * 3 + 1] = frame[o + 1];
          samples[slot * 3 + 2] = frame[o + 2];
        } else sampleRgb(frame, w, h, u, v, samples, slot * 3);
        if (mask && blobs) {
          const near = Math.round(v) * w + Math.round(u);
          covered[slot] = mask[near];
          swept[p] |= blobs[near];
        }
      }
    }
  }

  const rgb = new Float32Array(pixels * 3);
  const known = new Uint8Array(pixels);
  const chosen = new Int32Array(r);
  const scratch = new Float32Array(r);
  const look = new Float32Array(3);
  const medianOf = (p: number, m: number, into: Float32Array) => {
    for (let c = 0; c < 3; c++) {
      for (let k = 0; k < m; k++) scratch[k] = samples[(p * r + chosen[k]) * 3 + c];
      into[c] = medianInPlace(scratch, m);
    }
  };
  const hidden = new Uint8Array(pixels); // points no reference showed without an object
  for (let p = 0; p < pixels; p++) {
    const c = count[p];
    if (c === 0) continue;
    known[p] = 1;
    let m = 0;
    for (let k = 0; k < c; k++) if (!(swept[p] && covered[p * r + k])) chosen[m++] = k;
    if (m === 0) {
      hidden[p] = 1;
      for (m = 0; m < c; m++) chosen[m] = m;
    }
    medianOf(p, m, look);
    rgb[p * 3] = look[0];
    rgb[p * 3 + 1] = look[1];
    rgb[p * 3 + 2] = look[2];
  }
  fillHidden(rgb, known, hidden, cw, ch);
  return { frame: q, rgb, known };
}

/**
 * Points an object covered in every frame (a jumper that never clears its own resting place) have no
 * sample of what is behind it: they are filled from the nearest visible points left and right in the same
 * row (linearly), or above and below when the row has none. Backgrounds vary slowly along rows (sky
 * gradients, horizons), so that is a fair guess, and far better than the object itself.
 */
function fillHidden(rgb: Float32Array, known: Uint8Array, hidden: Uint8Array, w: number, h: number): void {
  const visible = (p: number) => known[p] === 1 && hidden[p] === 0;
  const fillLine = (count: number, length: number, index: (line: number, i: number) => number, done: Uint8Array) => {
    for (let line = 0; line < count; line++) {
      for (let i = 0; i < length; i++) {
        const p = index(line, i);
        if (!hidden[p] || done[p]) continue;
        let a = i - 1, b = i + 1;
        while (a >= 0 && !visible(index(line, a))) a--;
        while (b < length && !visible(index(line, b))) b++;
        if (a < 0 && b >= length) continue;
        const pa = a >= 0 ? index(line, a) : index(line, b), pb = b < length ? index(line, b) : pa;
        const t = a >= 0 && b < length ? (i - a) / (b - a) : 0;
        for (let c = 0; c < 3; c++) rgb[p * 3 + c] = rgb[pa * 3 + c] + (rgb[pb * 3 + c] - rgb[pa * 3 + c]) * t;
        done[p] = 1;
      }
    }
  };
  const done = new Uint8Array(hidden.length);
  fillLine(h, w, (y, x) => y * w + x, done);
  fillLine(w, h, (x, y) => y * w + x, done);
}

/** Median of the first m values (insertion sort: m is at most MAX_REFERENCES). */
function medianInPlace(a: Float32Array, m: number): number {
  for (let i = 1; i < m; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= 0 && a[j] > v) a[j + 1] = a[j--];
    a[j + 1] = v;
  }
  return m & 1 ? a[m >> 1] : 0.5 * (a[(m >> 1) - 1] + a[m >> 1]);
}

/** Bilinear RGB of a uint8 frame at (u, v), 0 ≤ u ≤ w−1, 0 ≤ v ≤ h−1, into out[o..o+2]. */
function sampleRgb(frame: Uint8Array, w: number, h: number, u: number, v: number, out: Float32Array, o: number): void {
  const x0 = Math.min(Math.floor(u), Math.max(w - 2, 0)), y0 = Math.min(Math.floor(v), Math.max(h - 2, 0));
  const fx = u - x0, fy = v - y0;
  const x1 = Math.min(x0 + 1, w - 1), y1 = Math.min(y0 + 1, h - 1);
  const a = (y0 * w + x0) * 3, b = (y0 * w + x1) * 3, c = (y1 * w + x0) * 3, d = (y1 * w + x1) * 3;
  for (let k = 0; k < 3; k++) {
    const top = frame[a + k] + (frame[b + k] - frame[a + k]) * fx;
    const bottom = frame[c + k] + (frame[d + k] - frame[c + k]) * fx;
    out[o + k] = top + (bottom - top) * fy;
  }
}

/** Fills the still-unknown pixels of frame k from a keyframe canvas (bilinear where all four neighbours are known). */
function warpInto(kf: Keyframe, camera: CameraPath, k: number, w: number, h: number, margin: number, out: Float32Array, known: Uint8Array): void {
  const cw = w + 2 * margin, ch = h + 2 * margin;
  const s = mapBetween(camera, k, kf.frame); // frame-k coordinates → keyframe coordinates
  if (margin === 0 && isIdentity(s)) {
    for (let p = 0; p < w * h; p++) {
      if (known[p] || !kf.known[p]) continue;
      known[p] = 1;
      out[p * 3] = kf.rgb[p * 3];
      out[p * 3 + 1] = kf.rgb[p * 3 + 1];
      out[p * 3 + 2] = kf.rgb[p * 3 + 2];
    }
    return;
  }
  for (let y = 0; y < h; y++) {
    const v = s.a * y + s.by + margin;
    if (!(v >= 0 && v <= ch - 1)) continue;
    const y0 = Math.min(Math.floor(v), ch - 2), fy = v - y0;
    for (let x = 0; x < w; x++) {
      const p = y * w + x;
      if (known[p]) continue;
      const u = s.a * x + s.bx + margin;
      if (!(u >= 0 && u <= cw - 1)) continue;
      const x0 = Math.min(Math.floor(u), cw - 2), fx = u - x0;
      const q00 = y0 * cw + x0, q01 = q00 + 1, q10 = q00 + cw, q11 = q10 + 1;
      if (!(kf.known[q00] && kf.known[q01] && kf.known[q10] && kf.known[q11])) continue;
      known[p] = 1;
      for (let c = 0; c < 3; c++) {
        const top = kf.rgb[q00 * 3 + c] + (kf.rgb[q01 * 3 + c] - kf.rgb[q00 * 3 + c]) * fx;
        const bottom = kf.rgb[q10 * 3 + c] + (kf.rgb[q11 * 3 + c] - kf.rgb[q10 * 3 + c]) * fx;
        out[p * 3 + c] = top + (bottom - top) * fy;
      }
    }
  }
}
