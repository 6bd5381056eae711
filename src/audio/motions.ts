/**
 * Motions that sound, from tracks: fast stretches (whooshes), and objects that stay in place while they
 * change (spin, grow, shrink).
 *
 * Only tracks that stay in place their whole life count for spin, grow and shrink (a ball that fell and
 * rests is not spinning). Grow and shrink are read from the bounding box, not the area: against a median
 * background a resizing object shows only where it differs from its median size, so its area dips and
 * rises while its outer extent keeps growing (or keeps shrinking). A spinning object likewise shows only
 * the parts that turn, so its area flickers from frame to frame; a still one's does not.
 */
import type { SoundMotion } from './events.ts';
import { median } from './stats.ts';
import { mapTrack, type Observation, type PointMap, type Track } from './track.ts';

export interface MotionOptions {
  fps: number;
  width: number;
  height: number;
  /** Maps a point of frame k into the background's frame (camera compensation); identity when absent. */
  toScene?: PointMap;
}

/** Fast: at least this many short-sides per second (a drop across the frame reaches ~2.9). */
const FAST_SPEED = 1;
/** Stays put for at least this share of the clip and this many seconds to count as spinning or resizing. */
const STILL_SHARE = 0.5;
const STILL_SECONDS = 0.5;
/** Extent change between the first and last quarter for grow/shrink. */
const RESIZE_RATIO = 1.2;
/** A track stays in place when its centroid ranges over at most this share of its radius (and 2 px). */
const IN_PLACE = 0.5;
/** Spin: the frame-to-frame change of the area, relative to the area, at least this on average. */
const SPIN_FLICKER = 0.06;

/** Speeds and staying in place are judged against the background, so a pan does not make things move. */
export function detectMotions(tracks: readonly Track[], o: MotionOptions): SoundMotion[] {
  const clipFrames = Math.max(...tracks.flatMap((t) => t.observations.map((obs) => obs.frame + 1)), 1);
  const toScene = o.toScene;
  return tracks
    .map((t) => (toScene ? mapTrack(t, toScene) : t))
    .flatMap((t) => [...fastStretches(t, o), ...stillChanges(t, o, clipFrames)])
    .sort((a, b) => a.start - b.start);
}


function radiusShare(obs: readonly Observation[], short: number): number {
  return Math.sqrt(median(obs.map((x) => x.area)) / Math.PI) / short;
}

/** Speed at each observation (central difference over neighbours on adjacent frames), short-sides per second. */
function speeds(obs: readonly Observation[], o: MotionOptions): number[] {
  const short = Math.min(o.width, o.height);
  return obs.map((cur, i) => {
    const prev = obs[i - 1]?.frame === cur.frame - 1 ? obs[i - 1] : cur;
    const next = obs[i + 1]?.frame === cur.frame + 1 ? obs[i + 1] : cur;
    const frames = next.frame - prev.frame;
    return frames === 0 ? 0 : (Math.hypot(next.x - prev.x, next.y - prev.y) / frames) * (o.fps / short);
  });
}

function fastStretches(track: Track, o: MotionOptions): SoundMotion[] {
  const obs = track.observations;
  const v = speeds(obs, o);
  const size = radiusShare(obs, Math.min(o.width, o.height));
  const out: SoundMotion[] = [];
  let i = 0;
  while (i < obs.length) {
    if (v[i] < FAST_SPEED) {
      i++;
      continue;
    }
    let j = i;
    // Extend over fast observations, bridging a single slow or missing frame (the top of an arc).
    while (j + 1 < obs.length && obs[j + 1].frame - obs[j].frame <= 2 && (v[j + 1] >= FAST_SPEED || v[j + 2] >= FAST_SPEED)) j++;
    if (obs[j].frame > obs[i].frame) {
      const part = obs.slice(i, j + 1);
      out.push({
        kind: 'fast',
        track: track.id,
        start: (obs[i].frame - 0.5) / o.fps,
        end: (obs[j].frame + 0.5) / o.fps,
        speed: Math.max(...v.slice(i, j + 1)),
        x: part.reduce((s, x) => s + x.x, 0) / part.length,
        size,
      });
    }
    i = j + 1;
  }
  return out;
}

function stillChanges(track: Track, o: MotionOptions, clipFrames: number): SoundMotion[] {
  const obs = track.observations;
  const span = obs.length ? obs[obs.length - 1].frame - obs[0].frame + 1 : 0;
  if (span < STILL_SHARE * clipFrames || span < STILL_SECONDS * o.fps) return [];
  const radius = Math.sqrt(median(obs.map((x) => x.area)) / Math.PI);
  const range = Math.max(Math.max(...obs.map((x) => x.x)) - Math.min(...obs.map((x) => x.x)), Math.max(...obs.map((x) => x.y)) - Math.min(...obs.map((x) => x.y)));
  if (range > Math.max(2, IN_PLACE * radius)) return [];
  const quarter = Math.max(1, Math.floor(obs.length / 4));
  const early = median(obs.slice(0, quarter).map((x) => x.extent));
  const late = median(obs.slice(-quarter).map((x) => x.extent));
  let flicker = 0;
  for (let i = 1; i < obs.length; i++) flicker += Math.abs(obs[i].area - obs[i - 1].area) / Math.max(obs[i].area, 1);
  flicker /= Math.max(1, obs.length - 1);
  const kind: SoundMotion['kind'] | undefined =
    late >= RESIZE_RATIO * early ? 'grow' : early >= RESIZE_RATIO * late ? 'shrink' : flicker >= SPIN_FLICKER ? 'spin' : undefined;
  if (!kind) return [];
  return [
    {
      kind,
      track: track.id,
      start: obs[0].frame / o.fps,
      end: (obs[obs.length - 1].frame + 1) / o.fps,
      speed: 0,
      x: median(obs.map((x) => x.x)),
      size: radius / Math.min(o.width, o.height),
    },
  ];
}
