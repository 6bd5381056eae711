/**
 * The small rigid-body physics shared by the clip simulator and the game: circles under gravity in a box,
 * impulse collisions (circle–circle, circle–box) with restitution below 1, and the impact log that becomes
 * WorldEvents. Units are world units and seconds; integration is semi-implicit Euler at a fixed substep,
 * so results do not depend on the frame rate the clip is sampled at.
 */
import { clamp } from '../util/math.ts';
import type { WorldEvent } from './spec.ts';
import type { Rect } from './view.ts';

export const SUBSTEP_HZ = 240;
export const SUBSTEP = 1 / SUBSTEP_HZ;
/** World units / s². The view is 1 unit tall, so a drop across it takes ~0.58 s: lively but readable at 8 fps. */
export const GRAVITY = 6;
/** Slower impacts are resting contact, not events (a body on the floor touches it every substep). */
export const MIN_IMPACT_SPEED = 0.15;
/** A bounce slower than this is cancelled: the body settles instead of micro-bouncing forever. */
export const SETTLE_SPEED = 0.3;

/** A circle with a velocity. invMass 0 makes it immovable: it pushes others and is never pushed. */
export interface Body {
  x: number;
  y: number;
  vx: number;
  vy: number;
  r: number;
  invMass: number;
}

export type Side = 'floor' | 'wall' | 'ceiling';

/** Outgoing speed after an impact at `speed` with restitution e; slow bounces settle to 0. */
function reboundSpeed(speed: number, e: number): number {
  const out = speed * e;
  return out < SETTLE_SPEED ? 0 : out;
}

/**
 * Keeps a body inside `box`, reflecting the velocity component into every side it touches, then reports
 * each impact (with its normal speed) through onImpact, which may still change the rebound. Positions are
 * clamped, so bodies never leave the box.
 */
export function containInBox(
  b: Body,
  box: Rect,
  restitution: number,
  onImpact: (side: Side, speed: number, x: number, y: number) => void,
): void {
  if (b.y + b.r > box.y1) {
    b.y = box.y1 - b.r;
    const speed = b.vy;
    if (speed > 0) {
      b.vy = -reboundSpeed(speed, restitution);
      onImpact('floor', speed, b.x, box.y1);
    }
  } else if (b.y - b.r < box.y0) {
    b.y = box.y0 + b.r;
    const speed = -b.vy;
    if (speed > 0) {
      b.vy = reboundSpeed(speed, restitution);
      onImpact('ceiling', speed, b.x, box.y0);
    }
  }
  if (b.x - b.r < box.x0) {
    b.x = box.x0 + b.r;
    const speed = -b.vx;
    if (speed > 0) {
      b.vx = reboundSpeed(speed, restitution);
      onImpact('wall', speed, box.x0, b.y);
    }
  } else if (b.x + b.r > box.x1) {
    b.x = box.x1 - b.r;
    const speed = b.vx;
    if (speed > 0) {
      b.vx = -reboundSpeed(speed, restitution);
      onImpact('wall', speed, box.x1, b.y);
    }
  }
}

/** The outcome of a contact: approach speed along the normal (0 if separating), normal from a to b. */
export interface Contact {
  speed: number;
  nx: number;
  ny: number;
}

/**
 * Separates two overlapping bodies in proportion to their inverse masses and exchanges an impulse with
 * restitution e (0 for slow approaches, so stacks rest). Returns null when they do not touch.
 */
export function collideCircles(a: Body, b: Body, e: number): Contact | null {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const dist = Math.hypot(dx, dy);
  const overlap = a.r + b.r - dist;
  const w = a.invMass + b.invMass;
  if (overlap <= 0 || w === 0) return null;
  // Coincident centres: push apart vertically (any fixed direction keeps it deterministic).
  const nx = dist > 1e-12 ? dx / dist : 0;
  const ny = dist > 1e-12 ? dy / dist : 1;
  return resolve(a, b, nx, ny, overlap, e);
}

/**
 * Circle `a` against the axis-aligned box `box` of body `b` (b supplies the box's velocity and mass).
 * Returns null when they do not touch; the normal points from the circle into the box.
 */
export function collideCircleBox(a: Body, box: Rect, b: Body, e: number): Contact | null {
  if (a.invMass + b.invMass === 0) return null;
  const qx = clamp(a.x, box.x0, box.x1);
  const qy = clamp(a.y, box.y0, box.y1);
  let nx = qx - a.x;
  let ny = qy - a.y;
  let dist = Math.hypot(nx, ny);
  let overlap: number;
  if (dist > 1e-12) {
    overlap = a.r - dist;
    if (overlap <= 0) return null;
    nx /= dist;
    ny /= dist;
  } else {
    // Centre inside the box: leave through the nearest face.
    const faces = [a.x - box.x0, box.x1 - a.x, a.y - box.y0, box.y1 - a.y];
    const k = faces.indexOf(Math.min(...faces));
    nx = k === 0 ? 1 : k === 1 ? -1 : 0;
    ny = k === 2 ? 1 : k === 3 ? -1 : 0;
    dist = faces[k];
    overlap = a.r + dist;
  }
  return resolve(a, b, nx, ny, overlap, e);
}

function resolve(a: Body, b: Body, nx: number, ny: number, overlap: number, e: number): Contact {
  const w = a.invMass + b.invMass;
  a.x -= nx * overlap * (a.invMass / w);
  a.y -= ny * overlap * (a.invMass / w);
  b.x += nx * overlap * (b.invMass / w);
  b.y += ny * overlap * (b.invMass / w);
  const vn = (b.vx - a.vx) * nx + (b.vy - a.vy) * ny; // < 0: approaching
  if (vn >= 0) return { speed: 0, nx, ny };
  const restitution = -vn < SETTLE_SPEED ? 0 : e;
  const j = (-(1 + restitution) * vn) / w;
  a.vx -= j * a.invMass * nx;
  a.vy -= j * a.invMass * ny;
  b.vx += j * b.invMass * nx;
  b.vy += j * b.invMass * ny;
  return { speed: -vn, nx, ny };
}

/** Collects impacts as WorldEvents, dropping resting contacts and stamping the nearest frame. */
export class EventLog {
  readonly events: WorldEvent[] = [];

  constructor(
    private readonly fps: number,
    private readonly lastFrame: number,
  ) {}

  record(kind: WorldEvent['kind'], objects: number[], time: number, x: number, y: number, strength: number): void {
    if (strength < MIN_IMPACT_SPEED) return;
    const frame = clamp(Math.round(time * this.fps), 0, this.lastFrame);
    this.events.push({ frame, time, kind, objects, x, y, strength });
  }
}
