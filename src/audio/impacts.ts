/**
 * Impacts from trajectories. Between impacts an object moves smoothly (constant velocity, or constant
 * acceleration under gravity), so its second difference a(k) = p(k+1) − 2p(k) + p(k−1) is nearly
 * constant. An impact at time k + φ (0 ≤ φ < 1, in frames) changes the velocity by Δv at once, which adds
 * Δv·(1 − φ) to a(k) and Δv·φ to a(k+1). So a pair of consecutive second differences that stands out from
 * the local baseline gives the velocity change (their sum) and the sub-frame time (how it splits).
 *
 * A velocity change is an impact only when it opposes the motion before it: a bounce reverses the normal
 * velocity, a landing or a stop removes it. A take-off (from rest) or an object set moving by a blow
 * gains velocity from nothing and is not an impact. Impacts of two tracks at the same moment, close
 * enough to touch, are one collision.
 */
import type { SoundImpact } from './events.ts';
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
}

/** Smallest velocity change reported, in pixels per frame (quantisation and anti-aliasing stay well below). */
const MIN_JUMP = 0.8;
/** The jump must also stand this many noise deviations (of the track's own second differences) out. */
const NOISE_FACTOR = 6;
/** The speed into the change before it must be at least this share of the change (a bounce has ½ or more, a stop all of it). */
const MIN_APPROACH = 0.3;
/** Values within this many noise deviations (and at least MIN_CLUSTER pixels) of each other form a baseline cluster. */
const CLUSTER_NOISE = 3;
const MIN_CLUSTER = 0.35;
/** Largest ratio of the object's area over the four frames of a change. */
const MAX_AREA_CHANGE = 1.3;
/** Rounds of detection, each after removing what the impacts already found explain. */
const PASSES = 3;
/** Each of a pair's two second differences may point against its sum by at most this share of it. */
const MAX_BACKSWING = 0.25;
/** A track has gravity when at least this many second differences agree on it. */
const MIN_GRAVITY_VOTES = 3;
/** Half-width of the window the baseline second difference is taken from, in frames. */
const BASELINE_HALF = 4;
/** An observation cut by the frame edge, smaller than this share of the track's median area, is unreliable. */
const CLIPPED_AREA = 0.8;
/** Collisions: impacts of two tracks at most this many frames apart and this close (in summed radii). */
const COLLISION_FRAMES = 1.5;
const COLLISION_REACH = 1.2;

/** A trajectory change of one track. */
interface TrackImpact {
  track: number;
  /** In frames (sub-frame). */
  at: number;
  x: number;
  y: number;
  /** |Δv| in pixels per frame. */
  jump: number;
  radius: number;
}

export function detectImpacts(tracks: readonly Track[], options: ImpactOptions): SoundImpact[] {
  const { toScene, fromScene } = options;
  const found: TrackImpact[] = [];
  for (const track of tracks) found.push(...trackImpacts(toScene ? mapTrack(track, toScene) : track));
  const onScreen = fromScene
    ? found.map((f) => {
        const [x, y] = fromScene(Math.round(f.at), f.x, f.y);
        return { ...f, x, y };
      })
    : found;
  return mergeCollisions(onScreen, options);
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

function trackImpacts(track: Track): TrackImpact[] {
  const radius = Math.sqrt(median(track.observations.map((o) => o.area)) / Math.PI);
  const runs = reliableRuns(track).map(secondDifferences);
  const gravity = trackGravity(runs);
  return runs.flatMap((run) => runImpacts(run, track.id, radius, gravity));
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
  // their lower quartile: at 8 fps a bouncing object disturbs most of them. For |N(0, s)| the lower
  // quartile is 0.3186 s, and a difference of two second differences has s = σ√2.
  const steps: number[] = [];
  for (let k = 2; k < m - 1; k++) steps.push(Math.abs(ax[k] - ax[k - 1]), Math.abs(ay[k] - ay[k - 1]));
  const sigma = quantile(steps, 0.25) / (0.3186 * Math.SQRT2);
  return { obs, ax, ay, sigma, tolerance: Math.max(MIN_CLUSTER, CLUSTER_NOISE * sigma) };
}

/**
 * The track's free-flight acceleration, if it has one: the densest cluster of its downward vertical
 * second differences, when at least a few agree (gravity, in pixels per frame²). Only downward: a run
 * of bounces can make upward values agree too.
 */
function trackGravity(runs: readonly Run[]): number | undefined {
  const values: number[] = [];
  let tolerance = MIN_CLUSTER;
  for (const run of runs) {
    tolerance = Math.max(tolerance, run.tolerance);
    for (let k = 1; k < run.obs.length - 1; k++) if (run.ay[k] > run.tolerance) values.push(run.ay[k]);
  }
  const { mean, count } = densest(values, tolerance);
  return count >= MIN_GRAVITY_VOTES ? mean : undefined;
}

/**
 * Impacts of one run. Each pair (k, k+1) is tested against three explanations of its second
 * differences without an impact: the local baseline (the densest cluster of the second differences
 * around, leaving out the pair and its neighbours: at 8 fps a bounce every five frames disturbs two
 * values in five, so a median drifts), rest or uniform motion (0), and free flight (the track's gravity).
 * The pair is an impact only if it stands out from all three (a take-off's flight and a landing's rest
 * would otherwise each look like a change) and it opposes the motion before it.
 */
function runImpacts(run: Run, id: number, radius: number, gravity: number | undefined): TrackImpact[] {
  const ax = Float64Array.from(run.ax), ay = Float64Array.from(run.ay);
  const found: TrackImpact[] = [];
  const taken = new Set<number>();
  // Two impacts a frame or two apart (a floor then a wall; a landing then a bounce) share second
  // differences, and the weaker hides behind the stronger. So each pass removes what the impacts it found
  // explain (their residuals along their Δv) and looks again.
  for (let pass = 0; pass < PASSES; pass++) {
    const more = scanPairs(run, ax, ay, gravity).filter((c) => !taken.has(c.k));
    if (more.length === 0) break;
    for (const c of more) {
      taken.add(c.k);
      ax[c.k] -= c.first * c.jx;
      ay[c.k] -= c.first * c.jy;
      ax[c.k + 1] -= c.second * c.jx;
      ay[c.k + 1] -= c.second * c.jy;
      const o = run.obs;
      const vx = o[c.k].x - o[c.k - 1].x, vy = o[c.k].y - o[c.k - 1].y;
      found.push({ track: id, at: o[c.k].frame + c.phi, x: o[c.k].x + vx * c.phi, y: o[c.k].y + vy * c.phi, jump: c.size, radius });
    }
  }
  return found.sort((p, q) => p.at - q.at);
}

/** An impact found at pair (k, k+1): its size, unit direction, how it splits over the two, and when. */
interface Candidate {
  k: number;
  size: number;
  jx: number;
  jy: number;
  first: number;
  second: number;
  phi: number;
}

/**
 * One scan over the pairs (k, k+1), 1 ≤ k ≤ m − 3. Each pair is tested against three explanations of its
 * second differences without an impact: the local baseline (the densest cluster of the second differences
 * around, leaving out the pair and its neighbours: at 8 fps a bounce every five frames disturbs two values
 * in five, so a median drifts), rest or uniform motion (0), and free flight (the track's gravity). It is an
 * impact only if it stands out from all three (a take-off's flight and a landing's rest would otherwise each
 * look like a change), both of its second differences point the same way (a one-frame glitch of the
 * centroid gives +e, −2e, +e), and it opposes the motion before it (a take-off starts from rest).
 */
function scanPairs(run: Run, ax: Float64Array, ay: Float64Array, gravity: number | undefined): Candidate[] {
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
  const threshold = Math.max(MIN_JUMP, NOISE_FACTOR * run.sigma);
  const found: (Candidate | undefined)[] = new Array(m);
  for (let k = 1; k <= m - 3; k++) {
    // Test: the change must stand out from every explanation. Measure: against the local regime.
    const [bx, by] = local(k);
    const sx = ax[k] + ax[k + 1], sy = ay[k] + ay[k + 1];
    let least = Math.hypot(sx - 2 * bx, sy - 2 * by);
    least = Math.min(least, Math.hypot(sx, sy));
    if (gravity !== undefined) least = Math.min(least, Math.hypot(sx, sy - 2 * gravity));
    if (least < threshold) continue;
    const r0x = ax[k] - bx, r0y = ay[k] - by, r1x = ax[k + 1] - bx, r1y = ay[k + 1] - by;
    const size = Math.hypot(r0x + r1x, r0y + r1y);
    const jx = (r0x + r1x) / size, jy = (r0y + r1y) / size;
    const first = r0x * jx + r0y * jy, second = r1x * jx + r1y * jy;
    if (first < -MAX_BACKSWING * size || second < -MAX_BACKSWING * size) continue;
    // The object must keep its size through the change: a jump of the centroid that comes with a jump of
    // the area is the segmentation changing (a merge, a ghost), not the object.
    const areas = [obs[k - 1].area, obs[k].area, obs[k + 1].area, obs[k + 2].area];
    if (Math.max(...areas) > MAX_AREA_CHANGE * Math.min(...areas)) continue;
    const phi = clamp01(second / (first + second));
    // Velocity just before the impact: over (k−1, k), carried on by the acceleration just before (a(k−1)):
    // gravity in flight, none at rest, so a take-off from rest has no approach.
    const lead = k >= 2 ? 1 : 0;
    const vx = obs[k].x - obs[k - 1].x + lead * ax[k - 1] * (phi + 0.5);
    const vy = obs[k].y - obs[k - 1].y + lead * ay[k - 1] * (phi + 0.5);
    if (-(vx * jx + vy * jy) < MIN_APPROACH * size) continue;
    found[k] = { k, size, jx, jy, first, second, phi };
  }
  // A change spreads over neighbouring pairs: keep the largest of adjacent ones.
  const sizeAt = (k: number) => found[k]?.size ?? -1;
  return found.filter((c, k): c is Candidate => c !== undefined && sizeAt(k - 1) < c.size && sizeAt(k + 1) <= c.size);
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

function clamp01(v: number): number {
  return v < 0 || !Number.isFinite(v) ? 0 : v > 1 ? 1 : v;
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
      if (Math.hypot(a.x - b.x, a.y - b.y) <= COLLISION_REACH * (a.radius + b.radius) + 2) {
        partner = j;
        break;
      }
    }
    used[i] = 1;
    if (partner === -1) {
      out.push(soundImpact(a.at, a.x, a.y, toSeconds(a.jump), a.radius / short, 'impact', [a.track], o.fps));
      continue;
    }
    used[partner] = 1;
    const b = sorted[partner];
    // The stronger change times the collision (the weaker side may be a slow, noisy push).
    const lead = a.jump >= b.jump ? a : b;
    out.push(
      soundImpact(lead.at, (a.x + b.x) / 2, (a.y + b.y) / 2, toSeconds(Math.max(a.jump, b.jump)), Math.max(a.radius, b.radius) / short, 'collision', [a.track, b.track], o.fps),
    );
  }
  return out.sort((p, q) => p.time - q.time);
}

function soundImpact(at: number, x: number, y: number, strength: number, size: number, kind: SoundImpact['kind'], tracks: number[], fps: number): SoundImpact {
  return { frame: Math.round(at), time: at / fps, x, y, strength, size, kind, tracks };
}
