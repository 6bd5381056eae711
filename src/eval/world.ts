/**
 * `cinesim eval world`: the world model against the Shapes World simulator, with the same seeds and the same
 * actions (src/eval/world-report.ts holds the report, its targets and tables).
 *
 * Measures, on held-out seeds (training episodes use the dataset's seeds, these start at WORLD_EVAL_SEED):
 * 1. one step: PSNR/SSIM of the next frame given the simulator's own frames as context (teacher forcing);
 * 2. rollouts: from the simulator's first frame, the model plays on its own frames with the recorded
 *    policy's actions; PSNR/SSIM of the frame N steps in, at N = 1, 8, 32, 128, 512; the same with random
 *    (sticky) actions; controllability = the difference;
 * 3. action accuracy: the inverse-dynamics probe (probe-world's `action` head, trained on simulator frames)
 *    reads which action led between consecutive generated frames;
 * 4. object consistency: walk right until the first landmark has left the view, walk back; its box against
 *    the simulator's, and whether its pixels still read as its colour;
 * 5. collapse: probe-read background and agent colour in the last 100 of 1,000 frames against the first 100;
 *    promptable events: after a background event fired mid-play, does the probe read the new background;
 * 6. speed: one world stepped on the CPU with the given threads, and drawing a frame in the terminal.
 * Worlds of one measure run side by side in one graph call (the stepper's batch).
 */
import type { Device } from '../engine/ort.ts';
import type { Logger } from '../engine/log.ts';
import type { ResolveModelOptions } from '../engine/manifest.ts';
import { Probe } from '../engine/probe.ts';
import { WorldModel } from '../engine/world/session.ts';
import type { WorldStart, WorldStepper } from '../engine/world/stepper.ts';
import { HalfBlockCanvas } from '../cli/terminal.ts';
import { frameAt, makeFrames, type VideoFrames } from '../media/frames.ts';
import { Rng } from '../util/random.ts';
import { ACTIONS, type Action } from '../world/actions.ts';
import { playEpisode } from '../world/episode.ts';
import { Game, recordEpisode } from '../world/game.ts';
import type { GameEvent } from '../world/game-events.ts';
import { scriptedPolicy } from '../world/policies.ts';
import { renderFrame } from '../world/render.ts';
import type { FrameState } from '../world/spec.ts';
import { visibleRect } from '../world/view.ts';
import { BACKGROUNDS, COLOR_RGB, COLORS, type Color } from '../world/vocabulary.ts';
import { mean, psnr, ssim } from './metrics.ts';
import { meanAndP95 } from '../util/math.ts';
import {
  buildWorldTargets,
  WORLD_HORIZONS,
  WORLD_REPORT_FORMAT_VERSION,
  type AdherenceWindow,
  type CollapseFigures,
  type ConsistencyFigures,
  type HorizonFigures,
  type ImageScores,
  type SpeedFigures,
  type WorldReport,
} from './world-report.ts';

export const DEFAULT_WORLD_MODEL = 'world-64';
export const DEFAULT_WORLD_PROBE = 'probe-world';
/** First seed of the evaluation episodes, far from the dataset's. */
export const WORLD_EVAL_SEED = 900_000;

export interface WorldEvalProgress {
  readonly part: string;
  readonly done: number;
  readonly total: number;
}

export interface WorldEvalOptions {
  readonly model?: string;
  readonly probe?: string;
  /** Episodes played side by side; default 8 (quick: 2). */
  readonly episodes?: number;
  /** Length of the play whose start and end are compared for collapse; default 1000 (quick: 40). */
  readonly frames?: number;
  /** Sampling steps; default the model's. */
  readonly steps?: number;
  /** Noise level on context frames; default the model's (`sampling.contextSigma`). */
  readonly contextSigma?: number;
  readonly threads?: number;
  readonly device?: Device;
  readonly seed?: number;
  /** A small run for tests: few episodes, short plays, horizons up to 8. */
  readonly quick?: boolean;
  readonly logger?: Logger;
  readonly models?: ResolveModelOptions;
  readonly onProgress?: (progress: WorldEvalProgress) => void;
}

/** Steps whose per-frame PSNR difference makes the headline controllability. */
const CONTROL_STEPS = 32;
/** Action accuracy is read over the first steps of each rollout, where the world still follows the simulator. */
const ACTION_STEPS = 128;
/** One-step predictions per episode, spread over the play. */
const ONE_STEP_POSITIONS = 32;
/** Frames the landmark stays out of view before the agent turns back. */
const EXTRA_AWAY = 4;
/** Longest walk of one leg (frames) before the consistency episode gives up turning back. */
const MAX_LEG = 400;

interface Episode {
  readonly seed: number;
  readonly video: VideoFrames;
  readonly actions: readonly Action[];
  readonly background: string;
  readonly agentColor: string;
}

interface Context {
  readonly model: WorldModel;
  readonly probe: Probe;
  /** The stepper settings every play of the eval uses (sampling steps, context noise; default the model's). */
  readonly sampling: { readonly steps?: number; readonly contextSigma?: number };
  readonly seed: number;
  readonly progress: (part: string, done: number, total: number) => void;
}

export async function runWorldEval(options: WorldEvalOptions = {}): Promise<WorldReport> {
  const t0 = performance.now();
  const quick = options.quick ?? false;
  const episodes = options.episodes ?? (quick ? 2 : 8);
  const frames = options.frames ?? (quick ? 40 : 1000);
  const seed = options.seed ?? WORLD_EVAL_SEED;
  const horizons = WORLD_HORIZONS.filter((h) => h <= frames);
  const model = await WorldModel.load(options.model ?? DEFAULT_WORLD_MODEL, {
    threads: options.threads,
    device: options.device,
    logger: options.logger,
    models: options.models,
  });
  let probe: Probe | undefined;
  try {
    probe = await Probe.load(options.probe ?? DEFAULT_WORLD_PROBE, { threads: options.threads, logger: options.logger, models: options.models });
    for (const head of ['action', 'background', 'agent_color']) probe.head(head); // fails early, naming what is missing
    const ctx: Context = {
      model,
      probe,
      sampling: { steps: options.steps, contextSigma: options.contextSigma },
      seed,
      progress: (part, done, total) => options.onProgress?.({ part, done, total }),
    };
    const { fps, width, height } = model.spec.frame;
    const played = Array.from({ length: episodes }, (_, i) => record(seed + i, { width, height, fps, frames: frames + 1 }));

    const oneStep = await measureOneStep(ctx, played, Math.min(frames, 512));
    const trueRollout = await rollout(ctx, played, (w, t) => played[w].actions[t], frames, 'rollout, true actions');
    const randomSteps = Math.min(frames, Math.max(...horizons, CONTROL_STEPS));
    const randomActions = played.map((e) => randomActionList(e.seed, randomSteps));
    const randomRollout = await rollout(ctx, played, (w, t) => randomActions[w][t], randomSteps, 'rollout, random actions');

    const rolloutFigures: HorizonFigures[] = horizons.map((h) => {
      const truth = played.map((e) => frameAt(e.video, h));
      const trueScores = scores(trueRollout.map((r) => r[h]), truth, width, height, fps);
      const randomScores = scores(randomRollout.map((r) => r[h]), truth, width, height, fps);
      const still = scores(played.map((e) => frameAt(e.video, 0)), truth, width, height, fps, false).psnr;
      return { steps: h, trueActions: trueScores, randomActions: randomScores, controllability: trueScores.psnr - randomScores.psnr, stillPsnr: still };
    });
    const controlSteps = Math.min(CONTROL_STEPS, frames);
    const controllability = mean(
      Array.from({ length: controlSteps }, (_, k) => {
        const t = k + 1;
        const truth = played.map((e) => frameAt(e.video, t));
        return scores(trueRollout.map((r) => r[t]), truth, width, height, fps, false).psnr - scores(randomRollout.map((r) => r[t]), truth, width, height, fps, false).psnr;
      }),
    );

    const actionAccuracy = await measureActions(ctx, played, trueRollout, Math.min(ACTION_STEPS, frames));
    const collapse = await measureCollapse(ctx, played, trueRollout, frames);
    const consistency = await measureConsistency(ctx, played.map((e) => e.seed));
    const events = await measureEvents(ctx, played.map((e) => e.seed));
    const speed = await measureSpeed(ctx, played[0], quick ? 12 : 120, options.threads ?? null);

    const stepper = model.stepper(ctx.sampling);
    const partial = { controllability, collapse, speed };
    return {
      formatVersion: WORLD_REPORT_FORMAT_VERSION,
      date: new Date().toISOString(),
      command: commandLine(options, probe.manifest.name),
      model: { name: model.name, dir: model.dir, trainingSteps: trainingSteps(model.manifest.training) },
      probe: { name: probe.manifest.name, dir: probe.dir },
      settings: { steps: stepper.steps, contextSigma: stepper.contextSigma, episodes, frames, seed, fps, threads: options.threads ?? null },
      oneStep,
      rollout: rolloutFigures,
      controllability,
      actionAccuracy,
      consistency,
      events,
      collapse,
      speed,
      targets: buildWorldTargets(partial),
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    await probe?.dispose();
    await model.dispose();
  }
}

function commandLine(o: WorldEvalOptions, probe: string): string {
  const flags = [
    `--model ${o.model ?? DEFAULT_WORLD_MODEL}`,
    `--probe ${o.probe ?? probe}`,
    o.episodes !== undefined && `--episodes ${o.episodes}`,
    o.frames !== undefined && `--frames ${o.frames}`,
    o.steps !== undefined && `--steps ${o.steps}`,
    o.contextSigma !== undefined && `--context-noise ${o.contextSigma}`,
    o.threads !== undefined && `--threads ${o.threads}`,
    o.seed !== undefined && `--seed ${o.seed}`,
    o.quick && '--quick',
  ].filter(Boolean);
  return `node bin/cinesim.mjs eval world ${flags.join(' ')}`;
}

function trainingSteps(training: Record<string, unknown> | undefined): number | null {
  const steps = training?.steps;
  return typeof steps === 'number' && Number.isFinite(steps) ? steps : null;
}

// --- episodes ------------------------------------------------------------------------------------------

function record(seed: number, format: { width: number; height: number; fps: number; frames: number }): Episode {
  const e = recordEpisode({ seed, format });
  const first = e.states[0];
  return { seed, video: e.video, actions: e.actions, background: first.background, agentColor: first.objects[first.objects.length - 1].color };
}

/** Sticky random actions, as the training data's random policy plays: keep the last with p = 0.8, else draw anew. */
function randomActionList(seed: number, count: number): Action[] {
  const rng = Rng.derive(seed, 'eval-random-actions');
  let last: Action = 'none';
  return Array.from({ length: count }, () => (rng.bool(0.8) ? last : (last = rng.pick(ACTIONS))));
}

/** Frames as one clip, for the clip metrics. */
function clip(frames: readonly Uint8Array[], width: number, height: number, fps: number): VideoFrames {
  const data = new Uint8Array(frames.length * width * height * 3);
  frames.forEach((f, i) => data.set(f, i * f.length));
  return makeFrames(width, height, fps, frames.length, data);
}

/**
 * PSNR over all the pairs at once (from their pooled squared error, so a few identical pairs, capped at
 * 100 dB, do not dominate a mean) and SSIM averaged over the pairs.
 */
function scores(generated: readonly Uint8Array[], truth: readonly Uint8Array[], width: number, height: number, fps: number, withSsim = true): ImageScores {
  const a = clip(generated, width, height, fps);
  const b = clip(truth, width, height, fps);
  return { psnr: psnr(a, b), ssim: withSsim ? ssim(a, b) : Number.NaN };
}

// --- 1. one step, teacher-forced -------------------------------------------------------------------------

async function measureOneStep(ctx: Context, episodes: readonly Episode[], span: number): Promise<WorldReport['oneStep']> {
  const stepper = ctx.model.stepper({ seed: ctx.seed, ...ctx.sampling, batch: episodes.length });
  const history = stepper.historyLength;
  const positions = [...new Set(Array.from({ length: ONE_STEP_POSITIONS }, (_, i) => Math.floor(((i + 1) * (span - 1)) / ONE_STEP_POSITIONS)))];
  const { width, height, fps } = ctx.model.spec.frame;
  const predictions: Uint8Array[] = [];
  const truths: Uint8Array[] = [];
  const last: Uint8Array[] = [];
  for (const [n, t] of positions.entries()) {
    // The simulator's frames up to t (as far back as the stepper keeps), with the actions between them.
    const from = Math.max(0, t - history + 1);
    stepper.reset(
      episodes.map((e): WorldStart => ({
        frames: Array.from({ length: t - from + 1 }, (_, k) => frameAt(e.video, from + k)),
        actions: e.actions.slice(from, t),
        anchor: frameAt(e.video, 0),
      })),
    );
    const predicted = await stepper.predictBatch(episodes.map((e) => e.actions[t]));
    predicted.forEach((frame, w) => {
      predictions.push(frame);
      truths.push(frameAt(episodes[w].video, t + 1));
      last.push(frameAt(episodes[w].video, t));
    });
    ctx.progress('one step', n + 1, positions.length);
  }
  return { ...scores(predictions, truths, width, height, fps), predictions: predictions.length, copyPsnr: scores(last, truths, width, height, fps, false).psnr };
}

// --- 2. rollouts -----------------------------------------------------------------------------------------

/** Plays every episode from its first frame for `steps` steps; [episode][frame], frame 0 the start. */
async function rollout(
  ctx: Context,
  episodes: readonly Episode[],
  action: (world: number, t: number) => Action,
  steps: number,
  part: string,
): Promise<Uint8Array[][]> {
  const stepper = ctx.model.stepper({ seed: ctx.seed, ...ctx.sampling, batch: episodes.length });
  stepper.reset(episodes.map((e) => ({ frames: [frameAt(e.video, 0)] })));
  const out = episodes.map((e) => [frameAt(e.video, 0)]);
  for (let t = 0; t < steps; t++) {
    const frames = await stepper.stepBatch(episodes.map((_, w) => action(w, t)));
    frames.forEach((f, w) => out[w].push(f));
    if (t % 8 === 7 || t === steps - 1) ctx.progress(part, t + 1, steps);
  }
  return out;
}

// --- 3. action accuracy ----------------------------------------------------------------------------------

async function measureActions(ctx: Context, episodes: readonly Episode[], generated: readonly Uint8Array[][], steps: number): Promise<WorldReport['actionAccuracy']> {
  const head = ctx.probe.head('action');
  const pairs = episodes.flatMap((e, w) => Array.from({ length: steps }, (_, t) => ({ w, t, action: e.actions[t] })));
  const { width, height, fps } = ctx.model.spec.frame;
  const pair = (a: Uint8Array, b: Uint8Array) => {
    const data = new Uint8Array(a.length * 2);
    data.set(a, 0);
    data.set(b, a.length);
    return makeFrames(width, height, fps, 2, data);
  };
  const read = async (clips: VideoFrames[]) => (await ctx.probe.readMany(clips)).map((r) => head.values[argmax(r.heads.action)]);
  const gen = await read(pairs.map(({ w, t }) => pair(generated[w][t], generated[w][t + 1])));
  ctx.progress('action probe', 1, 2);
  const sim = await read(pairs.map(({ w, t }) => pair(frameAt(episodes[w].video, t), frameAt(episodes[w].video, t + 1))));
  ctx.progress('action probe', 2, 2);
  const rate = (reads: string[]) => reads.filter((a, i) => a === pairs[i].action).length / Math.max(1, pairs.length);
  return { generated: rate(gen), simulator: rate(sim), pairs: pairs.length, steps };
}

function argmax(v: Float32Array): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

// --- 5. collapse -----------------------------------------------------------------------------------------

async function measureCollapse(ctx: Context, episodes: readonly Episode[], generated: readonly Uint8Array[][], frames: number): Promise<CollapseFigures> {
  const window = Math.max(2, Math.min(100, Math.floor(frames / 10)));
  const { width, height, fps } = ctx.model.spec.frame;
  const readWindow = async (framesOf: (w: number, t: number) => Uint8Array, start: number): Promise<AdherenceWindow> => {
    const clips: VideoFrames[] = [];
    const truth: { background: string; agentColor: string }[] = [];
    episodes.forEach((e, w) => {
      for (let t = start; t < start + window - 1; t++) {
        const data = new Uint8Array(width * height * 6);
        data.set(framesOf(w, t), 0);
        data.set(framesOf(w, t + 1), width * height * 3);
        clips.push(makeFrames(width, height, fps, 2, data));
        truth.push(e);
      }
    });
    const readings = await ctx.probe.readMany(clips);
    const bg = ctx.probe.head('background');
    const colour = ctx.probe.head('agent_color');
    const share = (ok: (i: number) => boolean) => readings.filter((_, i) => ok(i)).length / Math.max(1, readings.length);
    return {
      background: share((i) => bg.values[argmax(readings[i].heads.background)] === truth[i].background),
      agentColor: share((i) => colour.values[argmax(readings[i].heads.agent_color)] === truth[i].agentColor),
    };
  };
  const first = await readWindow((w, t) => generated[w][t], 0);
  ctx.progress('collapse probe', 1, 3);
  const last = await readWindow((w, t) => generated[w][t], frames + 1 - window);
  ctx.progress('collapse probe', 2, 3);
  const simulator = await readWindow((w, t) => frameAt(episodes[w].video, t), frames + 1 - window);
  ctx.progress('collapse probe', 3, 3);
  return {
    frames,
    window,
    first,
    last,
    gap: { background: last.background - first.background, agentColor: last.agentColor - first.agentColor },
    simulator,
  };
}

// --- 4. object consistency -------------------------------------------------------------------------------

/** Index of the first landmark in FrameState.objects (the game lays landmarks out first, view by view). */
const LANDMARK = 0;

/**
 * Walking one way and jumping what blocks the path, as the scripted player does, but turning on command:
 * the scripted policy only turns at the ends of the world.
 */
function walk(game: Game, dir: 1 | -1): Action {
  const { agent, solids } = game.observation();
  const front = agent.x + dir * agent.radius;
  const blocked = solids.some((s) => {
    const gap = dir > 0 ? s.x0 - front : front - s.x1;
    return s.y1 > agent.y - agent.radius && s.y0 < agent.y + agent.radius && gap >= -0.02 && gap < 0.16;
  });
  return agent.grounded && blocked ? 'up' : dir > 0 ? 'right' : 'left';
}

/** How much of the landmark the frame shows. */
function landmarkVisibility(state: FrameState, game: Game): 'full' | 'partial' | 'none' {
  const o = state.objects[LANDMARK];
  const view = visibleRect(state.camera, game.view);
  if (o.x - o.radius >= view.x0 && o.x + o.radius <= view.x1) return 'full';
  return o.x + o.radius > view.x0 && o.x - o.radius < view.x1 ? 'partial' : 'none';
}

/**
 * The landmark's body in a simulator frame: pixels that change when it is hidden and show exactly its colour
 * (landmarks are plain; the outline and antialiased edge are left out, so the colour read is not pulled
 * towards the outline's darker shade).
 */
function landmarkMask(state: FrameState, width: number, height: number): Uint8Array {
  const full = renderFrame(state, width, height);
  const hidden = renderFrame({ ...state, objects: state.objects.map((o, i) => (i === LANDMARK ? { ...o, visible: false } : o)) }, width, height);
  const body = COLOR_RGB[state.objects[LANDMARK].color];
  const mask = new Uint8Array(width * height);
  for (let p = 0; p < mask.length; p++) {
    const changed = full[3 * p] !== hidden[3 * p] || full[3 * p + 1] !== hidden[3 * p + 1] || full[3 * p + 2] !== hidden[3 * p + 2];
    const isBody = Math.abs(full[3 * p] - body[0]) + Math.abs(full[3 * p + 1] - body[1]) + Math.abs(full[3 * p + 2] - body[2]) <= 6;
    mask[p] = changed && isBody ? 1 : 0;
  }
  return mask;
}

/** The vocabulary colour nearest to the mean colour of the masked pixels. */
function colourRead(frame: Uint8Array, mask: Uint8Array): Color | null {
  let n = 0;
  const sum = [0, 0, 0];
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue;
    n++;
    for (let c = 0; c < 3; c++) sum[c] += frame[3 * p + c];
  }
  if (n === 0) return null;
  const m = sum.map((v) => v / n);
  let best: Color = COLORS[0];
  let bestD = Infinity;
  for (const color of COLORS) {
    const rgb = COLOR_RGB[color];
    const d = (rgb[0] - m[0]) ** 2 + (rgb[1] - m[1]) ** 2 + (rgb[2] - m[2]) ** 2;
    if (d < bestD) [best, bestD] = [color, d];
  }
  return best;
}

/** PSNR over the masked pixels' bounding box. */
function regionPsnr(a: Uint8Array, b: Uint8Array, mask: Uint8Array, width: number): number {
  let x0 = Infinity, y0 = Infinity, x1 = -1, y1 = -1;
  for (let p = 0; p < mask.length; p++) {
    if (!mask[p]) continue;
    const x = p % width, y = Math.floor(p / width);
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  if (x1 < 0) return Number.NaN;
  let sum = 0, n = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      for (let c = 0; c < 3; c++) {
        const d = (a[3 * (y * width + x) + c] - b[3 * (y * width + x) + c]) / 255;
        sum += d * d;
        n++;
      }
    }
  }
  return -10 * Math.log10(Math.max(sum / n, 1e-10));
}

interface Walk {
  readonly frames: Uint8Array[];
  readonly actions: Action[];
  readonly states: FrameState[];
  /** The last frame showing the whole landmark before it left; frames it was out of view. */
  readonly before: number;
  readonly away: number;
}

/** Right until the landmark has been out of view a few frames, then left until the camera is back where it began. */
function walkAwayAndBack(seed: number, width: number, height: number, fps: number): Walk {
  const background = Rng.derive(seed, 'background').pick(BACKGROUNDS);
  const game = new Game({ seed, width, height, fps, background });
  const states = [game.reset()];
  const frames = [game.render()];
  const actions: Action[] = [];
  const startCx = states[0].camera.cx;
  const play = (a: Action) => {
    actions.push(a);
    states.push(game.step(a).state);
    frames.push(game.render());
  };
  let outFor = 0;
  let before = 0;
  while (outFor < EXTRA_AWAY && actions.length < MAX_LEG) {
    play(walk(game, 1));
    const seen = landmarkVisibility(states.at(-1)!, game);
    if (seen === 'full') before = states.length - 1;
    else if (seen === 'none') outFor++;
  }
  const turned = actions.length;
  while (states.at(-1)!.camera.cx > startCx + 1e-3 && actions.length < turned + MAX_LEG) play(walk(game, -1));
  // A few more frames standing still, so the landmark is fully back in view and settled.
  for (let k = 0; k < 2; k++) play('none');
  const cameBack = states.findIndex((s, i) => i > turned && landmarkVisibility(s, game) !== 'none');
  return { frames, actions, states, before, away: (cameBack < 0 ? states.length : cameBack) - before - 1 };
}

async function measureConsistency(ctx: Context, seeds: readonly number[]): Promise<ConsistencyFigures> {
  const { width, height, fps } = ctx.model.spec.frame;
  const walks = seeds.map((s) => walkAwayAndBack(s, width, height, fps));
  const length = Math.max(...walks.map((w) => w.actions.length));
  const stepper = ctx.model.stepper({ seed: ctx.seed, ...ctx.sampling, batch: walks.length });
  stepper.reset(walks.map((w) => ({ frames: [w.frames[0]] })));
  const generated = walks.map((w) => [w.frames[0]]);
  for (let t = 0; t < length; t++) {
    const frames = await stepper.stepBatch(walks.map((w) => w.actions[t] ?? 'none'));
    frames.forEach((f, i) => generated[i].push(f));
    if (t % 8 === 7 || t === length - 1) ctx.progress('object consistency', t + 1, length);
  }
  const before: number[] = [], after: number[] = [];
  let colourBefore = 0, colourAfter = 0, colourSim = 0;
  walks.forEach((w, i) => {
    const end = w.actions.length;
    const truthColour = w.states[0].objects[LANDMARK].color;
    const maskBefore = landmarkMask(w.states[w.before], width, height);
    const maskAfter = landmarkMask(w.states[end], width, height);
    before.push(regionPsnr(generated[i][w.before], w.frames[w.before], maskBefore, width));
    after.push(regionPsnr(generated[i][end], w.frames[end], maskAfter, width));
    if (colourRead(generated[i][w.before], maskBefore) === truthColour) colourBefore++;
    if (colourRead(generated[i][end], maskAfter) === truthColour) colourAfter++;
    if (colourRead(w.frames[end], maskAfter) === truthColour) colourSim++;
  });
  const finite = (v: number[]) => mean(v.filter(Number.isFinite));
  const travelled = (frames: readonly Uint8Array[]) => frames.slice(1).reduce((sum, f, k) => sum + Math.abs(horizontalShift(frames[k], f, width, height)), 0);
  return {
    episodes: walks.length,
    framesAway: mean(walks.map((w) => w.away)),
    regionPsnr: { before: finite(before), after: finite(after) },
    colour: { before: colourBefore / walks.length, after: colourAfter / walks.length, simulator: colourSim / walks.length },
    scroll: { generated: mean(generated.map((g, i) => travelled(g.slice(0, walks[i].actions.length + 1)))), simulator: mean(walks.map((w) => travelled(w.frames))) },
  };
}

/** Largest horizontal shift searched, pixels per step (walking scrolls about 3 px a step at 64 px). */
const MAX_SHIFT = 8;

/**
 * How far frame b's content lies to the left of frame a's (pixels, sub-pixel by a parabola through the best
 * integer shift and its neighbours): the shift that makes them most alike over the columns both hold. The
 * background fills most of a frame, so this is the camera's scroll; the agent, kept in the middle, adds a
 * bias toward 0 that the simulator's frames share.
 */
export function horizontalShift(a: Uint8Array, b: Uint8Array, width: number, height: number, maxShift = MAX_SHIFT): number {
  const cost = (s: number) => {
    let sum = 0, n = 0;
    for (let y = 0; y < height; y++) {
      for (let x = Math.max(0, s); x < Math.min(width, width + s); x++) {
        const p = 3 * (y * width + x), q = 3 * (y * width + x - s);
        for (let c = 0; c < 3; c++) sum += (a[p + c] - b[q + c]) ** 2;
        n += 3;
      }
    }
    return sum / n;
  };
  const costs = Array.from({ length: 2 * maxShift + 1 }, (_, i) => cost(i - maxShift));
  const best = costs.indexOf(Math.min(...costs));
  if (best === 0 || best === costs.length - 1) return best - maxShift;
  const [l, m, r] = [costs[best - 1], costs[best], costs[best + 1]];
  const curve = l - 2 * m + r;
  return best - maxShift + (curve > 0 ? (l - r) / (2 * curve) : 0);
}

// --- promptable events ------------------------------------------------------------------------------------

/** The background event fires before this step; its frames are read from EVENT_SETTLE steps after it. */
const EVENT_STEP = 8;
const EVENT_SETTLE = 6;
const EVENT_READ = 8;

/**
 * A background event ("night falls", "the background becomes desert") fired mid-play: the share of
 * frame pairs after it whose probe-read background is the new one, generated and simulated.
 */
async function measureEvents(ctx: Context, seeds: readonly number[]): Promise<WorldReport['events']> {
  const { width, height, fps } = ctx.model.spec.frame;
  const steps = EVENT_STEP + EVENT_SETTLE + EVENT_READ;
  const plays = seeds.map((seed) => {
    const rng = Rng.derive(seed, 'eval-events');
    const start = rng.pick(BACKGROUNDS);
    const target = rng.pick(BACKGROUNDS.filter((b) => b !== start));
    const game = new Game({ seed, width, height, fps, background: start });
    const event: GameEvent = { kind: 'background', background: target };
    const episode = playEpisode(game, scriptedPolicy(rng), steps, (_, k) => (k === EVENT_STEP ? event : null));
    return { episode, event, target };
  });
  const stepper = ctx.model.stepper({ seed: ctx.seed, ...ctx.sampling, batch: plays.length });
  stepper.reset(plays.map((p) => ({ frames: [frameAt(p.episode.video, 0)] })));
  const generated = plays.map((p) => [frameAt(p.episode.video, 0)]);
  for (let t = 0; t < steps; t++) {
    const frames = await stepper.stepBatch(
      plays.map((p) => p.episode.actions[t]),
      plays.map((p) => (t === EVENT_STEP ? p.event : null)),
    );
    frames.forEach((f, i) => generated[i].push(f));
    ctx.progress('events', t + 1, steps);
  }
  const head = ctx.probe.head('background');
  const read = async (frameOf: (i: number, t: number) => Uint8Array) => {
    const pairs = plays.flatMap((p, i) =>
      Array.from({ length: EVENT_READ - 1 }, (_, k) => {
        const t = EVENT_STEP + 1 + EVENT_SETTLE + k;
        const data = new Uint8Array(width * height * 6);
        data.set(frameOf(i, t), 0);
        data.set(frameOf(i, t + 1), width * height * 3);
        return { clip: makeFrames(width, height, fps, 2, data), target: p.target };
      }),
    );
    const readings = await ctx.probe.readMany(pairs.map((p) => p.clip));
    return readings.filter((r, i) => head.values[argmax(r.heads.background)] === pairs[i].target).length / Math.max(1, pairs.length);
  };
  return {
    episodes: plays.length,
    background: { generated: await read((i, t) => generated[i][t]), simulator: await read((i, t) => frameAt(plays[i].episode.video, t)) },
  };
}

// --- 6. speed --------------------------------------------------------------------------------------------

async function measureSpeed(ctx: Context, episode: Episode, frames: number, threads: number | null): Promise<SpeedFigures> {
  const stepper: WorldStepper = ctx.model.stepper({ seed: ctx.seed, ...ctx.sampling });
  const { width, height } = ctx.model.spec.frame;
  stepper.reset(frameAt(episode.video, 0));
  const action = (t: number) => episode.actions[t % episode.actions.length] ?? ACTIONS[0];
  for (let t = 0; t < 3; t++) await stepper.step(action(t)); // warm-up: first runs allocate
  const stepMs: number[] = [];
  const renderMs: number[] = [];
  // As `cinesim play` draws: only the cells that changed since the frame before.
  const canvas = new HalfBlockCanvas(width, height);
  canvas.render(frameAt(episode.video, 0));
  let bytes = 0;
  const t0 = performance.now();
  for (let t = 0; t < frames; t++) {
    const s = performance.now();
    const frame = await stepper.step(action(t));
    const r = performance.now();
    bytes += canvas.render(frame).length;
    renderMs.push(performance.now() - r);
    stepMs.push(r - s);
    if (t % 8 === 7 || t === frames - 1) ctx.progress('speed', t + 1, frames);
  }
  const seconds = (performance.now() - t0) / 1000;
  const { p95 } = meanAndP95(stepMs);
  const render = mean(renderMs);
  return {
    threads,
    steps: stepper.steps,
    frames,
    fps: frames / seconds,
    stepMs: { mean: mean(stepMs), p95 },
    renderMs: render,
    renderBytes: bytes / frames,
    latencyMs: p95 + render,
  };
}
