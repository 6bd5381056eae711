/**
 * The impact net: a small convolutional network that reads impacts straight off the pixels, a heatmap per
 * frame, trained on rendered clips and the simulator's log (training/train_impact_net.py; never on
 * generated clips). It backs up the tracker-based detector (impacts.ts), which can only find an impact on a
 * track: objects that touch or merge into one blob, fast ones whose turn the tracker misreads, and tracks
 * with gaps leave it without a candidate. The net has no tracks to lose, but no trajectory to time and
 * check an impact by either, so the two are fused (`fuseImpacts`):
 *   - a tracked impact is kept where the net sees anything near it (heat ≥ `support`), which drops the
 *     kinks of jittery tracks the net finds no impact at;
 *   - a net peak (heat ≥ `peak`) that no kept impact is near is added, with its size and strength read
 *     from the track nearest to it, where there is one; not on the first or the last frame, where the
 *     motion on one side of it cannot be seen.
 * Both thresholds are chosen on validation seeds (bench/audio-train-impact-net.ts) and kept with the
 * network's manifest (impact-net.json).
 *
 * The net sees 7 frames around the one it scores (early fusion: frames × RGB as channels) at a scale where
 * the frame's short side is 64 pixels, plus two constant planes (high frame rate; frame scaled down), and
 * answers one value per 4×4 cell.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { VideoFrames } from '../media/frames.ts';
import { float32Output, float32Tensor, Session } from '../engine/ort.ts';
import { CinesimError, ERRORS } from '../errors.ts';
import type { SoundImpact } from './events.ts';
import { median } from './stats.ts';
import type { PointMap, Track } from './track.ts';

/** impact-net.json: the graph's input layout, the fusion's thresholds, and how they were made. */
export interface ImpactNetManifest {
  /** Frames either side of the scored one. */
  window: number;
  /** The short side the net reads frames at, pixels. */
  short: number;
  /** Pixels per heatmap cell at that scale. */
  cell: number;
  /** Frame rates above this set the high-rate plane. */
  highFps: number;
  fusion: FusionThresholds;
}

export interface FusionThresholds {
  /** A net peak at least this hot is an impact where no tracked one is near. */
  peak: number;
  /** A tracked impact is kept where the net's heat near it reaches this. */
  support: number;
}

/** Heat per frame and cell, 0..1; cell (i, j) of frame k is `data[(k * rows + j) * cols + i]`. */
export interface ImpactHeatmap {
  frames: number;
  cols: number;
  rows: number;
  /** Size of a cell in the analysed frame's pixels (x, y). */
  cellWidth: number;
  cellHeight: number;
  data: Float32Array;
}

const MODEL_URL = new URL('./impact-net.onnx', import.meta.url);
const MANIFEST_URL = new URL('./impact-net.json', import.meta.url);
/** Frames per ORT call: larger batches gain little on 2 cores and hold more memory. */
const BATCH = 8;

let manifest: ImpactNetManifest | undefined;
let session: Promise<Session> | undefined;

export function impactNetManifest(): ImpactNetManifest {
  if (!manifest) {
    if (!existsSync(MANIFEST_URL)) throw new CinesimError(ERRORS.MODEL_INVALID, 'src/audio/impact-net.json is missing; run training/train_impact_net.py');
    manifest = JSON.parse(readFileSync(MANIFEST_URL, 'utf8')) as ImpactNetManifest;
  }
  return manifest;
}

/**
 * One session per process (per worker thread), loaded on first use, on one thread: sound is made beside
 * other work (a server's workers each hold their share of the cores), and ONNX Runtime's pool of more
 * threads spins between calls, which starves what else runs there. The net is small: 1.8 ms a frame on two
 * threads, about twice that on one.
 */
function impactNet(): Promise<Session> {
  session ??= Session.create(fileURLToPath(MODEL_URL), { threads: 1 });
  return session;
}

/** The net's heat for every frame of `video`. */
export async function impactHeatmap(video: VideoFrames): Promise<ImpactHeatmap> {
  const m = impactNetManifest();
  const scale = m.short / Math.min(video.width, video.height);
  // Net-side size: a multiple of the cell, so cells map back to whole stretches of the frame.
  const w = Math.max(m.cell, Math.round((video.width * scale) / m.cell) * m.cell);
  const h = Math.max(m.cell, Math.round((video.height * scale) / m.cell) * m.cell);
  const frames = Array.from({ length: video.count }, (_, k) => resampleArea(video, k, w, h));
  const planes = [video.fps > m.highFps ? 1 : 0, scale < 1 ? 1 : 0];
  const span = 2 * m.window + 1;
  const channels = span * 3 + planes.length;
  const cols = w / m.cell, rows = h / m.cell;
  const data = new Float32Array(video.count * rows * cols);
  const net = await impactNet();
  for (let start = 0; start < video.count; start += BATCH) {
    const n = Math.min(BATCH, video.count - start);
    const input = new Float32Array(n * channels * h * w);
    for (let b = 0; b < n; b++) {
      const k = start + b;
      for (let s = 0; s < span; s++) {
        const frame = frames[Math.min(Math.max(k + s - m.window, 0), video.count - 1)];
        for (let c = 0; c < 3; c++) {
          const at = ((b * channels + s * 3 + c) * h) * w;
          for (let p = 0; p < w * h; p++) input[at + p] = frame[p * 3 + c] / 255 - 0.5;
        }
      }
      planes.forEach((v, i) => input.fill(v, ((b * channels + span * 3 + i) * h) * w, ((b * channels + span * 3 + i + 1) * h) * w));
    }
    const out = float32Output(await net.run({ frames: float32Tensor(input, [n, channels, h, w]) }), 'heat', net);
    data.set(out.data, start * rows * cols);
  }
  return { frames: video.count, cols, rows, cellWidth: video.width / cols, cellHeight: video.height / rows, data };
}

/**
 * Frame k at w×h, each pixel the mean of the source area it covers (as the training data was made: 2×2
 * means of 128-pixel clips), rounded to whole levels.
 */
function resampleArea(video: VideoFrames, k: number, w: number, h: number): Uint8Array {
  const W = video.width, H = video.height;
  const src = video.data.subarray(k * W * H * 3, (k + 1) * W * H * 3);
  if (w === W && h === H) return src;
  const out = new Uint8Array(w * h * 3);
  const sx = W / w, sy = H / h;
  for (let y = 0; y < h; y++) {
    const y0 = y * sy, y1 = y0 + sy;
    for (let x = 0; x < w; x++) {
      const x0 = x * sx, x1 = x0 + sx;
      let r = 0, g = 0, b = 0, total = 0;
      for (let v = Math.floor(y0); v < Math.min(Math.ceil(y1), H); v++) {
        const wy = Math.min(v + 1, y1) - Math.max(v, y0);
        for (let u = Math.floor(x0); u < Math.min(Math.ceil(x1), W); u++) {
          const wt = wy * (Math.min(u + 1, x1) - Math.max(u, x0));
          const i = (v * W + u) * 3;
          r += wt * src[i];
          g += wt * src[i + 1];
          b += wt * src[i + 2];
          total += wt;
        }
      }
      const o = (y * w + x) * 3;
      out[o] = Math.round(r / total);
      out[o + 1] = Math.round(g / total);
      out[o + 2] = Math.round(b / total);
    }
  }
  return out;
}

/** A net detection: a local maximum of the heat, placed at the heat-weighted centre of its 3×3 cells. */
export interface HeatPeak {
  frame: number;
  x: number;
  y: number;
  heat: number;
}

/**
 * Local maxima over ±1 frame and ±1 cell at least `threshold` hot, strongest first; a weaker one within
 * ±1 frame and 2 cells of a kept one is the same impact seen again.
 */
export function heatPeaks(map: ImpactHeatmap, threshold: number): HeatPeak[] {
  const { frames, cols, rows, data } = map;
  const at = (k: number, j: number, i: number) => (k < 0 || k >= frames || j < 0 || j >= rows || i < 0 || i >= cols ? 0 : data[(k * rows + j) * cols + i]);
  const found: { k: number; j: number; i: number; v: number }[] = [];
  for (let k = 0; k < frames; k++) {
    for (let j = 0; j < rows; j++) {
      for (let i = 0; i < cols; i++) {
        const v = at(k, j, i);
        if (v < threshold) continue;
        let top = true;
        for (let dk = -1; dk <= 1 && top; dk++) for (let dj = -1; dj <= 1 && top; dj++) for (let di = -1; di <= 1 && top; di++) top = at(k + dk, j + dj, i + di) <= v;
        if (top) found.push({ k, j, i, v });
      }
    }
  }
  found.sort((a, b) => b.v - a.v);
  const kept: typeof found = [];
  for (const p of found) {
    if (!kept.some((q) => Math.abs(p.k - q.k) <= 1 && Math.abs(p.j - q.j) <= 2 && Math.abs(p.i - q.i) <= 2)) kept.push(p);
  }
  return kept.map(({ k, j, i, v }) => {
    let sum = 0, sx = 0, sy = 0;
    for (let dj = -1; dj <= 1; dj++) {
      for (let di = -1; di <= 1; di++) {
        const u = at(k, j + dj, i + di);
        sum += u;
        sx += u * (i + di);
        sy += u * (j + dj);
      }
    }
    return { frame: k, x: (sx / sum + 0.5) * map.cellWidth - 0.5, y: (sy / sum + 0.5) * map.cellHeight - 0.5, heat: v };
  });
}

/** The hottest cell within `radius` pixels of (x, y) over frames k−1..k+1. */
export function heatNear(map: ImpactHeatmap, k: number, x: number, y: number, radius: number): number {
  let best = 0;
  for (let f = Math.max(k - 1, 0); f <= Math.min(k + 1, map.frames - 1); f++) {
    for (let j = 0; j < map.rows; j++) {
      for (let i = 0; i < map.cols; i++) {
        const cx = (i + 0.5) * map.cellWidth - 0.5, cy = (j + 0.5) * map.cellHeight - 0.5;
        if (Math.hypot(cx - x, cy - y) <= radius) best = Math.max(best, map.data[(f * map.rows + j) * map.cols + i]);
      }
    }
  }
  return best;
}

export interface FuseContext {
  fps: number;
  width: number;
  height: number;
  tracks: readonly Track[];
  /** Camera compensation (frame k → scene), so a net impact's strength is not the camera's motion. */
  toScene?: PointMap;
}

/** Radius of a net impact with no track near it, as a share of the short side (a medium object). */
const DEFAULT_SIZE = 0.08;

/** The tracked impacts the net supports, and the net's peaks no tracked impact is near (module comment). */
export function fuseImpacts(tracked: readonly SoundImpact[], map: ImpactHeatmap, ctx: FuseContext, thresholds: FusionThresholds = impactNetManifest().fusion): SoundImpact[] {
  const short = Math.min(ctx.width, ctx.height);
  // The reach of a match in the sync measure: a detection this close to an impact stands for it.
  const reach = 0.25 * short;
  const kept = tracked.filter((d) => heatNear(map, d.frame, d.x, d.y, reach) >= thresholds.support);
  const typicalStrength = kept.length > 0 ? median(kept.map((d) => d.strength)) : 1;
  const added: SoundImpact[] = [];
  for (const p of heatPeaks(map, thresholds.peak)) {
    // An impact is seen as a change between the motion before it and after it; at the first and the last
    // frame one side is missing (the net's window repeats the edge frame there, which reads as a stop).
    if (p.frame < 1 || p.frame > map.frames - 2) continue;
    if (kept.some((d) => Math.abs(d.frame - p.frame) <= 1 && Math.hypot(d.x - p.x, d.y - p.y) <= reach)) continue;
    const near = nearestObservation(ctx.tracks, p.frame, p.x, p.y, reach);
    added.push({
      frame: p.frame,
      time: p.frame / ctx.fps,
      x: p.x,
      y: p.y,
      strength: (near && speedChange(near.track, p.frame, ctx)) ?? typicalStrength,
      size: near ? Math.sqrt(near.area / Math.PI) / short : DEFAULT_SIZE,
      kind: 'impact',
      tracks: near ? [near.track.id] : [],
    });
  }
  return [...kept, ...added].sort((a, b) => a.time - b.time || a.x - b.x);
}

function nearestObservation(tracks: readonly Track[], frame: number, x: number, y: number, reach: number): { track: Track; area: number } | undefined {
  let best: { track: Track; area: number; d: number } | undefined;
  for (const track of tracks) {
    const o = track.observations.find((q) => q.frame === frame);
    if (!o) continue;
    const d = Math.hypot(o.x - x, o.y - y);
    if (d <= reach && (!best || d < best.d)) best = { track, area: o.area, d };
  }
  return best;
}

/** |Δv| across frame k of the track (scene coordinates), short sides per second; undefined without k−1..k+1. */
function speedChange(track: Track, k: number, ctx: FuseContext): number | undefined {
  const at = (f: number) => {
    const o = track.observations.find((q) => q.frame === f);
    return o && (ctx.toScene ? ctx.toScene(f, o.x, o.y) : [o.x, o.y]);
  };
  const a = at(k - 1), b = at(k), c = at(k + 1);
  if (!a || !b || !c) return undefined;
  const short = Math.min(ctx.width, ctx.height);
  return (Math.hypot(c[0] - 2 * b[0] + a[0], c[1] - 2 * b[1] + a[1]) * ctx.fps) / short;
}
