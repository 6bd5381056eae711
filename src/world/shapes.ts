/**
 * The eight shapes as signed distance functions in object-local units: the object's radius is 1, y grows
 * downwards (as in images), negative inside. The renderer turns distance into anti-aliased coverage; the
 * game uses the square's box for collisions.
 *
 * Sizes are tuned so every shape covers a similar area inside the unit circle and reads at ~5 px radius.
 * Formulas follow Inigo Quilez's exact 2D distance functions (iquilezles.org/articles/distfunctions2d).
 */
import { clamp, len } from '../util/math.ts';
import type { Shape } from './vocabulary.ts';

/** Signed distance at local point (u, v). */
export type Sdf = (u: number, v: number) => number;

/** Half side of the square: its corners reach 1.16, its area is close to the disc's. */
export const SQUARE_HALF = 0.82;
/** Ring: the band is centred on this radius with this half width (outer edge 1, hole 0.54). */
const RING_MID = 0.77;
const RING_HALF_WIDTH = 0.23;
/** Equilateral triangle with its centroid at the origin: side 2 * TRI_HALF_SIDE, pointing up. */
const TRI_HALF_SIDE = 1.05;
/** Star: outer point radius and the inner-vertex factor (higher = fatter arms). */
const STAR_OUTER = 1.2;
const STAR_FATNESS = 0.5;
/** Diamond half width and half height. */
const DIAMOND_W = 0.85;
const DIAMOND_H = 1.18;
/** Hexagon inradius (flat top and bottom; corners at 1.04). */
const HEX_INRADIUS = 0.9;
/** Heart: scale of Quilez's unit heart (1.1 tall) and the shift that centres it (a little low: the lobes are heavy). */
const HEART_SCALE = 1.6;
const HEART_CENTER = 0.58;

const SQRT3 = Math.sqrt(3);

function circle(u: number, v: number): number {
  return len(u, v) - 1;
}

function square(u: number, v: number): number {
  const qx = Math.abs(u) - SQUARE_HALF;
  const qy = Math.abs(v) - SQUARE_HALF;
  const ox = Math.max(qx, 0);
  const oy = Math.max(qy, 0);
  return Math.sqrt(ox * ox + oy * oy) + Math.min(Math.max(qx, qy), 0);
}

function triangle(u: number, v: number): number {
  const r = TRI_HALF_SIDE;
  let px = Math.abs(u) - r;
  let py = -v + r / SQRT3; // flip to y-up so the apex points to the top of the frame
  if (px + SQRT3 * py > 0) {
    const nx = (px - SQRT3 * py) / 2;
    py = (-SQRT3 * px - py) / 2;
    px = nx;
  }
  px -= clamp(px, -2 * r, 0);
  return -len(px, py) * Math.sign(py);
}

const K1X = 0.809016994375;
const K1Y = -0.587785252292;

function star(u: number, v: number): number {
  let px = Math.abs(u);
  let py = -v; // y-up: one point at the top
  // Fold the plane into one of the ten symmetric sectors.
  let d = 2 * Math.max(K1X * px + K1Y * py, 0);
  px -= d * K1X;
  py -= d * K1Y;
  d = 2 * Math.max(-K1X * px + K1Y * py, 0);
  px -= d * -K1X;
  py -= d * K1Y;
  px = Math.abs(px);
  py -= STAR_OUTER;
  const bax = STAR_FATNESS * -K1Y;
  const bay = STAR_FATNESS * K1X - 1;
  const h = clamp((px * bax + py * bay) / (bax * bax + bay * bay), 0, STAR_OUTER);
  return len(px - bax * h, py - bay * h) * Math.sign(py * bax - px * bay);
}

function ring(u: number, v: number): number {
  return Math.abs(len(u, v) - RING_MID) - RING_HALF_WIDTH;
}

function diamond(u: number, v: number): number {
  const px = Math.abs(u);
  const py = Math.abs(v);
  const bx = DIAMOND_W;
  const by = DIAMOND_H;
  const ndot = (bx - 2 * px) * bx - (by - 2 * py) * by;
  const h = clamp(ndot / (bx * bx + by * by), -1, 1);
  const d = len(px - 0.5 * bx * (1 - h), py - 0.5 * by * (1 + h));
  return d * Math.sign(px * by + py * bx - bx * by);
}

const HEX_KX = -0.866025404;
const HEX_KY = 0.5;
const HEX_KZ = 0.577350269;

function hexagon(u: number, v: number): number {
  let px = Math.abs(u);
  let py = Math.abs(v);
  const d = 2 * Math.min(HEX_KX * px + HEX_KY * py, 0);
  px -= d * HEX_KX;
  py -= d * HEX_KY;
  px -= clamp(px, -HEX_KZ * HEX_INRADIUS, HEX_KZ * HEX_INRADIUS);
  py -= HEX_INRADIUS;
  return len(px, py) * Math.sign(py);
}

function heart(u: number, v: number): number {
  const px = Math.abs(u) / HEART_SCALE;
  const py = -v / HEART_SCALE + HEART_CENTER; // y-up, tip at the bottom
  let d: number;
  if (py + px > 1) {
    d = len(px - 0.25, py - 0.75) - Math.SQRT2 / 4;
  } else {
    const a = px * px + (py - 1) * (py - 1);
    const m = 0.5 * Math.max(px + py, 0);
    const b = (px - m) * (px - m) + (py - m) * (py - m);
    d = Math.sqrt(Math.min(a, b)) * Math.sign(px - py);
  }
  return d * HEART_SCALE;
}

export const SHAPE_SDF: Readonly<Record<Shape, Sdf>> = {
  ball: circle,
  square,
  triangle,
  star,
  ring,
  diamond,
  hexagon,
  heart,
};

/** How far each shape reaches from its centre, in radii: bounds the pixels the renderer has to visit. */
export const SHAPE_EXTENT: Readonly<Record<Shape, number>> = {
  ball: 1,
  square: SQUARE_HALF * Math.SQRT2,
  triangle: (2 * TRI_HALF_SIDE) / SQRT3,
  star: STAR_OUTER,
  ring: RING_MID + RING_HALF_WIDTH,
  diamond: DIAMOND_H,
  hexagon: (2 * HEX_INRADIUS) / SQRT3,
  heart: 1.12,
};
