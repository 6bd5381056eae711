/**
 * Motions and layout: how each motion of the vocabulary moves an object, and where objects start.
 *
 * Every motion becomes one of three plans:
 * - `path`: position, angle and scale are a function of time (static, rotate, grow, shrink, orbit, zigzag);
 *   immovable for collisions.
 * - `driven`: constant velocity until it meets a wall or another non-dynamic object, then it stops
 *   (move-left/right/up/down); immovable for collisions.
 * - `dynamic`: gravity and bounces, integrated by the simulator (bounce, fall, jump).
 *
 * The layout draws each object's plan from the seed and places objects one by one so that starting
 * circles never overlap and, where it can, the swept areas of non-dynamic objects (which pass through
 * each other) do not either. Speeds are world units per second, so a clip looks the same at any fps.
 */
import { clamp } from '../util/math.ts';
import type { Rng } from '../util/random.ts';
import { GRAVITY } from './physics.ts';
import type { ObjectSpec } from './spec.ts';
import type { Rect } from './view.ts';
import { SIZE_RADIUS, type Motion } from './vocabulary.ts';

export interface Pose {
  x: number;
  y: number;
  angle: number;
  scale: number;
}

export interface JumpPlan {
  /** Launch speed (world units/s, upwards). */
  speed: number;
  /** Time of the first jump, and the pause on the floor between landing and the next jump (s). */
  firstAt: number;
  rest: number;
}

export type MotionPlan =
  | { kind: 'path'; pose: (t: number) => Pose }
  | { kind: 'driven'; x: number; y: number; vx: number; vy: number }
  | { kind: 'dynamic'; x: number; y: number; vx: number; vy: number; restitution: number; jump?: JumpPlan };

/** grow / shrink: the scale goes between these at SCALE_RATE per second, then holds. */
export const SCALE_MIN = 0.6;
export const SCALE_MAX = 1.45;
const SCALE_RATE = 0.42;
/** Restitution of bouncing balls, of falling objects (a bounce or two, then rest) and between objects. */
export const BOUNCE_RESTITUTION = 0.85;
export const FALL_RESTITUTION = 0.45;
export const OBJECT_RESTITUTION = 0.8;
/** Objects keep this gap from the stage edges and from each other at the start. */
const MARGIN = 0.012;

interface Placed {
  plan: MotionPlan;
  x: number;
  y: number;
  /** Largest radius over the clip. */
  reach: number;
  /** Box the object may cover during the clip (path and driven only; dynamic objects collide instead). */
  sweep: Rect | null;
}

/** The box of centres that keep a circle of radius r inside the stage (collapsed to the middle if too small). */
function centreBox(stage: Rect, r: number): Rect {
  const m = r + MARGIN;
  const cx = (stage.x0 + stage.x1) / 2;
  const cy = (stage.y0 + stage.y1) / 2;
  return {
    x0: Math.min(stage.x0 + m, cx),
    x1: Math.max(stage.x1 - m, cx),
    y0: Math.min(stage.y0 + m, cy),
    y1: Math.max(stage.y1 - m, cy),
  };
}

function circleBox(x: number, y: number, r: number): Rect {
  return { x0: x - r, y0: y - r, x1: x + r, y1: y + r };
}

/** Triangle wave with period 1: 0 at s = 0, +1 at 1/4, 0 at 1/2, -1 at 3/4. */
function triangleWave(s: number): number {
  return 4 * Math.abs(s + 0.25 - Math.floor(s + 0.75)) - 1;
}

/** Folds p into [a, b] as if it bounced between the ends. */
function reflect(p: number, a: number, b: number): number {
  const span = b - a;
  if (span <= 0) return a;
  const q = (((p - a) % (2 * span)) + 2 * span) % (2 * span);
  return a + (q < span ? q : 2 * span - q);
}

function fixedPose(x: number, y: number, angle = 0, scale = 1): Pose {
  return { x, y, angle, scale };
}

type Planner = (obj: ObjectSpec, stage: Rect, seconds: number, rng: Rng) => Placed;

/** An object that stays where it is; `pose` adds what changes over time. */
function inPlace(scaleAt: (t: number) => number, spin: (rng: Rng) => (t: number) => number, maxScale: number): Planner {
  return (obj, stage, _seconds, rng) => {
    const reach = SIZE_RADIUS[obj.size] * maxScale;
    const box = centreBox(stage, reach);
    const x = rng.uniform(box.x0, box.x1);
    const y = rng.uniform(box.y0, box.y1);
    const angleAt = spin(rng);
    return {
      plan: { kind: 'path', pose: (t) => fixedPose(x, y, angleAt(t), scaleAt(t)) },
      x,
      y,
      reach,
      sweep: circleBox(x, y, reach),
    };
  };
}

const noSpin = () => () => 0;
const unitScale = () => 1;

/** Spin at 0.6–0.9 turns per 2 s: at most 20° per frame at 8 fps, below every shape's symmetry aliasing. */
function spinning(rng: Rng): (t: number) => number {
  const omega = (rng.bool() ? 1 : -1) * rng.uniform(0.6 * Math.PI, 0.9 * Math.PI);
  const angle0 = rng.uniform(0, 2 * Math.PI);
  return (t) => angle0 + omega * t;
}

const growScale = (t: number) => Math.min(SCALE_MIN + SCALE_RATE * t, SCALE_MAX);
const shrinkScale = (t: number) => Math.max(SCALE_MAX - SCALE_RATE * t, SCALE_MIN);

/** move-*: starts in the back 30% of its lane and heads along (dx, dy) at 0.26–0.36 units/s. */
function mover(dx: number, dy: number): Planner {
  return (obj, stage, seconds, rng) => {
    const r = SIZE_RADIUS[obj.size];
    const box = centreBox(stage, r);
    const along = (lo: number, hi: number, dir: number) =>
      dir > 0 ? rng.uniform(lo, lo + 0.3 * (hi - lo)) : dir < 0 ? rng.uniform(hi - 0.3 * (hi - lo), hi) : rng.uniform(lo, hi);
    const x = along(box.x0, box.x1, dx);
    const y = along(box.y0, box.y1, dy);
    const speed = rng.uniform(0.26, 0.36);
    const ex = clamp(x + dx * speed * seconds, box.x0, box.x1);
    const ey = clamp(y + dy * speed * seconds, box.y0, box.y1);
    return {
      plan: { kind: 'driven', x, y, vx: dx * speed, vy: dy * speed },
      x,
      y,
      reach: r,
      sweep: { x0: Math.min(x, ex) - r, y0: Math.min(y, ey) - r, x1: Math.max(x, ex) + r, y1: Math.max(y, ey) + r },
    };
  };
}

const orbit: Planner = (obj, stage, _seconds, rng) => {
  const r = SIZE_RADIUS[obj.size];
  const box = centreBox(stage, r);
  const room = Math.min(box.x1 - box.x0, box.y1 - box.y0) / 2;
  const radius = Math.min(rng.uniform(0.13, 0.22), room);
  const cx = rng.uniform(box.x0 + radius, box.x1 - radius);
  const cy = rng.uniform(box.y0 + radius, box.y1 - radius);
  const omega = (rng.bool() ? 1 : -1) * rng.uniform(0.8 * Math.PI, 1.1 * Math.PI); // about a turn per 2 s
  const phase = rng.uniform(0, 2 * Math.PI);
  const pose = (t: number) => fixedPose(cx + radius * Math.cos(phase + omega * t), cy + radius * Math.sin(phase + omega * t));
  const start = pose(0);
  return { plan: { kind: 'path', pose }, x: start.x, y: start.y, reach: r, sweep: circleBox(cx, cy, radius + r) };
};

/** zigzag: sideways at constant speed (bouncing back off the walls) while going up and down diagonally. */
const zigzag: Planner = (obj, stage, seconds, rng) => {
  const r = SIZE_RADIUS[obj.size];
  const box = centreBox(stage, r);
  const amplitude = Math.min(rng.uniform(0.08, 0.12), (box.y1 - box.y0) / 2);
  const period = rng.uniform(0.6, 0.9);
  const dir = rng.bool() ? 1 : -1;
  const speed = rng.uniform(0.22, 0.32);
  const x0 = dir > 0 ? rng.uniform(box.x0, box.x0 + 0.3 * (box.x1 - box.x0)) : rng.uniform(box.x1 - 0.3 * (box.x1 - box.x0), box.x1);
  const y0 = rng.uniform(box.y0 + amplitude, box.y1 - amplitude);
  const pose = (t: number) =>
    fixedPose(reflect(x0 + dir * speed * t, box.x0, box.x1), y0 + amplitude * triangleWave(t / period));
  const travel = speed * seconds;
  const xa = Math.max(box.x0, dir > 0 ? x0 : x0 - travel);
  const xb = Math.min(box.x1, dir > 0 ? x0 + travel : x0);
  return {
    plan: { kind: 'path', pose },
    x: x0,
    y: y0,
    reach: r,
    sweep: { x0: xa - r, y0: y0 - amplitude - r, x1: xb + r, y1: y0 + amplitude + r },
  };
};

/** bounce: starts in the upper part at a random phase of its bounce, drifting sideways. */
const bounce: Planner = (obj, stage, _seconds, rng) => {
  const r = SIZE_RADIUS[obj.size];
  const box = centreBox(stage, r);
  const h = box.y1 - box.y0;
  const x = rng.uniform(box.x0, box.x1);
  const y = rng.uniform(box.y0 + 0.1 * h, box.y0 + 0.55 * h);
  // An upward start may not carry it through the ceiling: apex height v²/2g stays below the top.
  const vy = Math.max(rng.uniform(-1.2, 0.5), -Math.sqrt(2 * GRAVITY * (y - box.y0)));
  const vx = (rng.bool() ? 1 : -1) * rng.uniform(0.15, 0.4);
  return { plan: { kind: 'dynamic', x, y, vx, vy, restitution: BOUNCE_RESTITUTION }, x, y, reach: r, sweep: null };
};

/** fall: released at rest near the top; lands, bounces once or twice, settles. */
const fall: Planner = (obj, stage, _seconds, rng) => {
  const r = SIZE_RADIUS[obj.size];
  const box = centreBox(stage, r);
  const x = rng.uniform(box.x0, box.x1);
  const y = rng.uniform(box.y0, box.y0 + 0.12 * (box.y1 - box.y0));
  return { plan: { kind: 'dynamic', x, y, vx: 0, vy: 0, restitution: FALL_RESTITUTION }, x, y, reach: r, sweep: null };
};

/** jump: rests on the floor and hops straight up to the same height again and again. */
const jump: Planner = (obj, stage, _seconds, rng) => {
  const r = SIZE_RADIUS[obj.size];
  const box = centreBox(stage, r);
  const x = rng.uniform(box.x0, box.x1);
  const y = stage.y1 - r;
  const height = rng.uniform(0.28, 0.4) * (box.y1 - box.y0);
  const plan: MotionPlan = {
    kind: 'dynamic',
    x,
    y,
    vx: 0,
    vy: 0,
    restitution: 0,
    jump: { speed: Math.sqrt(2 * GRAVITY * height), firstAt: rng.uniform(0.05, 0.35), rest: rng.uniform(0.15, 0.3) },
  };
  return { plan, x, y, reach: r, sweep: null };
};

const PLANNERS: Readonly<Record<Motion, Planner>> = {
  static: inPlace(unitScale, noSpin, 1),
  rotate: inPlace(unitScale, spinning, 1),
  grow: inPlace(growScale, noSpin, SCALE_MAX),
  shrink: inPlace(shrinkScale, noSpin, SCALE_MAX),
  'move-left': mover(-1, 0),
  'move-right': mover(1, 0),
  'move-up': mover(0, -1),
  'move-down': mover(0, 1),
  orbit,
  zigzag,
  bounce,
  fall,
  jump,
};

function overlaps(a: Rect, b: Rect): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/** How bad a candidate is next to the objects already placed: overlapping starts weigh far more than sweeps. */
function penalty(c: Placed, placed: readonly Placed[]): number {
  let p = 0;
  for (const o of placed) {
    const gap = Math.hypot(c.x - o.x, c.y - o.y) - (c.reach + o.reach + MARGIN);
    if (gap < 0) p += 100 * (1 - gap);
    if (c.sweep && o.sweep && overlaps(c.sweep, o.sweep)) p += 1;
  }
  return p;
}

const TRIES_PER_OBJECT = 60;

/** Draws a plan for every object, placed one after another; the first clean candidate wins, else the least bad. */
export function layoutScene(objects: readonly ObjectSpec[], stage: Rect, seconds: number, rng: Rng): MotionPlan[] {
  const placed: Placed[] = [];
  for (const obj of objects) {
    let best: Placed | undefined;
    let bestPenalty = Infinity;
    for (let k = 0; k < TRIES_PER_OBJECT && bestPenalty > 0; k++) {
      const candidate = PLANNERS[obj.motion](obj, stage, seconds, rng);
      const p = penalty(candidate, placed);
      if (p < bestPenalty) {
        best = candidate;
        bestPenalty = p;
      }
    }
    placed.push(best!);
  }
  return placed.map((p) => p.plan);
}
