/**
 * Tracking: blobs linked across frames into tracks, one per object. Each track predicts where its object
 * will be (constant velocity), and blobs are matched to tracks greedily by a cost that mixes distance to
 * the prediction (in units of a gate that widens with speed, since an impact can reverse the velocity),
 * change of size and change of colour.
 *
 * Objects that touch (a collision) merge into one blob. A track left without a blob whose prediction lies
 * in a blob already taken by another track shares that blob when the blob is too large for its owner
 * alone, or when it shows the sharer's own colours (each track keeps the few colours of the object it
 * started on: body, texture, outline): the owner's area model lags when objects shrink under a zoom, and a
 * small object adds little area to a large one, but its colours are there. Its colours also let it share a
 * taken blob within its gate that its prediction missed: an impact reverses the motion the prediction
 * follows, and the track would be lost exactly where its impact is. The blob's pixels are then
 * split among the tracks by a few k-means rounds on position and colour, seeded by the tracks' predictions
 * and colours. That keeps both trajectories through the contact, which is exactly when the impact happens.
 */
import { blobOf, type Blob } from './blobs.ts';
import { kmeansRgb } from './stats.ts';

export interface Observation {
  frame: number;
  x: number;
  y: number;
  area: number;
  r: number;
  g: number;
  b: number;
  /** Touches the frame edge (the object may be cut off). */
  border: boolean;
  /** Cut out of a blob shared with another track: position less exact. */
  shared: boolean;
  /** Larger side of the bounding box, pixels. */
  extent: number;
  /** The blob's pixel indices and weights (the first pass reads the objects' colours from them). */
  pixels: Int32Array;
  weights: Float32Array;
}

export interface Track {
  id: number;
  /** In frame order; frames where the object was not seen are missing. */
  observations: Observation[];
}

/** A point of frame k moved into another frame of reference (the camera-compensated scene, say). */
export type PointMap = (k: number, x: number, y: number) => [number, number];

/** The track with every observation's position moved by `map`. */
export function mapTrack(track: Track, map: PointMap): Track {
  return {
    ...track,
    observations: track.observations.map((o) => {
      const [x, y] = map(o.frame, o.x, o.y);
      return { ...o, x, y };
    }),
  };
}

/** A track may go unseen this many frames and still continue. */
const MAX_GAP = 2;
/** Gate: object radius + this share of the frame's short side + twice the distance it moves per frame. */
const GATE_SHARE = 0.12;
/**
 * A taken blob is shared when it is this much larger than its first track, or when it holds that track's
 * area plus this share of the sharer's: a small object against a large one adds less than the ratio.
 */
const SHARE_AREA_RATIO = 1.35;
const SHARE_PART = 0.6;
/** A blob shows a sharer when this share of the sharer's area is in its own colours (see showsColours). */
const SHARE_COLOR_PART = 0.25;
/** RGB distance within which a pixel is in one of an object's colours. */
const OWN_COLOR = 40;
/** Colours kept per object, read from the pixels it covers at least this fully (not its anti-aliased rim). */
const PALETTE_COLORS = 3;
const SOLID_WEIGHT = 0.99;
/** Colour distance that costs as much as a full gate. */
const COLOR_SCALE = 120;
const KMEANS_ROUNDS = 4;
/** Weight of colour against position (in radii) in the split: 40 levels of colour count as one radius. */
const SPLIT_COLOR = 40;

interface Live {
  track: Track;
  /** Smoothed colour and area. */
  r: number;
  g: number;
  b: number;
  area: number;
  /** The object's own colours (body, texture accent, outline), from the blob that started the track: [n, 3]. */
  palette: Float32Array;
}

function lastOf(t: Track): Observation {
  return t.observations[t.observations.length - 1];
}

/** Where the track's object should be at frame k, and the distance it moves per frame. */
function predict(live: Live, k: number): { x: number; y: number; speed: number } {
  const obs = live.track.observations;
  const last = obs[obs.length - 1];
  if (obs.length < 2) return { x: last.x, y: last.y, speed: 0 };
  const prev = obs[obs.length - 2];
  const dt = last.frame - prev.frame;
  const vx = (last.x - prev.x) / dt, vy = (last.y - prev.y) / dt;
  const ahead = k - last.frame;
  return { x: last.x + vx * ahead, y: last.y + vy * ahead, speed: Math.hypot(vx, vy) };
}

function radiusOf(area: number): number {
  return Math.sqrt(area / Math.PI);
}

/** Links per-frame blobs into tracks. `frames[k]` are frame k's blobs; `rgb(k)` its pixels (for splits). */
export function trackBlobs(
  frames: readonly Blob[][],
  rgb: (k: number) => Uint8Array,
  weights: (k: number) => Float32Array,
  width: number,
  height: number,
): Track[] {
  const tracks: Track[] = [];
  let live: Live[] = [];
  const short = Math.min(width, height);
  for (let k = 0; k < frames.length; k++) {
    live = live.filter((l) => k - lastOf(l.track).frame <= MAX_GAP + 1);
    const blobs = frames[k];
    const predictions = live.map((l) => predict(l, k));
    const gates = live.map((l, i) => radiusOf(l.area) + GATE_SHARE * short + 2 * predictions[i].speed * (k - lastOf(l.track).frame));

    // 1. Greedy one-to-one matching by cost.
    const pairs: { t: number; b: number; cost: number }[] = [];
    live.forEach((l, t) => {
      blobs.forEach((blob, b) => {
        const d = Math.hypot(blob.x - predictions[t].x, blob.y - predictions[t].y);
        if (d > gates[t]) return;
        const colour = Math.hypot(blob.r - l.r, blob.g - l.g, blob.b - l.b);
        const cost = d / gates[t] + 0.5 * Math.abs(Math.log(blob.area / l.area)) + colour / COLOR_SCALE;
        pairs.push({ t, b, cost });
      });
    });
    pairs.sort((p, q) => p.cost - q.cost);
    const blobOwner = new Int32Array(blobs.length).fill(-1);
    const trackBlob = new Int32Array(live.length).fill(-1);
    for (const { t, b } of pairs) {
      if (blobOwner[b] !== -1 || trackBlob[t] !== -1) continue;
      blobOwner[b] = t;
      trackBlob[t] = b;
    }

    // 2. Unmatched tracks predicted inside a taken, oversized blob share it, as do those whose colours a
    // taken blob shows, inside it or within their gate (an impact reverses the motion the prediction follows).
    const sharers = new Map<number, number[]>();
    live.forEach((l, t) => {
      if (trackBlob[t] !== -1) return;
      const p = predictions[t];
      const pad = radiusOf(l.area);
      blobs.forEach((blob, b) => {
        const owner = blobOwner[b];
        if (owner === -1 || trackBlob[t] !== -1) return;
        const inside = !(p.x < blob.x0 - pad || p.x > blob.x1 + pad || p.y < blob.y0 - pad || p.y > blob.y1 + pad);
        const owned = live[owner].area;
        const oversized = blob.area >= Math.min(SHARE_AREA_RATIO * owned, owned + SHARE_PART * l.area);
        const shows = () => showsColours(blob, l, live[owner], rgb(k));
        if (!(inside ? oversized || shows() : withinGate(blob, p, gates[t]) && shows())) return;
        // A prediction outside the blob (an impact reversed the motion) seeds the split at the blob's nearest point.
        if (!inside) predictions[t] = { ...p, x: Math.min(Math.max(p.x, blob.x0), blob.x1), y: Math.min(Math.max(p.y, blob.y0), blob.y1) };
        trackBlob[t] = b;
        sharers.set(b, [...(sharers.get(b) ?? [owner]), t]);
      });
    });
    const observed = new Map<number, Observation>();
    for (const [b, ts] of sharers) {
      const parts = splitBlob(blobs[b], ts.map((t) => ({ ...predictions[t], live: live[t] })), rgb(k), weights(k), width, height);
      ts.forEach((t, i) => {
        const part = parts[i];
        if (part) observed.set(t, observationOf(part, k, true));
      });
    }
    live.forEach((_, t) => {
      const b = trackBlob[t];
      if (b !== -1 && !observed.has(t) && !sharers.has(b)) observed.set(t, observationOf(blobs[b], k, false));
    });

    // 3. Record, update the colour and size models, start tracks for blobs nobody took.
    for (const [t, obs] of observed) {
      const l = live[t];
      l.track.observations.push(obs);
      if (!obs.shared) {
        l.r += 0.3 * (obs.r - l.r);
        l.g += 0.3 * (obs.g - l.g);
        l.b += 0.3 * (obs.b - l.b);
        l.area += 0.3 * (obs.area - l.area);
      }
    }
    blobs.forEach((blob, b) => {
      if (blobOwner[b] !== -1) return;
      const track: Track = { id: tracks.length, observations: [observationOf(blob, k, false)] };
      tracks.push(track);
      live.push({ track, r: blob.r, g: blob.g, b: blob.b, area: blob.area, palette: paletteOf(blob, rgb(k)) });
    });
  }
  return tracks;
}

function observationOf(blob: Blob, frame: number, shared: boolean): Observation {
  const extent = Math.max(blob.x1 - blob.x0, blob.y1 - blob.y0) + 1;
  const { x, y, area, r, g, b, border, pixels, weights } = blob;
  return { frame, x, y, area, r, g, b, border, shared, extent, pixels, weights };
}

interface Seed {
  x: number;
  y: number;
  live: Live;
}

/** Splits a blob's pixels among the seeds (k-means on position in radii plus colour); one part per seed. */
function splitBlob(blob: Blob, seeds: readonly Seed[], rgb: Uint8Array, weights: Float32Array, width: number, height: number): (Blob | undefined)[] {
  const cx = seeds.map((s) => s.x), cy = seeds.map((s) => s.y);
  const radius = seeds.map((s) => Math.max(radiusOf(s.live.area), 1));
  const owner = new Int32Array(blob.pixels.length);
  for (let round = 0; round < KMEANS_ROUNDS; round++) {
    const sx = new Float64Array(seeds.length), sy = new Float64Array(seeds.length), sw = new Float64Array(seeds.length);
    for (let i = 0; i < blob.pixels.length; i++) {
      const p = blob.pixels[i];
      const x = p % width, y = (p - x) / width;
      let best = 0, bestCost = Infinity;
      for (let s = 0; s < seeds.length; s++) {
        const l = seeds[s].live;
        const spatial = ((x - cx[s]) ** 2 + (y - cy[s]) ** 2) / radius[s] ** 2;
        const colour = colourDistance2(l, rgb, p) / SPLIT_COLOR ** 2;
        const cost = spatial + colour;
        if (cost < bestCost) {
          bestCost = cost;
          best = s;
        }
      }
      owner[i] = best;
      const w = blob.weights[i];
      sx[best] += w * x;
      sy[best] += w * y;
      sw[best] += w;
    }
    for (let s = 0; s < seeds.length; s++) {
      if (sw[s] > 0) {
        cx[s] = sx[s] / sw[s];
        cy[s] = sy[s] / sw[s];
      }
    }
  }
  return seeds.map((_, s) => {
    const members: number[] = [];
    for (let i = 0; i < blob.pixels.length; i++) if (owner[i] === s) members.push(blob.pixels[i]);
    return blobOf(members, weights, rgb, width, height);
  });
}

/** Whether any point of the blob's bounding box lies within `gate` of p. */
function withinGate(blob: Blob, p: { x: number; y: number }, gate: number): boolean {
  return Math.hypot(Math.max(blob.x0 - p.x, 0, p.x - blob.x1), Math.max(blob.y0 - p.y, 0, p.y - blob.y1)) <= gate;
}

/** k-means colours of a blob's solid pixels, [n, 3] (empty when it has none). */
function paletteOf(blob: Blob, rgb: Uint8Array): Float32Array {
  const samples: number[] = [];
  blob.pixels.forEach((p, i) => {
    if (blob.weights[i] >= SOLID_WEIGHT) samples.push(rgb[p * 3], rgb[p * 3 + 1], rgb[p * 3 + 2]);
  });
  return kmeansRgb(Float32Array.from(samples), PALETTE_COLORS).centres;
}

/**
 * Squared RGB distance of pixel p to the track's nearest own colour: a striped or checkered object's mean
 * colour is the colour of none of its pixels. The mean colour where the track has no palette.
 */
function colourDistance2(live: Live, rgb: Uint8Array, p: number): number {
  const r = rgb[p * 3], g = rgb[p * 3 + 1], b = rgb[p * 3 + 2];
  const pal = live.palette;
  if (pal.length === 0) return (r - live.r) ** 2 + (g - live.g) ** 2 + (b - live.b) ** 2;
  let best = Infinity;
  for (let c = 0; c < pal.length; c += 3) best = Math.min(best, (r - pal[c]) ** 2 + (g - pal[c + 1]) ** 2 + (b - pal[c + 2]) ** 2);
  return best;
}

/** Whether enough of the blob's solid pixels are in the sharer's own colours, and nearer them than the owner's. */
function showsColours(blob: Blob, sharer: Live, owner: Live, rgb: Uint8Array): boolean {
  if (sharer.palette.length === 0 || owner.palette.length === 0) return false;
  let count = 0;
  blob.pixels.forEach((p, i) => {
    if (blob.weights[i] < SOLID_WEIGHT) return;
    const mine = colourDistance2(sharer, rgb, p);
    if (mine <= OWN_COLOR * OWN_COLOR && mine < colourDistance2(owner, rgb, p)) count++;
  });
  return count >= SHARE_COLOR_PART * sharer.area;
}
