/**
 * Impacts from trajectories. Between impacts an object moves smoothly (at rest, at constant velocity, or
 * in free flight under gravity), so its second difference a(k) = p(k+1) − 2p(k) + p(k−1) stays at its
 * regime's acceleration. An impact at time k + φ (0 ≤ φ < 1, in frames) changes the velocity at once, and
 * only a(k) and a(k+1) see it. A pair of consecutive second differences that stands out from every
 * regime is a candidate, measured by fitting a segment to each side (through frames k − 1, k and k + 1,
 * k + 2, each with its own regime's acceleration: a landing goes from flight to rest) and timing the
 * impact where the two meet: a bounce between two frames still shows as the two segments crossing at a
 * sub-frame time, and the velocity change is the difference of their slopes there.
 *
 * Gravity is one for the whole clip: a track with too little free flight of its own borrows it from the
 * others. The noise a candidate must stand out from is read from the second differences' distances to
 * their regimes, which a run bouncing every few frames does not inflate.
 *
 * A velocity change is an impact only when it opposes the motion before it, by about as much as that
 * motion (a bounce reverses the normal velocity, a landing or a stop removes it; a smaller change is a
 * track drifting, a larger one a track jumping between objects). Where another object is within reach, the
 * motion may also be taken relative to that object's (two moving objects collide by their relative velocity:
 * one hit from behind gains speed along its motion). A take-off (from rest) or an object set
 * moving by a blow gains velocity from nothing and is not an impact. Impacts of two tracks at the same
 * moment, close enough to touch and each pushed away from the other, are one collision. An impact is reported where it hit: at the object's
 * edge on the side it was pushed from (the event's place, not the object's centre, a radius away for a
 * big object).
 *
 * The rules above are the first stage of a cascade: candidates are proposed under looser limits (LOOSE_*),
 * and a learned re-scorer (rescore.ts, weights in impact-model.json, trained by
 * bench/audio-train-impacts.ts) keeps or drops each from the quantities the rules measure, the rules'
 * own verdict among them. `accept: { kind: 'rules' }` keeps exactly what the rules keep.
 */
import { readFileSync } from 'node:fs';
import { CinesimError, ERRORS } from '../errors.ts';
import type { SoundImpact } from './events.ts';
import { scoreTrees, type BoostedTrees } from './rescore.ts';
import { median, quantile } from './stats.ts';
import { mapTrack, type Observation, type PointMap, type Track } from './track.ts';

export interface ImpactOptions {
  fps: number;
  width: number;
  height: number;
  /**
   * Camera compensation: frame k's points into the background's frame and back. Velocities are judged
   * against the background (under a tilt a resting object drifts down the picture, and its take-off
   * would look like a blow against that drift); the impacts are reported in frame pixels.
   */
  toScene?: PointMap;
  fromScene?: PointMap;
  /** Whether the camera moved (a feature of the re-scorer: a moving camera leaves jitter in trajectories). */
  cameraMoving?: boolean;
  /** Which candidates are kept (default: the learned re-scorer, impact-model.json). */
  accept?: ImpactAcceptance;
  /** Sees every candidate the loose stage proposes, kept or not, with its features (training, diagnosis). */
  onCandidate?: (c: ImpactCandidate) => void;
}

/**
 * How candidates are kept: by the hand-set rules alone (`rules`: the constants below), or by the re-scorer's
 * log-odds against a threshold (default: the committed model and its chosen threshold).
 */
export type ImpactAcceptance = { kind: 'rules' } | { kind: 'model'; model: BoostedTrees; threshold: number };

/** A proposed change of one track, on screen, with what the re-scorer judged it by. */
export interface ImpactCandidate {
  track: number;
  /** In frames (sub-frame). */
  at: number;
  /** Where it hit, pixels. */
  x: number;
  y: number;
  features: Float64Array;
  /** Whether the hand-set rules keep it. */
  rules: boolean;
  kept: boolean;
}

/** Smallest velocity change reported, in pixels per frame (quantisation and anti-aliasing stay well below). */
const MIN_JUMP = 0.8;
/** The jump must also stand this many noise deviations (of the track's own second differences) out. */
const NOISE_FACTOR = 4;
/**
 * The speed into the change before it must be at least this share of the change: a bounce has ½ or more
 * (½ when perfectly elastic), a stop all of it; less is a change larger than any bounce, mostly a track
 * jumping between objects (on the bench's clips half of these were false alarms).
 */
const MIN_APPROACH = 0.4;
/**
 * ... and at least this many pixels per frame: a slower approach moves the object less than a pixel a frame,
 * which cannot be timed to a frame (what is left of such a change is tracking noise).
 */
const MIN_APPROACH_SPEED = 0.8;
/**
 * The speed into the change must be at most this many times the change: a bounce or a stop against
 * something takes away at least the normal speed (Δv between v and 2v), so a change much smaller than
 * the speed into it is a track drifting as blobs merge and split, not an impact (on the bench's clips
 * three in five of these were false alarms).
 */
const MAX_APPROACH = 1.4;
/** Values within this many noise deviations (and at least MIN_CLUSTER pixels) of each other form a baseline cluster. */
const CLUSTER_NOISE = 3;
const MIN_CLUSTER = 0.35;
/** Largest ratio of the object's area over the four frames of a change. */
const MAX_AREA_CHANGE = 1.3;
/** Rounds of detection, each after removing what the impacts already found explain. */
const PASSES = 3;
/** The two fitted segments must meet between the pair's frames to within this share of the velocity change. */
const MAX_MISS = 0.25;
/** A track has gravity when at least this many second differences agree on it. */
const MIN_GRAVITY_VOTES = 3;
/** Downward second differences agree on gravity within this share of their size. */
const GRAVITY_AGREE = 0.12;
/** Half-width of the window the baseline second difference is taken from, in frames. */
const BASELINE_HALF = 4;
/** An observation cut by the frame edge, smaller than this share of the track's median area, is unreliable. */
const CLIPPED_AREA = 0.8;
/** Collisions: impacts of two tracks at most this many frames apart and this close (in summed radii). */
const COLLISION_FRAMES = 1.5;
const COLLISION_REACH = 1.2;

/**
 * The loose candidate stage the re-scorer judges: looser than every rule above, so that what the rules
 * reject (a change under the noise threshold, segments that nearly meet, an area that jumps, an approach
 * outside a bounce's range) is weighed instead of dropped.
 */
const LOOSE_MIN_JUMP = 0.5;
const LOOSE_NOISE_FACTOR = 2.5;
const LOOSE_MISS = 0.6;
const LOOSE_AREA_CHANGE = 2;
const LOOSE_APPROACH = 0.1;

/** The re-scorer's features, in order (scanPairs computes them; impact-model.json is trained on them). */
export const IMPACT_FEATURES = [
  'logJump', // ln |Δv|, pixels per frame
  'noiseDeviations', // ln(distance of the pair from the nearest explanation / noise deviation)
  'overThreshold', // that distance over the rules' threshold
  'logNoise', // ln noise deviation
  'miss', // gap between the fitted segments / |Δv|
  'areaChange', // ln(largest / smallest area over the four frames)
  'areaInner', // |ln| area change across the pair
  'areaOuter', // largest |ln| area change into and out of the pair
  'approach', // speed into the change against it / |Δv|
  'relativeApproach', // the same relative to the neighbour that fits a bounce best (−3: none)
  'neighbours', // other tracks within reach
  'neighbourGap', // nearest other track, in units of reach (5: none)
  'logSpeed', // ln speed before, pixels per frame
  'knownBefore', // the regime before is known
  'knownAfter', // the regime after is known
  'nextToImpact', // an impact was found at the pair before or after
  'shared', // observations (of 4) cut out of shared blobs
  'border', // observations (of 4) touching the frame edge
  'upward', // −y component of the change's direction
  'sideways', // |x| component of it
  'hasGravity', // gravity known
  'fps',
  'shortSide', // pixels
  'radius', // track radius / short side
  'phi', // sub-frame time of the change
  'pass', // detection pass (0..PASSES − 1)
  'logRun', // ln run length
  'runEdge', // frames to the run's nearer end
  'rules', // the hand-set rules keep it
  'cameraMoving',
  'tracks', // tracks in the clip
] as const;

/** The committed re-scorer (bench/audio-train-impacts.ts writes it) and the log-odds it keeps a candidate at. */
export interface ImpactModel {
  model: BoostedTrees;
  threshold: number;
}

let loaded: ImpactAcceptance | undefined;
function defaultAcceptance(): ImpactAcceptance {
  if (!loaded) {
    const file = JSON.parse(readFileSync(new URL('./impact-model.json', import.meta.url), 'utf8')) as ImpactModel;
    if (file.model.features.join() !== IMPACT_FEATURES.join()) {
      throw new CinesimError(ERRORS.MODEL_INVALID, 'src/audio/impact-model.json was trained on other features; rerun bench/audio-train-impacts.ts');
    }
    loaded = { kind: 'model', model: file.model, threshold: file.threshold };
  }
  return loaded;
}

/** A trajectory change of one track. */
interface TrackImpact {
  track: number;
  /** In frames (sub-frame). */
  at: number;
  x: number;
  y: number;
  /** Where it hit: the object's edge on the side it was pushed from (its centre less a radius along Δv). */
  cx: number;
  cy: number;
  /** |Δv| in pixels per frame. */
  jump: number;
  radius: number;
  candidate: Candidate;
}

export function detectImpacts(tracks: readonly Track[], options: ImpactOptions): SoundImpact[] {
  const { toScene, fromScene } = options;
  // Runs of every track first: gravity is one for the whole clip, so a track with too little free flight of
  // its own to show it (a fall that bounces every two frames at 8 fps) borrows the clip's.
  const inScene = toScene ? tracks.map((track) => mapTrack(track, toScene)) : tracks;
  const runsOf = inScene.map((track) => reliableRuns(track).map(secondDifferences));
  const clipGravity = gravityOf(runsOf.flat());
  const moving = neighbourVelocities(inScene);
  const clip = {
    fps: options.fps,
    short: Math.min(options.width, options.height),
    cameraMoving: options.cameraMoving ?? false,
    tracks: tracks.length,
    accept: options.accept ?? defaultAcceptance(),
    proposed: options.onCandidate ? [] : undefined,
  };
  const found: TrackImpact[] = [];
  tracks.forEach((track, i) => found.push(...trackImpacts(track, runsOf[i], clipGravity, (f, x, y, r) => moving(i, f, x, y, r), clip)));
  const toScreen = (f: TrackImpact): TrackImpact => {
    if (!fromScene) return f;
    const [x, y] = fromScene(Math.round(f.at), f.x, f.y);
    const [cx, cy] = fromScene(Math.round(f.at), f.cx, f.cy);
    return { ...f, x, y, cx, cy };
  };
  for (const p of clip.proposed ?? []) {
    const { at, cx, cy, track, candidate } = toScreen(p);
    options.onCandidate?.({ track, at, x: cx, y: cy, features: candidate.features, rules: candidate.rules, kept: candidate.kept });
  }
  return mergeCollisions(found.map(toScreen), options);
}


/** Runs of observations on consecutive frames, cut where the object was unseen or cut off by the frame edge. */
function reliableRuns(track: Track): Observation[][] {
  const typical = median(track.observations.map((o) => o.area));
  const runs: Observation[][] = [];
  let run: Observation[] = [];
  for (const o of track.observations) {
    const clipped = o.border && o.area < CLIPPED_AREA * typical;
    const follows = run.length > 0 && o.frame === run[run.length - 1].frame + 1;
    if (clipped || !follows) {
      if (run.length > 0) runs.push(run);
      run = [];
    }
    if (!clipped) run.push(o);
  }
  if (run.length > 0) runs.push(run);
  return runs.filter((r) => r.length >= 4);
}

/** Another track seen at frames f − 1 and f: its velocity over (f − 1, f), and its distance at f or f + 1 in units of the reach of a contact (≤ 1: within reach). */
interface Neighbour {
  vx: number;
  vy: number;
  gap: number;
}
type Neighbours = (frame: number, x: number, y: number, radius: number) => Neighbour[];

function neighbourVelocities(tracks: readonly Track[]): (self: number, frame: number, x: number, y: number, radius: number) => Neighbour[] {
  const byFrame = tracks.map((t) => new Map(t.observations.map((o) => [o.frame, o])));
  const radii = tracks.map((t) => Math.sqrt(median(t.observations.map((o) => o.area)) / Math.PI));
  return (self, f, x, y, radius) => {
    const out: Neighbour[] = [];
    byFrame.forEach((obs, j) => {
      if (j === self) return;
      const a = obs.get(f - 1), b = obs.get(f), c = obs.get(f + 1);
      if (!a || !b) return;
      const reach = COLLISION_REACH * (radius + radii[j]) + 2;
      const distance = Math.min(Math.hypot(b.x - x, b.y - y), c !== undefined ? Math.hypot(c.x - x, c.y - y) : Infinity);
      out.push({ vx: b.x - a.x, vy: b.y - a.y, gap: distance / reach });
    });
    return out;
  };
}

/** What a candidate is judged with beyond its own run: the clip, the track, and who keeps it. */
interface Context {
  fps: number;
  short: number;
  cameraMoving: boolean;
  /** Tracks in the clip. */
  tracks: number;
  /** The track's radius, pixels. */
  radius: number;
  accept: ImpactAcceptance;
  /** Every candidate proposed (scene coordinates), for onCandidate. */
  proposed?: TrackImpact[];
}

function trackImpacts(track: Track, runs: readonly Run[], clipGravity: number | undefined, neighbours: Neighbours, clip: Omit<Context, 'radius'>): TrackImpact[] {
  const radius = Math.sqrt(median(track.observations.map((o) => o.area)) / Math.PI);
  const gravity = gravityOf(runs) ?? clipGravity;
  const ctx = { ...clip, radius };
  return runs.flatMap((run) => runImpacts(withRegimeNoise(run, gravity), track.id, gravity, neighbours, ctx));
}

/**
 * The run's noise, read again once gravity is known: from each second difference's distance to the nearer
 * of rest and free flight, per axis, at the lower quartile. Where the object bounces every few frames
 * (8 fps) few consecutive second differences lie in one regime, so their differences overstate the noise
 * many times; the distance to a regime does not. The smaller of the two readings holds.
 */
function withRegimeNoise(run: Run, gravity: number | undefined): Run {
  const values: number[] = [];
  for (let k = 1; k < run.obs.length - 1; k++) {
    const x = run.ax[k], y = run.ay[k];
    const flight = gravity === undefined ? Infinity : Math.hypot(x, y - gravity);
    const g = flight < Math.hypot(x, y) ? (gravity as number) : 0;
    values.push(Math.abs(x), Math.abs(y - g));
  }
  const sigma = Math.min(run.sigma, quantile(values, 0.25) / 0.3186);
  return { ...run, sigma, tolerance: Math.max(MIN_CLUSTER, CLUSTER_NOISE * sigma) };
}

/** A run with its second differences (defined for 1 ≤ k ≤ m − 2) and their noise. */
interface Run {
  obs: readonly Observation[];
  ax: Float64Array;
  ay: Float64Array;
  /** Noise deviation of one second difference, and the spread within which values agree. */
  sigma: number;
  tolerance: number;
}

function secondDifferences(obs: readonly Observation[]): Run {
  const m = obs.length;
  const ax = new Float64Array(m), ay = new Float64Array(m);
  for (let k = 1; k < m - 1; k++) {
    ax[k] = obs[k + 1].x - 2 * obs[k].x + obs[k - 1].x;
    ay[k] = obs[k + 1].y - 2 * obs[k].y + obs[k - 1].y;
  }
  // Noise from consecutive differences (blind to a baseline that is constant piece by piece), read at
  // their lower quartile: at 8 fps a bouncing object disturbs most of them (withRegimeNoise reads it
  // again). For |N(0, s)| the lower quartile is 0.3186 s, and a difference of two second differences has
  // s = σ√2.
  const steps: number[] = [];
  for (let k = 2; k < m - 1; k++) steps.push(Math.abs(ax[k] - ax[k - 1]), Math.abs(ay[k] - ay[k - 1]));
  const sigma = quantile(steps, 0.25) / (0.3186 * Math.SQRT2);
  return { obs, ax, ay, sigma, tolerance: Math.max(MIN_CLUSTER, CLUSTER_NOISE * sigma) };
}

/**
 * The track's free-flight acceleration, if it has one: the densest cluster of its downward vertical
 * second differences, when at least a few agree (gravity, in pixels per frame²). Only downward: a run
 * of bounces can make upward values agree too. Values agree within a share of their size, not within the
 * run's noise: a run that bounces every few frames overstates its noise (see withRegimeNoise), and with it
 * every value would agree and none would stand out.
 */
function gravityOf(runs: readonly Run[]): number | undefined {
  const values: number[] = [];
  for (const run of runs) {
    for (let k = 1; k < run.obs.length - 1; k++) if (run.ay[k] > MIN_CLUSTER) values.push(run.ay[k]);
  }
  let best = 0, bestCount = 0;
  for (const v of values) {
    const tolerance = Math.max(MIN_CLUSTER, GRAVITY_AGREE * v);
    let count = 0, sum = 0;
    for (const u of values) {
      if (Math.abs(u - v) > tolerance) continue;
      count++;
      sum += u;
    }
    if (count > bestCount) {
      best = sum / count;
      bestCount = count;
    }
  }
  return bestCount >= MIN_GRAVITY_VOTES ? best : undefined;
}

/** Impacts of one run (see scanPairs for how a pair of frames is judged and measured). */
function runImpacts(run: Run, id: number, gravity: number | undefined, neighbours: Neighbours, ctx: Context): TrackImpact[] {
  const { radius } = ctx;
  const ax = Float64Array.from(run.ax), ay = Float64Array.from(run.ay);
  const found: TrackImpact[] = [];
  const taken = new Set<number>();
  const accepted: (Candidate | undefined)[] = new Array(run.obs.length);
  // Two impacts a frame or two apart (a floor then a wall; a landing then a bounce) share second
  // differences, and the weaker hides behind the stronger. So each pass removes what the impacts it found
  // explain (what is left of each second difference is its side's regime) and looks again.
  for (let pass = 0; pass < PASSES; pass++) {
    const proposed = scanPairs(run, ax, ay, gravity, accepted, (f, x, y) => neighbours(f, x, y, radius), ctx, pass).filter((c) => !taken.has(c.k));
    if (ctx.proposed) ctx.proposed.push(...proposed.map((c) => trackImpact(run, id, radius, c)));
    const more = proposed.filter((c) => c.kept);
    if (more.length === 0) break;
    for (const c of more) {
      taken.add(c.k);
      accepted[c.k] = c;
      ax[c.k] -= c.e0x;
      ay[c.k] -= c.e0y;
      ax[c.k + 1] -= c.e1x;
      ay[c.k + 1] -= c.e1y;
      found.push(trackImpact(run, id, radius, c));
    }
  }
  return found.sort((p, q) => p.at - q.at);
}

function trackImpact(run: Run, id: number, radius: number, c: Candidate): TrackImpact {
  const o = run.obs;
  const vx = o[c.k].x - o[c.k - 1].x, vy = o[c.k].y - o[c.k - 1].y;
  const x = o[c.k].x + vx * c.phi, y = o[c.k].y + vy * c.phi;
  return { track: id, at: o[c.k].frame + c.phi, x, y, cx: x - radius * c.jx, cy: y - radius * c.jy, jump: c.size, radius, candidate: c };
}

/** An impact found at pair (k, k+1): its size, unit direction, when (k + phi), and what it explains of a(k), a(k+1). */
interface Candidate {
  k: number;
  size: number;
  jx: number;
  jy: number;
  phi: number;
  /** The part of a(k) and a(k+1) the impact accounts for (the rest is the regimes either side). */
  e0x: number;
  e0y: number;
  e1x: number;
  e1y: number;
  /** The acceleration of the regime before the impact. */
  before: [number, number];
  /** Velocity just after the impact, and the acceleration of the regime after it. */
  vx: number;
  vy: number;
  gx: number;
  gy: number;
  /** What the re-scorer reads (IMPACT_FEATURES), whether the hand-set rules keep it, and whether it is kept. */
  features: Float64Array;
  rules: boolean;
  kept: boolean;
}

/** Steps over [0, 1] at which the gap between the two fitted segments is sampled for its root. */
const ROOT_STEPS = 40;

/**
 * One scan over the pairs (k, k+1), 1 ≤ k ≤ m − 3. Each pair is tested against three explanations of its
 * second differences without an impact: the local baseline (the densest cluster of the second differences
 * around, leaving out the pair and its neighbours: at 8 fps a bounce every five frames disturbs two values
 * in five, so a median drifts), rest or uniform motion (0), and free flight (gravity). It is an impact only
 * if it stands out from all three (a take-off's flight and a landing's rest would otherwise each look like
 * a change), by the pair's sum (which does not depend on how an impact splits between the two) or by each
 * of the two (a bounce in flight whose change about cancels twice the gravity sums to what rest gives).
 *
 * It is then measured as the meeting of two trajectory segments: the one through frames k − 1, k and the
 * one through k + 1, k + 2, each with the acceleration of its own side's regime: whichever of the three
 * explanations the second difference just outside the pair, a(k − 1) or a(k + 2), is nearest; free flight
 * when it fits none (another impact lies there, as a bounce two frames after a bounce at 8 fps), and the
 * regime an impact already found there leaves or enters. A landing
 * goes from flight to rest, a bounce from flight to flight: judging both sides by one baseline misplaces
 * the change. With before(t) and after(t) the two segments, their gap D = after − before is a quadratic in
 * t whose values at k and k + 1 are the pair's residuals (D(k + 1) = a(k) − g_before, D(k) = g_after −
 * a(k + 1)); the impact is where D crosses 0, and the velocity change is D' there. A gap that does not
 * close between k and k + 1 (a one-frame glitch of the centroid gives +e, −2e, +e) is no impact, and the
 * change must oppose the motion just before it (a take-off starts from rest).
 */
function scanPairs(
  run: Run,
  ax: Float64Array,
  ay: Float64Array,
  gravity: number | undefined,
  accepted: readonly (Candidate | undefined)[],
  neighbours: (frame: number, x: number, y: number) => Neighbour[],
  ctx: Context,
  pass: number,
): Candidate[] {
  const { obs } = run;
  const m = obs.length;
  const xs: number[] = [], ys: number[] = [];
  const local = (k: number): [number, number] => {
    xs.length = ys.length = 0;
    for (let j = Math.max(1, k - BASELINE_HALF); j <= Math.min(m - 2, k + BASELINE_HALF + 1); j++) {
      if (j >= k - 1 && j <= k + 2) continue;
      xs.push(ax[j]);
      ys.push(ay[j]);
    }
    return [densest(xs, run.tolerance).mean, densest(ys, run.tolerance).mean];
  };
  // The regime a second difference belongs to: the nearest of the explanations, if one is near.
  const regime = (explanations: readonly [number, number][], j: number, limit: number): [number, number] | undefined => {
    if (j < 1 || j > m - 2) return undefined;
    let best: [number, number] | undefined, bestD = Infinity;
    for (const e of explanations) {
      const d = Math.hypot(ax[j] - e[0], ay[j] - e[1]);
      if (d < bestD) {
        bestD = d;
        best = e;
      }
    }
    return bestD <= limit ? best : undefined;
  };
  const threshold = Math.max(MIN_JUMP, NOISE_FACTOR * run.sigma);
  const loose = Math.max(LOOSE_MIN_JUMP, LOOSE_NOISE_FACTOR * run.sigma);
  const found: (Candidate | undefined)[] = new Array(m);
  const proposed: Candidate[] = [];
  for (let k = 1; k <= m - 3; k++) {
    const base = local(k);
    const [bx, by] = base;
    // How far the pair lies from an explanation (ex, ey): by its sum, or by each of its two values.
    const off = (ex: number, ey: number) =>
      Math.max(Math.hypot(ax[k] + ax[k + 1] - 2 * ex, ay[k] + ay[k + 1] - 2 * ey), Math.hypot(ax[k] - ex, ay[k] - ey, ax[k + 1] - ex, ay[k + 1] - ey));
    let least = Math.min(off(bx, by), off(0, 0));
    if (gravity !== undefined) least = Math.min(least, off(0, gravity));
    if (least < loose) continue;
    const explanations: [number, number][] = gravity !== undefined ? [base, [0, 0], [0, gravity]] : [base, [0, 0]];
    // An impact found in an earlier pass at the pair before ends the segment before this one, and its
    // regime after is this one's before (a landing, then a take-off from rest); likewise at the pair after.
    const prev = accepted[k - 1];
    const broken: [number, number] = gravity !== undefined ? [0, gravity] : base;
    const known: [number, number] | undefined = prev ? [prev.gx, prev.gy] : regime(explanations, k - 1, threshold);
    const before = known ?? broken;
    const next = accepted[k + 1];
    const afterRegime = next ? next.before : regime(explanations, k + 2, threshold);
    const after: [number, number] = afterRegime ?? broken;
    // D(k + s) = d0 + d1·s + dg·s²/2 with D(k) = −r1, D(k + 1) = r0.
    const r0x = ax[k] - before[0], r0y = ay[k] - before[1];
    const r1x = ax[k + 1] - after[0], r1y = ay[k + 1] - after[1];
    const dgx = after[0] - before[0], dgy = after[1] - before[1];
    const d1x = r0x + r1x - dgx / 2, d1y = r0y + r1y - dgy / 2;
    let phi = 0, gap = Infinity;
    for (let i = 0; i <= ROOT_STEPS; i++) {
      const t = i / ROOT_STEPS;
      const g = Math.hypot(-r1x + d1x * t + (dgx * t * t) / 2, -r1y + d1y * t + (dgy * t * t) / 2);
      if (g < gap) {
        gap = g;
        phi = t;
      }
    }
    const vx0 = d1x + dgx * phi, vy0 = d1y + dgy * phi;
    const size = Math.hypot(vx0, vy0);
    if (!(size > 0) || gap > LOOSE_MISS * size) continue;
    const jx = vx0 / size, jy = vy0 / size;
    // The object must keep its size through the change: a jump of the centroid that comes with a jump of
    // the area is the segmentation changing (a merge, a ghost), not the object.
    const areas = [obs[k - 1].area, obs[k].area, obs[k + 1].area, obs[k + 2].area];
    const areaChange = Math.max(...areas) / Math.max(Math.min(...areas), 1e-9);
    if (areaChange > LOOSE_AREA_CHANGE) continue;
    // Velocity just before the impact: over (k−1, k), carried on by the regime before it; or, after an
    // impact at the pair before (a landing just before a take-off), that impact's outgoing velocity.
    let vx = obs[k].x - obs[k - 1].x + before[0] * (phi + 0.5);
    let vy = obs[k].y - obs[k - 1].y + before[1] * (phi + 0.5);
    if (prev) {
      const dt = 1 + phi - prev.phi;
      vx = prev.vx + prev.gx * dt;
      vy = prev.vy + prev.gy * dt;
    }
    let approach = -(vx * jx + vy * jy);
    // Where the regime before is not known (the run starts there, or the second difference fits none) and
    // the object had not moved over (k − 1, k), free flight is only a guess, and it would lend a take-off
    // from rest a fall into it: such an object was at rest.
    const dx = obs[k].x - obs[k - 1].x, dy = obs[k].y - obs[k - 1].y;
    if (!known && Math.hypot(dx, dy) < MIN_APPROACH_SPEED) approach = Math.min(approach, -(dx * jx + dy * jy));
    const fits = (a: number) => a >= Math.max(MIN_APPROACH * size, MIN_APPROACH_SPEED) && a <= MAX_APPROACH * size;
    // Against another moving object the approach is their relative velocity, not this one's alone: the
    // neighbour's that fits the range of a bounce best (−Infinity: no neighbour within reach).
    const others = neighbours(obs[k].frame, obs[k].x, obs[k].y);
    let relative = -Infinity, relativeFits = false;
    for (const n of others) {
      if (n.gap > 1) continue;
      const a = -((vx - n.vx) * jx + (vy - n.vy) * jy);
      relativeFits ||= fits(a);
      if (inBounceRange(a / size) > inBounceRange(relative)) relative = a / size;
    }
    // Loose stage: some part of the change must oppose the motion; the re-scorer weighs the rest.
    if (Math.max(approach, relative * size) < LOOSE_APPROACH * size) continue;
    const rules = least >= threshold && gap <= MAX_MISS * size && areaChange <= MAX_AREA_CHANGE && (fits(approach) || relativeFits);
    const four = [obs[k - 1], obs[k], obs[k + 1], obs[k + 2]];
    const features = Float64Array.from([
      Math.log(size),
      Math.log(least / Math.max(run.sigma, 0.02)),
      least / threshold,
      Math.log(Math.max(run.sigma, 0.02)),
      gap / size,
      Math.log(areaChange),
      Math.abs(Math.log(obs[k + 1].area / Math.max(obs[k].area, 1e-9))),
      Math.max(Math.abs(Math.log(obs[k].area / Math.max(obs[k - 1].area, 1e-9))), Math.abs(Math.log(obs[k + 2].area / Math.max(obs[k + 1].area, 1e-9)))),
      Math.max(-3, Math.min(3, approach / size)),
      Math.max(-3, Math.min(3, relative)),
      others.filter((n) => n.gap <= 1).length,
      Math.min(5, ...others.map((n) => n.gap)),
      Math.log(Math.max(Math.hypot(vx, vy), 0.05)),
      known ? 1 : 0,
      afterRegime ? 1 : 0,
      prev || next ? 1 : 0,
      four.filter((o) => o.shared).length,
      four.filter((o) => o.border).length,
      -jy,
      Math.abs(jx),
      gravity !== undefined ? 1 : 0,
      ctx.fps,
      ctx.short,
      ctx.radius / ctx.short,
      phi,
      pass,
      Math.log(m),
      Math.min(k, m - 2 - k),
      rules ? 1 : 0,
      ctx.cameraMoving ? 1 : 0,
      ctx.tracks,
    ]);
    const kept = ctx.accept.kind === 'rules' ? rules : scoreTrees(ctx.accept.model, features) >= ctx.accept.threshold;
    // What the impact explains: the fitted gap at k + 1 and minus it at k (the regimes keep the rest).
    const at = (t: number): [number, number] => [vx0 * (t - phi) + (dgx * (t - phi) ** 2) / 2, vy0 * (t - phi) + (dgy * (t - phi) ** 2) / 2];
    const [e0x, e0y] = at(1), [mx, my] = at(0);
    const out = { vx: vx + vx0, vy: vy + vy0, gx: after[0], gy: after[1] };
    const candidate = { k, size, jx, jy, phi, e0x, e0y, e1x: -mx, e1y: -my, before, ...out, features, rules, kept };
    proposed.push(candidate);
    if (kept) found[k] = candidate;
  }
  // A change spreads over neighbouring pairs: keep the largest of adjacent ones.
  const sizeAt = (k: number) => found[k]?.size ?? -1;
  for (const c of proposed) c.kept &&= sizeAt(c.k - 1) < c.size && sizeAt(c.k + 1) <= c.size;
  return proposed;
}

/** How far a relative approach (in units of the change) lies inside the range of a bounce (negative: outside). */
function inBounceRange(a: number): number {
  return Math.min(a - MIN_APPROACH, MAX_APPROACH - a);
}

/** The largest group of values lying within `tolerance` of one of them: its mean and size (0, 0 for none). */
function densest(values: readonly number[], tolerance: number): { mean: number; count: number } {
  let best = 0, bestCount = 0, bestSpread = Infinity;
  for (const v of values) {
    let count = 0, sum = 0, spread = 0;
    for (const u of values) {
      if (Math.abs(u - v) > tolerance) continue;
      count++;
      sum += u;
      spread += Math.abs(u - v);
    }
    if (count > bestCount || (count === bestCount && spread < bestSpread)) {
      best = sum / count;
      bestCount = count;
      bestSpread = spread;
    }
  }
  return { mean: best, count: bestCount };
}

/** Pairs impacts of different tracks that happen together and close into collisions; the rest stay single. */
function mergeCollisions(found: TrackImpact[], o: ImpactOptions): SoundImpact[] {
  const short = Math.min(o.width, o.height);
  const toSeconds = (pxPerFrame: number) => (pxPerFrame * o.fps) / short;
  const sorted = [...found].sort((a, b) => a.at - b.at);
  const used = new Uint8Array(sorted.length);
  const out: SoundImpact[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (used[i]) continue;
    const a = sorted[i];
    let partner = -1;
    for (let j = i + 1; j < sorted.length && sorted[j].at - a.at <= COLLISION_FRAMES; j++) {
      const b = sorted[j];
      if (used[j] || b.track === a.track) continue;
      if (pushedApart(a, b) && Math.hypot(a.x - b.x, a.y - b.y) <= COLLISION_REACH * (a.radius + b.radius) + 2) {
        partner = j;
        break;
      }
    }
    used[i] = 1;
    if (partner === -1) {
      out.push(soundImpact(a.at, a.cx, a.cy, toSeconds(a.jump), a.radius / short, 'impact', [a.track], o.fps));
      continue;
    }
    used[partner] = 1;
    const b = sorted[partner];
    // The stronger change times the collision (the weaker side may be a slow, noisy push).
    const lead = a.jump >= b.jump ? a : b;
    out.push(
      soundImpact(lead.at, (a.cx + b.cx) / 2, (a.cy + b.cy) / 2, toSeconds(Math.max(a.jump, b.jump)), Math.max(a.radius, b.radius) / short, 'collision', [a.track, b.track], o.fps),
    );
  }
  return out.sort((p, q) => p.time - q.time);
}

/**
 * Whether each change pushes its object away from the other (a collision's impulse acts along the line
 * between them): two changes at the same time and place that do not are two impacts (a bounce off the
 * floor beside an object that stops), and merging them would time and place one of them wrongly.
 */
function pushedApart(a: TrackImpact, b: TrackImpact): boolean {
  // (x − cx, y − cy) is the change's direction (cx, cy lies a radius back along it).
  const away = (p: TrackImpact, q: TrackImpact) => (p.x - p.cx) * (p.x - q.x) + (p.y - p.cy) * (p.y - q.y) > 0;
  return away(a, b) && away(b, a);
}

function soundImpact(at: number, x: number, y: number, strength: number, size: number, kind: SoundImpact['kind'], tracks: number[], fps: number): SoundImpact {
  return { frame: Math.round(at), time: at / fps, x, y, strength, size, kind, tracks };
}
