/**
 * Sound sync, measured: impacts detected from rendered frames against the simulator's event log.
 *
 * Which logged events an eye could time from the pixels (the truth rule, fixed before measuring):
 *   1. runs    events that share an object with less than one frame interval between them are one impact,
 *              timed by the first (a corner hit, a squeeze or a settle logs many contacts within a frame;
 *              one object cannot show two impacts within a frame);
 *   2. visible the run's strongest normal speed, on screen, is at least 1 pixel per frame
 *              (strength · pixels per world unit at that moment / fps ≥ 1): slower approaches move the
 *              object less than a pixel per frame and cannot be timed to a frame;
 *   3. timed   it happens between the second and the second-to-last frame (an impact is seen as a change
 *              between the motion before and after it);
 *   4. in view its contact point is inside the frame.
 * Runs that fail 2–4 are not truth, and a detection that falls on any logged event (within the tolerance)
 * is not a false alarm either: something did hit something there. A detection with no logged event near
 * it is a false alarm. The `strict` figures drop all of this: every logged event is truth.
 *
 * Matching is one-to-one and greedy by time difference, within ±toleranceFrames frames and a distance of
 * a quarter of the frame's short side (the detector reports the object's centre, the log the contact
 * point, at most a grown object's radius apart).
 */
import { Rng } from '../util/random.ts';
import { renderClip } from '../world/render.ts';
import { sampleScene, type SamplerOptions } from '../world/sampler.ts';
import type { ClipFormat, SceneSpec, WorldEvent } from '../world/spec.ts';
import { cameraAt, viewSize } from '../world/view.ts';
import type { VideoFrames } from '../media/frames.ts';
import type { Simulation } from '../world/simulate.ts';
import { analyzeVideo, type AnalyzeOptions } from './analyze.ts';
import type { SoundImpact } from './events.ts';

/** An event in time and in the frame (pixels). */
export interface TimedPoint {
  frame: number;
  time: number;
  x: number;
  y: number;
}

export interface Match {
  detected: number;
  truth: number;
  /** detected.frame − truth.frame */
  frames: number;
}

export interface MatchResult {
  precision: number;
  recall: number;
  f1: number;
  matched: Match[];
  /** Detections counted (those forgiven by `ignore` are left out). */
  detections: number;
  truths: number;
  /** Detections forgiven because they fall on an event outside the truth. */
  forgiven: number;
}

export interface MatchOptions {
  /** Events that are not truth but make a detection on them no false alarm. */
  ignore?: readonly TimedPoint[];
  /** Largest distance between a detection and its event, pixels (default: no limit). */
  maxDistance?: number;
}

/** Precision and recall of detections against truth within ±toleranceFrames frames (see the module comment). */
export function matchEvents(
  detected: readonly TimedPoint[],
  truth: readonly TimedPoint[],
  toleranceFrames = 1,
  options: MatchOptions = {},
): MatchResult {
  const near = (d: TimedPoint, t: TimedPoint) => isNear(d, t, toleranceFrames, options.maxDistance);
  const pairs: { d: number; t: number; gap: number }[] = [];
  detected.forEach((d, i) => truth.forEach((t, j) => near(d, t) && pairs.push({ d: i, t: j, gap: Math.abs(d.time - t.time) })));
  pairs.sort((a, b) => a.gap - b.gap || a.d - b.d || a.t - b.t);
  const usedD = new Uint8Array(detected.length), usedT = new Uint8Array(truth.length);
  const matched: Match[] = [];
  for (const { d, t } of pairs) {
    if (usedD[d] || usedT[t]) continue;
    usedD[d] = usedT[t] = 1;
    matched.push({ detected: d, truth: t, frames: detected[d].frame - truth[t].frame });
  }
  let forgiven = 0;
  const ignore = options.ignore ?? [];
  detected.forEach((d, i) => {
    if (!usedD[i] && ignore.some((e) => near(d, e))) forgiven++;
  });
  return summarize(matched.length, detected.length - forgiven, truth.length, matched, forgiven);
}

/** Whether a detection may match an event: within ±toleranceFrames frames and maxDistance pixels (default: no limit). */
export function isNear(d: TimedPoint, t: TimedPoint, toleranceFrames: number, maxDistance = Infinity): boolean {
  return Math.abs(d.frame - t.frame) <= toleranceFrames && Math.hypot(d.x - t.x, d.y - t.y) <= maxDistance;
}

/** Largest distance between a detection and its event: a quarter of the frame's short side (see the module comment). */
export function matchDistance(format: ClipFormat): number {
  return 0.25 * Math.min(format.width, format.height);
}

function summarize(hits: number, detections: number, truths: number, matched: Match[], forgiven: number): MatchResult {
  const precision = detections === 0 ? 1 : hits / detections;
  const recall = truths === 0 ? 1 : hits / truths;
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision, recall, f1, matched, detections, truths, forgiven };
}

export interface TruthImpact extends TimedPoint {
  kind: WorldEvent['kind'];
  objects: number[];
  /** Strongest normal speed of the run, world units per second. */
  strength: number;
  /** Strongest normal speed on screen, pixels per frame. */
  pixelsPerFrame: number;
}

export interface Truth {
  /** Runs that pass the rule. */
  visible: TruthImpact[];
  /** Every logged event, in pixels (what forgives a detection). */
  all: TruthImpact[];
}

/** Smallest on-screen approach speed of a visible impact, pixels per frame (rule 2). */
export const VISIBLE_PIXELS_PER_FRAME = 1;

/** The simulator's events in pixels, and the runs that pass the truth rule (see the module comment). */
export function truthImpacts(events: readonly WorldEvent[], scene: SceneSpec, format: ClipFormat): Truth {
  const view = viewSize(format.width, format.height);
  const short = Math.min(format.width, format.height);
  const all: TruthImpact[] = events.map((e) => {
    const cam = cameraAt(scene.camera, e.time, view);
    const pixel = 1 / (short * cam.zoom); // world units per pixel
    const left = cam.cx - (format.width / 2) * pixel, top = cam.cy - (format.height / 2) * pixel;
    return {
      frame: e.frame,
      time: e.time,
      x: (e.x - left) / pixel - 0.5, // pixel-centre coordinates, as the detector reports
      y: (e.y - top) / pixel - 0.5,
      kind: e.kind,
      objects: e.objects,
      strength: e.strength,
      pixelsPerFrame: e.strength / pixel / format.fps,
    };
  });

  // 1. Runs: chain events that share an object and follow within one frame interval.
  const runs: TruthImpact[][] = [];
  const sorted = [...all].sort((a, b) => a.time - b.time);
  for (const e of sorted) {
    const run = runs.find((r) => e.time - r[r.length - 1].time <= 1 / format.fps + 1e-9 && r.some((x) => x.objects.some((o) => e.objects.includes(o))));
    if (run) run.push(e);
    else runs.push([e]);
  }
  const visible: TruthImpact[] = [];
  for (const run of runs) {
    const first = run[0];
    const strongest = run.reduce((a, b) => (b.pixelsPerFrame > a.pixelsPerFrame ? b : a));
    const timed = first.time >= 1 / format.fps - 1e-9 && first.time <= (format.frames - 2) / format.fps + 1e-9;
    const inView = first.x >= -0.5 && first.x <= format.width - 0.5 && first.y >= -0.5 && first.y <= format.height - 0.5;
    if (strongest.pixelsPerFrame >= VISIBLE_PIXELS_PER_FRAME && timed && inView) {
      visible.push({ ...first, strength: strongest.strength, pixelsPerFrame: strongest.pixelsPerFrame });
    }
  }
  return { visible, all };
}

/** Rendered clip settings the evaluation cycles through. */
export interface SyncFormat {
  width: number;
  height: number;
  fps: number;
  seconds: number;
}

export const SYNC_FORMATS: readonly SyncFormat[] = [
  { width: 64, height: 64, fps: 8, seconds: 2 },
  { width: 64, height: 64, fps: 24, seconds: 2 },
  { width: 128, height: 128, fps: 8, seconds: 2 },
  { width: 128, height: 128, fps: 24, seconds: 2 },
];

/**
 * The scenes: the training sampler, tilted toward motions that hit things (bounce, fall, jump, and movers
 * that stop against walls and each other) and toward 2–3 objects (collisions), over every background and
 * camera move. Zigzag is left out: its turns and its reflections off the stage sides are scripted paths the
 * simulator does not log, although they look exactly like bounces (`includeZigzag` puts it back).
 */
export function syncSampler(includeZigzag = false): SamplerOptions {
  return {
    weights: { motion: { bounce: 4, fall: 3, jump: 3, static: 1, rotate: 0.5, grow: 0.5, shrink: 0.5, orbit: 0.5, zigzag: includeZigzag ? 1 : 0 } },
    objectCounts: [0.35, 0.4, 0.25],
    heldOutMode: 'allow',
  };
}

export interface SyncOptions {
  clips: number;
  seed?: number;
  formats?: readonly SyncFormat[];
  toleranceFrames?: number;
  includeZigzag?: boolean;
  /** Passed to analyzeVideo (another acceptance of candidates, say). */
  analysis?: AnalyzeOptions;
}

/** One clip of the evaluation: the scene, the rendered frames and the simulator's run, and its truth. */
export interface SyncClip {
  scene: SceneSpec;
  format: ClipFormat;
  seed: number;
  video: VideoFrames;
  simulation: Simulation;
  truth: Truth;
}

/** The evaluation's clips, rendered one at a time (the same scenes for the same seed, formats and zigzag choice). */
export function* syncClips(options: Pick<SyncOptions, 'clips' | 'seed' | 'formats' | 'includeZigzag'>): Generator<SyncClip> {
  const formats = options.formats ?? SYNC_FORMATS;
  const rng = new Rng(options.seed ?? 1);
  const sampler = syncSampler(options.includeZigzag);
  for (let i = 0; i < options.clips; i++) {
    const scene = sampleScene(rng, sampler);
    const f = formats[i % formats.length];
    const format: ClipFormat = { width: f.width, height: f.height, fps: f.fps, frames: Math.round(f.seconds * f.fps) + 1 };
    const seed = (options.seed ?? 1) * 100_003 + i;
    const { video, simulation } = renderClip(scene, format, seed);
    yield { scene, format, seed, video, simulation, truth: truthImpacts(simulation.events, scene, format) };
  }
}

export interface SyncFigures {
  /** Truth by the rule. */
  visible: MatchResult;
  /** Every logged event is truth; nothing is forgiven. */
  strict: MatchResult;
  clips: number;
}

export interface SyncReport {
  overall: SyncFigures;
  /** Per format, keyed "64x64@8". */
  byFormat: Record<string, SyncFigures>;
  /** Per clip, for inspection. */
  clips: { scene: SceneSpec; format: ClipFormat; seed: number; detected: SoundImpact[]; truth: Truth; visible: MatchResult }[];
}

/** Renders `clips` sampled scenes, detects impacts from the frames, and scores them against the log. */
export async function evaluateSync(options: SyncOptions): Promise<SyncReport> {
  const formats = options.formats ?? SYNC_FORMATS;
  const tolerance = options.toleranceFrames ?? 1;
  const clips: SyncReport['clips'] = [];
  for (const { scene, format, seed, video, truth } of syncClips(options)) {
    const detected = (await analyzeVideo(video, options.analysis)).impacts;
    const visible = matchEvents(detected, truth.visible, tolerance, { ignore: truth.all, maxDistance: matchDistance(format) });
    clips.push({ scene, format, seed, detected, truth, visible });
  }
  const figures = (subset: typeof clips): SyncFigures => ({
    visible: pool(subset.map((c) => c.visible)),
    strict: pool(subset.map((c) => matchEvents(c.detected, c.truth.all, tolerance, { maxDistance: matchDistance(c.format) }))),
    clips: subset.length,
  });
  const byFormat: Record<string, SyncFigures> = {};
  for (const f of formats) {
    const key = `${f.width}x${f.height}@${f.fps}`;
    byFormat[key] = figures(clips.filter((c) => c.format.width === f.width && c.format.height === f.height && c.format.fps === f.fps));
  }
  return { overall: figures(clips), byFormat, clips };
}

/** Micro-average: counts summed over clips. */
export function pool(results: readonly MatchResult[]): MatchResult {
  const sum = (f: (r: MatchResult) => number) => results.reduce((s, r) => s + f(r), 0);
  return summarize(sum((r) => r.matched.length), sum((r) => r.detections), sum((r) => r.truths), [], sum((r) => r.forgiven));
}
