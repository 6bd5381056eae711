/**
 * The world model's stepper: plays a generated world one frame at a time. Pure TypeScript with no Node
 * imports, so the studio bundles the same core for the browser; the network arrives as an injected
 * `Denoise` (an ONNX session in Node, onnxruntime-web in the studio, a stub in tests).
 *
 * Contract: docs/FORMATS.md, "World model". Each step:
 *   1. context = the last K frames (oldest first), noised to level `contextSigma` as x = (1 − s)·frame + s·noise
 *      (the model was trained on noisy context, which keeps its own errors from compounding);
 *   2. memory = the frames at the manifest's offsets before the newest context frame, oldest first (what
 *      lets a landmark that left the view come back the same); `anchor` = the play's first start frame (as the
 *      first frame of a training episode), which a model with `anchor: true` reads however long the play runs;
 *   3. rectified-flow sampling from pure noise over sigmas linspace(1, 0, steps + 1);
 *   4. the result is quantised to uint8 before it enters the history, as a real frame would be.
 *
 * Frames are uint8 RGB in [row, column, channel] order (VideoFrames' layout); the graph sees float
 * [channel, row, column] in [-1, 1]. All randomness comes from one seeded Rng, so a seed, a start and a
 * list of actions reproduce a run exactly.
 *
 * @example
 *   const stepper = new WorldStepper(manifest, denoise, { seed: 7 });
 *   stepper.reset(game.render());
 *   const frame = await stepper.step('right'); // Uint8Array, 64·64·3
 */
import { CinesimError, ERRORS, invalidArgument } from '../../errors.ts';
import { Rng } from '../../util/random.ts';
import { encodeGameEvent, type GameEvent } from '../../world/game-events.ts';

/** What the stepper needs from a world manifest (a `WorldManifest` fits it). */
export interface WorldSpec {
  readonly frame: { readonly width: number; readonly height: number; readonly fps: number };
  /** K: recent frames the model sees. */
  readonly context: number;
  /** Offsets in frames before the newest context frame; may be empty. */
  readonly memory: readonly number[];
  /** The graph reads the play's start frame (input `anchor`). */
  readonly anchor?: boolean;
  /** Action names in id order. */
  readonly actions: readonly string[];
  readonly sampling: { readonly steps: number; readonly contextSigma: number };
}

/** The graph's inputs as plain arrays; shapes for B = `batch`, K = context, M = memory.length. */
export interface WorldFeeds {
  /** [B, 3, H, W] */
  readonly noisy: Float32Array;
  /** [B] */
  readonly sigma: Float32Array;
  /** [B, 3·K, H, W] */
  readonly context: Float32Array;
  /** [B] */
  readonly contextSigma: Float32Array;
  /** [B, K]: actions[:, K − 1] leads from the newest context frame to the predicted one. */
  readonly actions: BigInt64Array;
  /** [B, 3]: encodeGameEvent of the event fired at this step, zeros when none. */
  readonly event: BigInt64Array;
  /** [B, 3·M, H, W] */
  readonly memory: Float32Array;
  /** [B, 3, H, W]: each world's start frame, clean (fed only to graphs that take it). */
  readonly anchor: Float32Array;
  readonly batch: number;
}

/** The network: the clean next-frame estimate [B, 3, H, W] in [-1, 1]. */
export type Denoise = (feeds: WorldFeeds) => Promise<Float32Array>;

/** An event as the model reads it: [kind, arg1, arg2] (src/world/game-events.ts `encodeGameEvent`). */
export type EventCode = readonly [number, number, number];

/** What a step may fire: a parsed event (`parseGameEvent`), its code, or nothing. */
export type StepEvent = GameEvent | EventCode | null;

export const NO_EVENT: EventCode = [0, 0, 0];

export interface StepperOptions {
  /** Seed of all noise (initial noise and context noise). Default 0. */
  readonly seed?: number;
  /** Sampling steps; default the manifest's. */
  readonly steps?: number;
  /** Context noise level; default the manifest's. */
  readonly contextSigma?: number;
  /** Worlds played side by side in one graph call (evaluation); default 1. */
  readonly batch?: number;
}

/** How a play starts: one frame, or several (oldest first) with the actions that led between them. */
export interface WorldStart {
  /** uint8 RGB frames of the model's size, oldest first. */
  readonly frames: readonly Uint8Array[];
  /** actions[i] led from frames[i] to frames[i + 1]; default 'none'. */
  readonly actions?: readonly string[];
  /** The play's first frame, when `frames` are cut from a longer play (input `anchor`); default frames[0]. */
  readonly anchor?: Uint8Array;
}

export class WorldStepper {
  readonly spec: WorldSpec;
  readonly batch: number;
  readonly steps: number;
  readonly contextSigma: number;
  /** Flow-matching noise levels, 1 → 0. */
  readonly sigmas: Float32Array;
  /** Frames played since the last reset (the start frames excluded). */
  private played = 0;
  private readonly denoise: Denoise;
  private readonly frameSize: number; // H·W·3
  /** Ring of past frames per world: the newest at `head`; long enough for the context and the furthest memory. */
  private readonly ring: Uint8Array[][];
  /** The same frames as the graph reads them, float [3, H, W] in [-1, 1]: clean (memory) and noised (context). */
  private readonly planes: Float32Array[][];
  private readonly noised: Float32Array[][];
  /** ringActions[w][i]: the action id that led to ring[w][i]. */
  private readonly ringActions: Int32Array[];
  /** Each world's start frame as the graph reads it. */
  private readonly anchors: Float32Array[];
  /** The manifest's memory offsets in input order: oldest (largest) first. */
  private readonly memoryOffsets: readonly number[];
  private head = 0;
  private started = false;
  private rng: Rng;

  constructor(spec: WorldSpec, denoise: Denoise, options: StepperOptions = {}) {
    checkSpec(spec);
    this.spec = spec;
    this.denoise = denoise;
    this.batch = positiveInt(options.batch ?? 1, 'batch');
    this.steps = positiveInt(options.steps ?? spec.sampling.steps, 'steps');
    this.contextSigma = options.contextSigma ?? spec.sampling.contextSigma;
    if (!(this.contextSigma >= 0 && this.contextSigma < 1)) {
      throw invalidArgument('contextSigma', `context noise must be in [0, 1), got ${this.contextSigma}`);
    }
    this.sigmas = Float32Array.from({ length: this.steps + 1 }, (_, i) => 1 - i / this.steps);
    this.frameSize = spec.frame.width * spec.frame.height * 3;
    this.memoryOffsets = [...spec.memory].sort((a, b) => b - a);
    const length = Math.max(spec.context, ...spec.memory.map((m) => m + 1));
    const slots = <T>(make: () => T) => Array.from({ length: this.batch }, () => Array.from({ length }, make));
    this.ring = slots(() => new Uint8Array(this.frameSize));
    this.planes = slots(() => new Float32Array(this.frameSize));
    this.noised = this.contextSigma > 0 ? slots(() => new Float32Array(this.frameSize)) : this.planes;
    this.ringActions = Array.from({ length: this.batch }, () => new Int32Array(length));
    this.anchors = Array.from({ length: this.batch }, () => new Float32Array(this.frameSize));
    this.rng = new Rng(options.seed ?? 0);
  }

  get width(): number {
    return this.spec.frame.width;
  }

  get height(): number {
    return this.spec.frame.height;
  }

  /** Frames generated since the last reset. */
  get frameIndex(): number {
    return this.played;
  }

  /** Frames of history kept (K, or the furthest memory offset + 1). */
  get historyLength(): number {
    return this.ring[0].length;
  }

  /**
   * Starts a play (every world of the batch the same, unless one start per world is given). History older
   * than the start is the first start frame, as the model saw at the start of its training episodes.
   * `seed` re-seeds the noise.
   */
  reset(start: Uint8Array | WorldStart | readonly WorldStart[], seed?: number): void {
    const starts = Array.isArray(start) ? (start as readonly WorldStart[]) : [toStart(start as Uint8Array | WorldStart)];
    if (starts.length !== 1 && starts.length !== this.batch) {
      throw invalidArgument('start', `expected 1 or ${this.batch} starts, got ${starts.length}`);
    }
    if (seed !== undefined) this.rng = new Rng(seed);
    for (let w = 0; w < this.batch; w++) this.fill(w, starts[starts.length === 1 ? 0 : w]);
    this.head = this.historyLength - 1;
    this.played = 0;
    this.started = true;
  }

  /** One step of a single world (batch 1): the next frame, uint8 RGB H·W·3. It enters the history. */
  async step(action: string, event: StepEvent = null): Promise<Uint8Array> {
    this.requireSingle('step');
    return (await this.stepBatch([action], [event]))[0];
  }

  /** One step of every world of the batch. */
  async stepBatch(actions: readonly string[], events?: readonly StepEvent[]): Promise<Uint8Array[]> {
    const frames = await this.predictBatch(actions, events);
    this.commit(frames, actions);
    return frames;
  }

  /** The next frame without entering it into the history (one-step evaluation with teacher forcing). */
  async predict(action: string, event: StepEvent = null): Promise<Uint8Array> {
    this.requireSingle('predict');
    return (await this.predictBatch([action], [event]))[0];
  }

  async predictBatch(actions: readonly string[], events?: readonly StepEvent[]): Promise<Uint8Array[]> {
    if (!this.started) throw new CinesimError(ERRORS.INTERNAL, 'WorldStepper: reset() with a start frame before stepping');
    if (actions.length !== this.batch) throw invalidArgument('actions', `expected ${this.batch} actions, got ${actions.length}`);
    if (events !== undefined && events.length !== this.batch) {
      throw invalidArgument('event', `expected ${this.batch} events, got ${events.length}`);
    }
    const ids = actions.map((a) => this.actionId(a));
    const feeds = this.buildFeeds(ids, events);
    const clean = await this.sample(feeds);
    return Array.from({ length: this.batch }, (_, w) => quantise(clean, w, this.spec.frame.width, this.spec.frame.height));
  }

  /**
   * Enters known frames into the history as if they had been played (teacher forcing: the simulator's frame
   * after `actions[w]`). One frame per world.
   */
  observe(frames: readonly Uint8Array[], actions: readonly string[]): void {
    if (!this.started) throw new CinesimError(ERRORS.INTERNAL, 'WorldStepper: reset() before observe()');
    if (frames.length !== this.batch || actions.length !== this.batch) {
      throw invalidArgument('frames', `expected ${this.batch} frames and actions, got ${frames.length} and ${actions.length}`);
    }
    frames.forEach((f) => this.checkFrame(f));
    this.commit(frames, actions);
  }

  /** A past frame of world `w`: 0 is the newest, 1 the one before, … (up to historyLength − 1). */
  history(back: number, w = 0): Uint8Array {
    if (!Number.isInteger(back) || back < 0 || back >= this.historyLength) {
      throw invalidArgument('back', `history holds ${this.historyLength} frames, asked for ${back} back`);
    }
    return this.ring[w][this.slot(back)];
  }

  /** Id of an action name in the manifest's action list. */
  actionId(action: string): number {
    const id = this.spec.actions.indexOf(action);
    if (id < 0) throw invalidArgument('action', `unknown action '${action}' (the model knows ${this.spec.actions.join(', ')})`);
    return id;
  }

  // --- internals -------------------------------------------------------------------------------------

  private requireSingle(what: string): void {
    if (this.batch !== 1) throw invalidArgument('batch', `${what}() plays one world; this stepper has ${this.batch}, use ${what}Batch()`);
  }

  private slot(back: number): number {
    const n = this.historyLength;
    return (((this.head - back) % n) + n) % n;
  }

  private fill(w: number, start: WorldStart): void {
    const { frames } = start;
    if (frames.length === 0) throw invalidArgument('start', 'a start needs at least one frame');
    frames.forEach((f) => this.checkFrame(f));
    const actions = start.actions ?? [];
    if (actions.length > frames.length - 1) {
      throw invalidArgument('start', `${frames.length} start frames take at most ${frames.length - 1} actions, got ${actions.length}`);
    }
    const n = this.historyLength;
    // Slot i (0 oldest … n − 1 newest) holds start frame i − (n − frames.length), or the first frame before it.
    for (let i = 0; i < n; i++) {
      const k = i - (n - frames.length);
      // Only the newest K slots are ever read as context; older ones serve as memory, which is clean.
      this.enter(w, i, frames[Math.max(0, k)], i >= n - this.spec.context);
      // The action that led to frame k came after frame k − 1: actions[k − 1].
      this.ringActions[w][i] = k >= 1 && k - 1 < actions.length ? this.actionId(actions[k - 1]) : 0;
    }
    if (start.anchor) this.checkFrame(start.anchor);
    toPlanar(start.anchor ?? frames[0], this.anchors[w], 0, this.spec.frame.width, this.spec.frame.height);
  }

  private commit(frames: readonly Uint8Array[], actions: readonly string[]): void {
    const ids = actions.map((a) => this.actionId(a));
    this.head = (this.head + 1) % this.historyLength;
    for (let w = 0; w < this.batch; w++) {
      this.enter(w, this.head, frames[w]);
      this.ringActions[w][this.head] = ids[w];
    }
    this.played++;
  }

  /**
   * Puts a frame into a history slot, with its graph form. Its context noise is drawn once, here: each
   * prediction still sees independent noise on each context frame, as in training, at a quarter of the cost
   * of drawing it for every frame at every step.
   */
  private enter(w: number, slot: number, frame: Uint8Array, noise = true): void {
    this.ring[w][slot].set(frame);
    const clean = this.planes[w][slot];
    toPlanar(frame, clean, 0, this.spec.frame.width, this.spec.frame.height);
    const s = this.contextSigma;
    if (s === 0 || !noise) return;
    const noised = fillNormal(this.rng, this.noised[w][slot]);
    for (let i = 0; i < noised.length; i++) noised[i] = (1 - s) * clean[i] + s * noised[i];
  }

  private checkFrame(frame: Uint8Array): void {
    if (frame.length !== this.frameSize) {
      const { width, height } = this.spec.frame;
      throw invalidArgument('start', `expected a ${width}×${height} RGB frame (${this.frameSize} bytes), got ${frame.length} bytes`);
    }
  }

  /** Everything but `noisy` and `sigma`, which change with each sampling step. */
  private buildFeeds(ids: readonly number[], events: readonly StepEvent[] | undefined): Omit<WorldFeeds, 'noisy' | 'sigma'> {
    const K = this.spec.context;
    const M = this.memoryOffsets.length;
    const B = this.batch;
    const plane = this.frameSize; // 3·H·W floats per frame
    const context = new Float32Array(B * K * plane);
    const memory = new Float32Array(B * M * plane);
    const anchor = new Float32Array(B * plane);
    const actions = new BigInt64Array(B * K);
    const event = new BigInt64Array(B * 3);
    const s = this.contextSigma;
    for (let w = 0; w < B; w++) {
      for (let k = 0; k < K; k++) {
        const back = K - 1 - k; // context frame k, oldest first
        context.set(this.noised[w][this.slot(back)], (w * K + k) * plane);
        // actions[k] (k < K − 1) led from context frame k to k + 1, i.e. to the frame `back − 1` back.
        actions[w * K + k] = BigInt(k < K - 1 ? this.ringActions[w][this.slot(back - 1)] : ids[w]);
      }
      // Memory offsets count back from the newest context frame, oldest (largest offset) first.
      this.memoryOffsets.forEach((offset, m) => {
        memory.set(this.planes[w][this.slot(offset)], (w * M + m) * plane);
      });
      anchor.set(this.anchors[w], w * plane);
      const code = eventCode(events?.[w] ?? null);
      for (let j = 0; j < 3; j++) event[w * 3 + j] = BigInt(code[j]);
    }
    return { context, contextSigma: new Float32Array(B).fill(s), actions, event, memory, anchor, batch: B };
  }

  /** Rectified-flow sampling: x from noise; d = denoise(x, s); n̂ = (x − (1 − s)·d)/s; x ← (1 − s')·d + s'·n̂. */
  private async sample(rest: Omit<WorldFeeds, 'noisy' | 'sigma'>): Promise<Float32Array> {
    const n = this.batch * this.frameSize;
    const x = fillNormal(this.rng, new Float32Array(n));
    for (let i = 0; i < this.steps; i++) {
      const s = this.sigmas[i];
      const next = this.sigmas[i + 1];
      const d = await this.denoise({ ...rest, noisy: x, sigma: new Float32Array(this.batch).fill(s) });
      if (d.length !== n) {
        throw new CinesimError(ERRORS.MODEL_INVALID, `world denoiser returned ${d.length} values, expected ${n} ([${this.batch}, 3, ${this.height}, ${this.width}])`);
      }
      for (let j = 0; j < n; j++) {
        const noise = (x[j] - (1 - s) * d[j]) / s;
        x[j] = (1 - next) * d[j] + next * noise;
      }
    }
    return x;
  }
}

// --- frames <-> graph tensors ------------------------------------------------------------------------

/** uint8 [H, W, 3] → float [3, H, W] in [-1, 1], written at `offset` of `out`. */
export function toPlanar(frame: Uint8Array, out: Float32Array, offset: number, width: number, height: number): void {
  const hw = width * height;
  for (let p = 0; p < hw; p++) {
    out[offset + p] = frame[3 * p] / 127.5 - 1;
    out[offset + hw + p] = frame[3 * p + 1] / 127.5 - 1;
    out[offset + 2 * hw + p] = frame[3 * p + 2] / 127.5 - 1;
  }
}

/** World `w` of float [B, 3, H, W] in [-1, 1] → uint8 [H, W, 3], rounded and clamped. */
export function quantise(x: Float32Array, w: number, width: number, height: number): Uint8Array {
  const hw = width * height;
  const base = w * 3 * hw;
  const out = new Uint8Array(hw * 3);
  for (let p = 0; p < hw; p++) {
    for (let c = 0; c < 3; c++) {
      const v = Math.round((x[base + c * hw + p] + 1) * 127.5);
      out[3 * p + c] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return out;
}

/** Standard normal samples (Marsaglia's polar method: no sin/cos, about twice as fast as Box-Muller here). */
function fillNormal(rng: Rng, out: Float32Array): Float32Array {
  const scale = 2 / 4294967296;
  for (let i = 0; i < out.length; ) {
    const u = rng.nextUint32() * scale - 1;
    const v = rng.nextUint32() * scale - 1;
    const r = u * u + v * v;
    if (r >= 1 || r === 0) continue;
    const f = Math.sqrt((-2 * Math.log(r)) / r);
    out[i++] = u * f;
    if (i < out.length) out[i++] = v * f;
  }
  return out;
}

function eventCode(event: StepEvent): EventCode {
  if (event === null) return NO_EVENT;
  return isEventCode(event) ? event : encodeGameEvent(event);
}

function isEventCode(event: GameEvent | EventCode): event is EventCode {
  return Array.isArray(event);
}

function toStart(start: Uint8Array | WorldStart): WorldStart {
  return start instanceof Uint8Array ? { frames: [start] } : start;
}

function positiveInt(v: number, param: string): number {
  if (!Number.isInteger(v) || v < 1) throw invalidArgument(param, `${param} must be a positive integer, got ${v}`);
  return v;
}

function checkSpec(spec: WorldSpec): void {
  const bad = (m: string) => new CinesimError(ERRORS.MODEL_INVALID, `world manifest: ${m}`);
  if (!Number.isInteger(spec.context) || spec.context < 1) throw bad(`context must be a positive integer, got ${spec.context}`);
  if (spec.memory.some((m) => !Number.isInteger(m) || m < 1)) throw bad(`memory offsets must be positive integers, got [${spec.memory.join(', ')}]`);
  if (spec.actions.length === 0) throw bad('actions is empty');
}
