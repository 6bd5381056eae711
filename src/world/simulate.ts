/**
 * The clip simulator: SceneSpec + ClipFormat + seed → one FrameState per frame and the impacts.
 *
 * The layout (motions.ts) turns each object into a plan. The world then advances at a fixed 240 Hz:
 * path objects follow their function of time, driven objects move until blocked, dynamic objects fall and
 * bounce in the stage box (view.ts: floor, walls and ceiling) and off every other object. Frames are
 * sampled at t = k / fps by interpolating between the two substeps around t, so the motion does not depend
 * on the frame rate. Deterministic in (scene, format, seed).
 */
import { clamp } from '../util/math.ts';
import { Rng } from '../util/random.ts';
import { layoutScene, OBJECT_RESTITUTION, type MotionPlan } from './motions.ts';
import {
  collideCircles,
  containInBox,
  EventLog,
  GRAVITY,
  MIN_IMPACT_SPEED,
  SUBSTEP,
  SUBSTEP_HZ,
  type Body,
} from './physics.ts';
import { clipSeconds, type ClipFormat, type FrameState, type SceneSpec, type WorldEvent } from './spec.ts';
import { cameraAt, stageRect, viewSize, type Rect } from './view.ts';
import { SIZE_RADIUS } from './vocabulary.ts';

export interface Simulation {
  /** One state per frame of the clip. */
  states: FrameState[];
  /** Impacts in time order. */
  events: WorldEvent[];
}

/** One object while the world runs: its body for collisions plus what its plan needs. */
interface Actor {
  plan: MotionPlan;
  body: Body;
  /** Radius at scale 1. */
  baseRadius: number;
  angle: number;
  scale: number;
  /** driven: has hit something and stopped. */
  stopped: boolean;
  /** jump: time of the next take-off, and whether it stood on something this substep. */
  nextJump: number;
  supported: boolean;
}

function makeActor(plan: MotionPlan, baseRadius: number): Actor {
  const start = plan.kind === 'path' ? plan.pose(0) : { x: plan.x, y: plan.y, angle: 0, scale: 1 };
  const moving = plan.kind !== 'path';
  return {
    plan,
    body: {
      x: start.x,
      y: start.y,
      vx: moving ? plan.vx : 0,
      vy: moving ? plan.vy : 0,
      r: baseRadius * start.scale,
      invMass: plan.kind === 'dynamic' ? 1 / (baseRadius * baseRadius) : 0, // mass ∝ area
    },
    baseRadius,
    angle: start.angle,
    scale: start.scale,
    stopped: false,
    nextJump: plan.kind === 'dynamic' && plan.jump ? plan.jump.firstAt : Infinity,
    supported: false,
  };
}

/** Per-object x, y, angle, scale at one substep. [objects, 4] */
type Snapshot = Float64Array;

function snapshot(actors: readonly Actor[], into: Snapshot): void {
  actors.forEach((a, i) => {
    into[i * 4] = a.body.x;
    into[i * 4 + 1] = a.body.y;
    into[i * 4 + 2] = a.angle;
    into[i * 4 + 3] = a.scale;
  });
}

/** Advances every actor by one substep ending at time t. */
function step(actors: readonly Actor[], stage: Rect, t: number, log: EventLog): void {
  // 1. Move: paths follow their function of time; driven objects glide; dynamic ones integrate gravity.
  for (const a of actors) {
    const b = a.body;
    const plan = a.plan;
    if (plan.kind === 'path') {
      const p = plan.pose(t);
      b.vx = (p.x - b.x) / SUBSTEP;
      b.vy = (p.y - b.y) / SUBSTEP;
      b.x = p.x;
      b.y = p.y;
      a.angle = p.angle;
      a.scale = p.scale;
      b.r = a.baseRadius * p.scale;
    } else if (plan.kind === 'driven') {
      if (!a.stopped) {
        b.x += b.vx * SUBSTEP;
        b.y += b.vy * SUBSTEP;
      }
    } else {
      if (plan.jump && a.supported && t >= a.nextJump) b.vy = -plan.jump.speed;
      b.vy += GRAVITY * SUBSTEP;
      b.x += b.vx * SUBSTEP;
      b.y += b.vy * SUBSTEP;
    }
    a.supported = false;
  }

  // 2. Object pairs. Dynamic objects bounce off everything; a driven object stops when it meets another
  //    non-dynamic one; two non-dynamic objects otherwise pass (the layout keeps their paths apart).
  for (let i = 0; i < actors.length; i++) {
    for (let j = i + 1; j < actors.length; j++) collidePair(actors, i, j, t, log);
  }

  // 3. Walls: dynamic objects bounce off the stage; driven ones stop at it.
  actors.forEach((a, i) => {
    const plan = a.plan;
    if (plan.kind === 'dynamic') {
      containInBox(a.body, stage, plan.restitution, (side, speed, x, y) => {
        log.record(side, [i], t, x, y, speed);
        if (side === 'floor' && speed >= MIN_IMPACT_SPEED) land(a, t);
      });
      if (a.body.y + a.body.r >= stage.y1 - 1e-9) a.supported = true;
    } else if (plan.kind === 'driven' && !a.stopped) {
      const { x, y } = a.body;
      containInBox(a.body, stage, 0, (side, speed, ex, ey) => log.record(side, [i], t, ex, ey, speed));
      if (a.body.x !== x || a.body.y !== y) stop(a); // it reached the edge
    }
  });
}

function stop(a: Actor): void {
  a.stopped = true;
  a.body.vx = 0;
  a.body.vy = 0;
}

/** A jumper that comes down on something waits `rest` seconds before the next take-off (resting contact is no landing). */
function land(a: Actor, t: number): void {
  if (a.plan.kind === 'dynamic' && a.plan.jump) a.nextJump = Math.max(a.nextJump, t + a.plan.jump.rest);
}

function collidePair(actors: readonly Actor[], i: number, j: number, t: number, log: EventLog): void {
  const a = actors[i];
  const b = actors[j];
  const dynamic = a.plan.kind === 'dynamic' || b.plan.kind === 'dynamic';
  const driven = (a.plan.kind === 'driven' && !a.stopped) || (b.plan.kind === 'driven' && !b.stopped);
  if (!dynamic && !driven) return;
  if (dynamic) {
    const contact = collideCircles(a.body, b.body, OBJECT_RESTITUTION);
    if (!contact) return;
    // The upper body stands on the lower one (normal a→b pointing down means a is on top).
    const top = contact.ny > 0.7 ? a : contact.ny < -0.7 ? b : undefined;
    if (top) {
      top.supported = true;
      if (contact.speed >= MIN_IMPACT_SPEED) land(top, t);
    }
    recordContact(log, i, j, a.body, t, contact.speed, contact.nx, contact.ny);
    return;
  }
  // Two immovable objects, at least one of them driven and moving: the movers stop where they touch.
  const dx = b.body.x - a.body.x;
  const dy = b.body.y - a.body.y;
  const dist = Math.hypot(dx, dy);
  if (dist >= a.body.r + b.body.r) return;
  const nx = dist > 1e-12 ? dx / dist : 0;
  const ny = dist > 1e-12 ? dy / dist : 1;
  const speed = Math.max(0, (a.body.vx - b.body.vx) * nx + (a.body.vy - b.body.vy) * ny);
  for (const m of [a, b]) {
    if (m.plan.kind === 'driven' && !m.stopped) {
      // Step back to where it was before this substep's move, so the two only just touch.
      m.body.x -= m.body.vx * SUBSTEP;
      m.body.y -= m.body.vy * SUBSTEP;
      stop(m);
    }
  }
  recordContact(log, i, j, a.body, t, speed, nx, ny);
}

function recordContact(log: EventLog, i: number, j: number, a: Body, t: number, speed: number, nx: number, ny: number): void {
  log.record('object', [i, j], t, a.x + nx * a.r, a.y + ny * a.r, speed);
}

/** Runs a scene for the clip's duration and samples one FrameState per frame. */
export function simulate(scene: SceneSpec, format: ClipFormat, seed: number): Simulation {
  const view = viewSize(format.width, format.height);
  const seconds = clipSeconds(format);
  const stage = stageRect(scene.camera, seconds, view);
  const plans = layoutScene(scene.objects, stage, seconds, Rng.derive(seed, 'layout'));
  const actors = plans.map((plan, i) => makeActor(plan, SIZE_RADIUS[scene.objects[i].size]));
  const variant = Rng.derive(seed, 'background').int(1 << 20);
  const log = new EventLog(format.fps, format.frames - 1);

  const frameState = (t: number, snap: Snapshot): FrameState => ({
    background: scene.background,
    camera: cameraAt(scene.camera, t, view),
    objects: scene.objects.map((spec, i) => {
      const scale = snap[i * 4 + 3];
      const radius = actors[i].baseRadius * scale;
      return { ...spec, x: snap[i * 4], y: snap[i * 4 + 1], angle: snap[i * 4 + 2], scale, radius, visible: true };
    }),
    variant,
  });

  let prev: Snapshot = new Float64Array(actors.length * 4);
  let cur: Snapshot = new Float64Array(actors.length * 4);
  snapshot(actors, cur);
  const states: FrameState[] = [frameState(0, cur)];
  // Substep n ends at n / SUBSTEP_HZ; frame k is interpolated between the substeps around k / fps.
  for (let n = 1, k = 1; k < format.frames; n++) {
    [prev, cur] = [cur, prev];
    step(actors, stage, n * SUBSTEP, log);
    snapshot(actors, cur);
    for (; k < format.frames && k / format.fps <= n / SUBSTEP_HZ + 1e-9; k++) {
      const alpha = clamp((k / format.fps) * SUBSTEP_HZ - (n - 1), 0, 1);
      const lerp = new Float64Array(actors.length * 4);
      for (let q = 0; q < lerp.length; q++) lerp[q] = prev[q] + (cur[q] - prev[q]) * alpha;
      states.push(frameState(k / format.fps, lerp));
    }
  }
  // The last substep may end a fraction of a substep after the clip: its impacts belong to no frame.
  return { states, events: log.events.filter((e) => e.time <= seconds + 1e-9) };
}
