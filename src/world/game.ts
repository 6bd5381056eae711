/**
 * The Shapes World game: the action-conditioned world the world model learns to simulate.
 *
 * A side-scroller four views wide: the agent (a rolling striped ball by default) walks, jumps and ducks
 * on a floor under gravity, among square obstacles and a floating platform it can stand on, bouncing balls
 * it can knock about, and one large landmark per view in the sky that leaves the picture and comes back
 * when the agent returns (what memory is tested on). The camera follows the agent horizontally.
 * Promptable events (`spawn`, `setBackground`, `wind`) change the world mid-episode.
 *
 * The world is laid out from the seed; `reset` rebuilds the same world. One `step` advances 1/fps seconds
 * in 240 Hz substeps (physics.ts), so behaviour does not depend on fps beyond action timing.
 * `recordEpisode` plays a whole episode from a seed for the dataset writer.
 */
import { invalidArgument } from '../errors.ts';
import { clamp } from '../util/math.ts';
import { Rng } from '../util/random.ts';
import type { Action } from './actions.ts';
import { isReadable } from './contrast.ts';
import { FALL_RESTITUTION } from './motions.ts';
import {
  collideCircleBox,
  collideCircles,
  containInBox,
  EventLog,
  GRAVITY,
  SUBSTEP,
  SUBSTEP_HZ,
  type Body,
} from './physics.ts';
import { playEpisode, type Episode, type EventSource } from './episode.ts';
import { randomGameEvent, type WindDirection } from './game-events.ts';
import { mixedPolicy, randomPolicy, scriptedPolicy, type Policy } from './policies.ts';
import { renderFrame } from './render.ts';
import { SQUARE_HALF } from './shapes.ts';
import type { ClipFormat, FrameState, ObjectSpec, WorldEvent } from './spec.ts';
import { viewSize, type Rect, type ViewSize } from './view.ts';
import { BACKGROUNDS, COLORS, SIZE_RADIUS, type Background, type Color, type Shape } from './vocabulary.ts';

export { ACTIONS, type Action } from './actions.ts';

export interface GameOptions {
  seed: number;
  /** Frame size in pixels (also fixes the view's aspect ratio). */
  width: number;
  height: number;
  /** Steps per second (default 8, the clips' rate). */
  fps?: number;
  background?: Background;
  /** World width in views (default 4). */
  views?: number;
  /** The agent's look (default: a striped ball of a seeded colour). */
  agent?: Partial<Pick<ObjectSpec, 'shape' | 'color' | 'texture' | 'size'>>;
  /** Bouncing balls in the world (default 2). */
  balls?: number;
  /** Hidden slots that `spawn` fills; fixed so every frame has the same number of objects (default 2). */
  spawnSlots?: number;
}

/** Walking speed (world units/s), how fast it is reached, jump apex height, and gravity multiplier for "down" in the air. */
const WALK_SPEED = 0.6;
const WALK_ACCEL = 8;
const JUMP_HEIGHT = 0.42;
const FAST_FALL = 3;
/** Height of the platform's centre above the floor: the agent passes under it and can jump onto it. */
const PLATFORM_HEIGHT = 0.34;
/** Ducking squashes the agent to this scale. */
const DUCK_SCALE = 0.72;
/** Starting x of the agent (world units from the left end). */
const AGENT_START = 0.3;
/** Balls never travel sideways faster than this (world units/s). */
const MAX_BALL_SPEED = 1.2;
/** The agent is this much heavier than a ball of its size: balls bounce off it, it hardly notices. */
const AGENT_MASS = 10;

type Role = 'landmark' | 'obstacle' | 'ball' | 'spawn' | 'agent';

/** One object of the game world. */
interface Thing {
  spec: ObjectSpec;
  role: Role;
  body: Body;
  visible: boolean;
  angle: number;
  scale: number;
  /** Balls: upward speed after every floor bounce, which returns them to the same apex forever. */
  launch: number;
  /** Spawned falling objects: restitution on the floor (they settle). */
  restitution: number;
}

/** What policies may look at. */
export interface GameObservation {
  agent: { x: number; y: number; vx: number; vy: number; radius: number; grounded: boolean };
  worldWidth: number;
  /** Obstacle and platform boxes, world units. */
  solids: readonly Rect[];
}

export interface StepResult {
  state: FrameState;
  /** Impacts during this step; `frame` is the step's resulting frame index. */
  events: WorldEvent[];
}

export class Game {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly view: ViewSize;
  readonly worldWidth: number;
  private readonly options: GameOptions;
  private things: Thing[] = [];
  private background: Background;
  private windAccel = 0;
  private frame = 0;
  private grounded = false;
  private rng: Rng;
  /** Spawn slots in the order they were filled: when all are in use, the oldest is reused. */
  private spawned: number[] = [];

  constructor(options: GameOptions) {
    this.options = options;
    this.width = options.width;
    this.height = options.height;
    this.fps = options.fps ?? 8;
    // Whole substeps per frame keep frame times exact.
    if (!Number.isInteger(SUBSTEP_HZ / this.fps)) throw invalidArgument('fps', `game fps must divide ${SUBSTEP_HZ}, got ${this.fps}`);
    this.view = viewSize(options.width, options.height);
    this.worldWidth = (options.views ?? 4) * this.view.width;
    this.background = options.background ?? 'grass';
    this.rng = new Rng(options.seed);
    this.reset();
  }

  /** Index of the agent in FrameState.objects (it is drawn last, over everything). */
  get agentIndex(): number {
    return this.things.length - 1;
  }

  private get agent(): Thing {
    return this.things[this.things.length - 1];
  }

  private get floor(): number {
    return this.view.height;
  }

  /** Rebuilds the seeded world and puts the agent at the start. */
  reset(): FrameState {
    this.rng = new Rng(this.options.seed);
    this.background = this.options.background ?? 'grass';
    this.windAccel = 0;
    this.frame = 0;
    this.spawned = [];
    this.things = buildWorld(this.rng, this.options, this.view, this.worldWidth, this.background);
    this.grounded = true;
    return this.state();
  }

  state(): FrameState {
    const cx = clamp(this.agent.body.x, this.view.width / 2, this.worldWidth - this.view.width / 2);
    return {
      background: this.background,
      camera: { cx, cy: this.view.height / 2, zoom: 1 },
      objects: this.things.map((t) => ({
        ...t.spec,
        x: t.body.x,
        y: t.body.y,
        angle: t.angle,
        scale: t.scale,
        radius: t.body.r,
        visible: t.visible,
      })),
      variant: this.options.seed & 0xfffff,
    };
  }

  observation(): GameObservation {
    const b = this.agent.body;
    return {
      agent: { x: b.x, y: b.y, vx: b.vx, vy: b.vy, radius: b.r, grounded: this.grounded },
      worldWidth: this.worldWidth,
      solids: this.things.filter((t) => t.role === 'obstacle').map(boxOf),
    };
  }

  /** Advances one frame under `action`. */
  step(action: Action): StepResult {
    const substeps = SUBSTEP_HZ / this.fps;
    const log = new EventLog(this.fps, Number.MAX_SAFE_INTEGER);
    const t0 = this.frame / this.fps;
    for (let s = 1; s <= substeps; s++) this.substep(action, t0 + s * SUBSTEP, log);
    this.frame++;
    // Events belong to the frame that first shows their outcome.
    const events = log.events.map((e) => ({ ...e, frame: this.frame }));
    return { state: this.state(), events };
  }

  render(out?: Uint8Array): Uint8Array {
    return renderFrame(this.state(), this.width, this.height, out);
  }

  /**
   * Drops an object into view from the top (motion 'fall' settles, 'bounce' keeps bouncing); it fills the
   * next hidden slot, or when every slot is in use takes the one spawned longest ago (a player may fire
   * events without end). Returns its index in FrameState.objects.
   */
  spawn(spec: Partial<ObjectSpec> & { x?: number }): number {
    let slot = this.things.findIndex((t) => t.role === 'spawn' && !t.visible);
    if (slot < 0) slot = this.spawned.shift() ?? -1;
    if (slot < 0) throw new Error('Game.spawn: this game has no spawn slots');
    this.spawned.push(slot);
    const thing = this.things[slot];
    const size = spec.size ?? 'medium';
    const r = SIZE_RADIUS[size];
    const cx = this.state().camera.cx;
    const x = spec.x ?? cx + this.rng.uniform(-0.3, 0.3) * this.view.width;
    const motion = spec.motion === 'bounce' ? 'bounce' : 'fall';
    thing.spec = {
      shape: spec.shape ?? 'ball',
      color: spec.color ?? this.rng.pick(COLORS.filter((c) => isReadable(c, this.background))),
      size,
      texture: spec.texture ?? 'plain',
      motion,
    };
    thing.body = { x: clamp(x, r, this.worldWidth - r), y: r + 0.01, vx: 0, vy: 0, r, invMass: 1 / (r * r) };
    thing.visible = true;
    thing.launch = motion === 'bounce' ? Math.sqrt(2 * GRAVITY * (this.floor - 2 * r - 0.01)) : 0;
    thing.restitution = FALL_RESTITUTION;
    return slot;
  }

  setBackground(background: Background): void {
    this.background = background;
  }

  /** The current wind (world units/s², positive = rightwards). */
  get windAcceleration(): number {
    return this.windAccel;
  }

  /** A steady horizontal push on everything that moves (world units/s², positive = rightwards); 0 stops it. */
  wind(accel: number): void {
    this.windAccel = accel;
  }

  private substep(action: Action, t: number, log: EventLog): void {
    const agent = this.agent;
    const a = agent.body;
    // 1. Agent control: walk toward the target speed (on the ground, no input brakes; in the air the
    //    agent keeps its momentum, so a jump while running carries it forward), jump, duck or fall fast.
    const steer = action === 'left' ? -1 : action === 'right' ? 1 : 0;
    if (steer !== 0 || this.grounded) {
      const dv = steer * WALK_SPEED - a.vx;
      a.vx += Math.sign(dv) * Math.min(Math.abs(dv), WALK_ACCEL * SUBSTEP);
    }
    if (action === 'up' && this.grounded) a.vy = -Math.sqrt(2 * GRAVITY * JUMP_HEIGHT);
    const ducking = action === 'down' && this.grounded;
    agent.scale = ducking ? DUCK_SCALE : 1;
    const r = SIZE_RADIUS[agent.spec.size] * agent.scale;
    if (this.grounded) a.y += a.r - r; // squash and stretch about the feet, not the centre
    a.r = r;
    const gravity = action === 'down' && !this.grounded ? FAST_FALL * GRAVITY : GRAVITY;

    // 2. Integrate everything that moves.
    for (const thing of this.things) {
      if (!thing.visible || thing.role === 'landmark' || thing.role === 'obstacle') continue;
      const b = thing.body;
      b.vx += this.windAccel * SUBSTEP;
      // Kicks from the agent and wind add sideways speed that elastic bounces never take away: cap it.
      if (thing !== agent) b.vx = clamp(b.vx, -MAX_BALL_SPEED, MAX_BALL_SPEED);
      b.vy += (thing === agent ? gravity : GRAVITY) * SUBSTEP;
      b.x += b.vx * SUBSTEP;
      b.y += b.vy * SUBSTEP;
    }
    // A ball rolls: its angle follows the distance travelled.
    if (agent.spec.shape === 'ball') agent.angle += (a.vx * SUBSTEP) / a.r;

    // 3. Contacts. The agent stops against solids and stands on them; balls bounce off solids, the
    //    (much heavier) agent and each other.
    this.grounded = false;
    const movers = this.things.map((th, i) => ({ th, i })).filter(({ th }) => th.visible && (th.role === 'ball' || th.role === 'spawn'));
    const agentIndex = this.agentIndex;
    this.things.forEach((solid, si) => {
      if (solid.role !== 'obstacle') return;
      const box = boxOf(solid);
      const c = collideCircleBox(a, box, solid.body, 0);
      if (c) {
        if (c.ny > 0.7) this.grounded = true;
        log.record('object', [agentIndex, si], t, a.x + c.nx * a.r, a.y + c.ny * a.r, c.speed);
      }
      for (const { th, i } of movers) {
        const m = collideCircleBox(th.body, box, solid.body, 1);
        if (m) log.record('object', [i, si], t, th.body.x + m.nx * th.body.r, th.body.y + m.ny * th.body.r, m.speed);
      }
    });
    for (let p = 0; p < movers.length; p++) {
      const { th, i } = movers[p];
      const c = collideCircles(a, th.body, 1);
      if (c) log.record('object', [agentIndex, i], t, a.x + c.nx * a.r, a.y + c.ny * a.r, c.speed);
      for (let q = p + 1; q < movers.length; q++) {
        const o = movers[q];
        const d = collideCircles(th.body, o.th.body, 1);
        if (d) log.record('object', [i, o.i], t, th.body.x + d.nx * th.body.r, th.body.y + d.ny * th.body.r, d.speed);
      }
    }

    // 4. World bounds: floor, the two ends, and the top of the view.
    const bounds: Rect = { x0: 0, y0: 0, x1: this.worldWidth, y1: this.floor };
    containInBox(a, bounds, 0, (side, speed, x, y) => log.record(side, [agentIndex], t, x, y, speed));
    if (a.y + a.r >= this.floor - 1e-9) this.grounded = true;
    for (const { th, i } of movers) {
      containInBox(th.body, bounds, th.role === 'ball' || th.spec.motion === 'bounce' ? 1 : th.restitution, (side, speed, x, y) => {
        // Perpetual bouncers leave the floor at their launch speed, so their apex never changes.
        if (side === 'floor' && th.launch > 0) th.body.vy = -th.launch;
        log.record(side, [i], t, x, y, speed);
      });
    }
  }
}

function boxOf(t: Thing): Rect {
  const h = SQUARE_HALF * t.body.r;
  return { x0: t.body.x - h, y0: t.body.y - h, x1: t.body.x + h, y1: t.body.y + h };
}

/** Landmarks and obstacles never move. */
const MASSIVE: ReadonlySet<Role> = new Set<Role>(['landmark', 'obstacle']);

function thing(role: Role, spec: ObjectSpec, x: number, y: number, visible = true): Thing {
  const r = SIZE_RADIUS[spec.size];
  return {
    spec,
    role,
    body: { x, y, vx: 0, vy: 0, r, invMass: MASSIVE.has(role) ? 0 : 1 / (r * r * (role === 'agent' ? AGENT_MASS : 1)) },
    visible,
    angle: 0,
    scale: 1,
    launch: 0,
    restitution: 0,
  };
}

const LANDMARK_SHAPES: readonly Shape[] = ['star', 'hexagon', 'diamond', 'heart', 'triangle', 'ring'];

/** Lays the world out from the seed, in drawing order: landmarks, solids, balls, spawn slots, agent. */
function buildWorld(rng: Rng, options: GameOptions, view: ViewSize, worldWidth: number, background: Background): Thing[] {
  const views = Math.round(worldWidth / view.width);
  const floor = view.height;
  const readable = COLORS.filter((c) => isReadable(c, background));
  const colors = rng.shuffle([...readable]);
  const nextColor = (k: number): Color => colors[k % colors.length];
  const things: Thing[] = [];

  // Landmarks: one large shape per view, high in the sky, never solid.
  const shapes = rng.shuffle([...LANDMARK_SHAPES]);
  for (let v = 0; v < views; v++) {
    const spec: ObjectSpec = { shape: shapes[v % shapes.length], color: nextColor(v), size: 'large', texture: 'plain', motion: 'static' };
    things.push(thing('landmark', spec, (v + rng.uniform(0.3, 0.7)) * view.width, rng.uniform(0.18, 0.28) * view.height));
  }

  // A platform of three small blocks the agent can jump onto, in the second view, and crates on the
  // floor: one or two per view after the first, apart from each other and from the platform so the
  // agent can always land between them and jump clear of them.
  const blockHalf = SQUARE_HALF * SIZE_RADIUS.small;
  const platformX = (1 + rng.uniform(0.25, 0.75)) * view.width;
  const crateXs: number[] = [];
  for (let v = 1; v < views; v++) {
    const n = 1 + rng.int(2);
    for (let k = 0; k < n; k++) {
      const x = (v + rng.uniform(0.15, 0.85)) * view.width;
      if ([platformX, ...crateXs].every((o) => Math.abs(o - x) > 0.45)) crateXs.push(x);
    }
  }
  crateXs.forEach((x, k) => {
    const size = rng.bool() ? 'small' : 'medium';
    const spec: ObjectSpec = { shape: 'square', color: nextColor(views + k), size, texture: 'checkered', motion: 'static' };
    things.push(thing('obstacle', spec, x, floor - SQUARE_HALF * SIZE_RADIUS[size]));
  });
  const platformColor = nextColor(views + crateXs.length);
  for (let k = -1; k <= 1; k++) {
    const spec: ObjectSpec = { shape: 'square', color: platformColor, size: 'small', texture: 'striped', motion: 'static' };
    things.push(thing('obstacle', spec, platformX + 2 * blockHalf * k, floor - PLATFORM_HEIGHT));
  }

  // Balls that bounce forever to a fixed apex, drifting sideways.
  for (let k = 0; k < (options.balls ?? 2); k++) {
    const size = rng.bool() ? 'small' : 'medium';
    const spec: ObjectSpec = { shape: 'ball', color: nextColor(2 * views + k), size, texture: 'plain', motion: 'bounce' };
    const r = SIZE_RADIUS[size];
    const ball = thing('ball', spec, rng.uniform(AGENT_START + 0.6, worldWidth - r), rng.uniform(0.3, 0.55) * floor);
    ball.body.vx = (rng.bool() ? 1 : -1) * rng.uniform(0.1, 0.3);
    ball.launch = Math.sqrt(2 * GRAVITY * (floor - r - ball.body.y));
    things.push(ball);
  }

  for (let k = 0; k < (options.spawnSlots ?? 2); k++) {
    things.push(thing('spawn', { shape: 'ball', color: 'white', size: 'small', texture: 'plain', motion: 'fall' }, 0, 0, false));
  }

  const agentSpec: ObjectSpec = {
    shape: options.agent?.shape ?? 'ball',
    color: options.agent?.color ?? rng.pick(readable),
    size: options.agent?.size ?? 'medium',
    texture: options.agent?.texture ?? 'striped',
    motion: 'static',
  };
  things.push(thing('agent', agentSpec, AGENT_START, floor - SIZE_RADIUS[agentSpec.size]));
  return things;
}

export interface EpisodeOptions {
  seed: number;
  /** Frame size, fps and length (format.frames frames, so format.frames - 1 actions). */
  format: ClipFormat;
  /** Default: drawn from the seed, mixed 50%, random 25%, scripted 25%. */
  policy?: Policy['name'];
  /** Default: drawn from the seed. */
  background?: Background;
  /** Chance per step that a random promptable event fires (spawn, background, wind); default 0. */
  eventRate?: number;
}

/** One episode from a seed alone: the world, the policy and its choices all derive from it. */
export function recordEpisode(options: EpisodeOptions): Episode {
  const { seed, format } = options;
  const rng = Rng.derive(seed, 'policy');
  const name = options.policy ?? rng.weighted(['mixed', 'random', 'scripted'] as const, [0.5, 0.25, 0.25]);
  const policy = name === 'mixed' ? mixedPolicy(rng) : name === 'random' ? randomPolicy(rng) : scriptedPolicy(rng);
  // Drawn from its own stream so the policy's choices stay those of the seed.
  const background = options.background ?? Rng.derive(seed, 'background').pick(BACKGROUNDS);
  const game = new Game({ seed, width: format.width, height: format.height, fps: format.fps, background });
  return playEpisode(game, policy, format.frames - 1, options.eventRate ? randomEvents(seed, options.eventRate) : undefined);
}

/** Fires random events at `rate` per step from their own stream, so events do not change the policy's choices. */
function randomEvents(seed: number, rate: number): EventSource {
  const rng = Rng.derive(seed, 'events');
  return (game) => {
    if (!rng.bool(rate)) return null;
    const wind = game.windAcceleration;
    const direction: WindDirection = wind < 0 ? 'left' : wind > 0 ? 'right' : 'calm';
    return randomGameEvent(rng, game.state().background, direction);
  };
}
