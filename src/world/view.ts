/**
 * View geometry: how frame pixels map to world units, how each camera move travels over time, and the
 * "stage" (the part of the world every frame of a clip sees), which the simulator uses as its box so that
 * objects never leave the picture.
 *
 * World units (spec.ts): the shorter frame side is 1 at zoom 1; at t = 0 the camera views x in [0, W],
 * y in [0, H] (y down), W and H given by the aspect ratio.
 */
import { clamp } from '../util/math.ts';
import type { CameraState } from './spec.ts';
import type { CameraMove } from './vocabulary.ts';

/** An axis-aligned box in world units. */
export interface Rect {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/** Size of the initial view (zoom 1) in world units. */
export interface ViewSize {
  width: number;
  height: number;
}

export function viewSize(pixelWidth: number, pixelHeight: number): ViewSize {
  const m = Math.min(pixelWidth, pixelHeight);
  return { width: pixelWidth / m, height: pixelHeight / m };
}

/** Pans and tilts travel 0.35 view widths (heights) over 2 s; zoom changes ×1.5 over 2 s. */
export const PAN_RATE = 0.175;
export const ZOOM_PER_SECOND = Math.sqrt(1.5);

/**
 * The camera at time t for a move. Motion is uniform (constant pan speed, constant zoom ratio per second),
 * which reads as smooth and makes the move's speed independent of the clip length.
 */
export function cameraAt(move: CameraMove, t: number, view: ViewSize): CameraState {
  const cx = view.width / 2;
  const cy = view.height / 2;
  const pan = PAN_RATE * t;
  switch (move) {
    case 'static':
      return { cx, cy, zoom: 1 };
    case 'pan-left':
      return { cx: cx - pan * view.width, cy, zoom: 1 };
    case 'pan-right':
      return { cx: cx + pan * view.width, cy, zoom: 1 };
    case 'tilt-up':
      return { cx, cy: cy - pan * view.height, zoom: 1 };
    case 'tilt-down':
      return { cx, cy: cy + pan * view.height, zoom: 1 };
    case 'zoom-in':
      return { cx, cy, zoom: ZOOM_PER_SECOND ** t };
    case 'zoom-out':
      return { cx, cy, zoom: ZOOM_PER_SECOND ** -t };
  }
}

/** The world rectangle a camera sees, for a frame with the initial view's aspect ratio. */
export function visibleRect(camera: CameraState, view: ViewSize): Rect {
  const hw = view.width / 2 / camera.zoom;
  const hh = view.height / 2 / camera.zoom;
  return { x0: camera.cx - hw, y0: camera.cy - hh, x1: camera.cx + hw, y1: camera.cy + hh };
}

export function intersectRects(a: Rect, b: Rect): Rect {
  return { x0: Math.max(a.x0, b.x0), y0: Math.max(a.y0, b.y0), x1: Math.min(a.x1, b.x1), y1: Math.min(a.y1, b.y1) };
}

/** A stage never gets narrower than this share of the initial view (long clips with camera moves). */
const MIN_STAGE_SHARE = 0.6;

/**
 * The box the simulator keeps objects in: the initial view for a still camera, otherwise the part of it
 * that stays visible for the whole clip (every move is monotone, so the two ends bound it). Its bottom is
 * the floor and its sides the walls. For long moves that part gets too small, so it is widened to
 * MIN_STAGE_SHARE of the view around its middle (kept inside the initial view) and objects may leave the
 * picture late in the clip.
 */
export function stageRect(move: CameraMove, seconds: number, view: ViewSize): Rect {
  const first = visibleRect(cameraAt(move, 0, view), view);
  const last = visibleRect(cameraAt(move, seconds, view), view);
  const both = intersectRects(first, last);
  const [x0, x1] = widen(both.x0, both.x1, MIN_STAGE_SHARE * view.width, first.x0, first.x1);
  const [y0, y1] = widen(both.y0, both.y1, MIN_STAGE_SHARE * view.height, first.y0, first.y1);
  return { x0, y0, x1, y1 };
}

/** Widens [lo, hi] (possibly inverted) to at least `span` around its middle, shifted to lie inside [min, max]. */
function widen(lo: number, hi: number, span: number, min: number, max: number): [number, number] {
  if (hi - lo >= span) return [lo, hi];
  const mid = clamp((lo + hi) / 2, min + span / 2, max - span / 2);
  return [mid - span / 2, mid + span / 2];
}
