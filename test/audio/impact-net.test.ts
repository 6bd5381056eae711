import { describe, expect, it } from 'vitest';
import { fuseImpacts, heatNear, heatPeaks, impactHeatmap, impactNetManifest, type ImpactHeatmap } from '../../src/audio/impact-net.ts';
import type { SoundImpact } from '../../src/audio/events.ts';
import type { Track } from '../../src/audio/track.ts';
import { truthImpacts } from '../../src/audio/sync.ts';
import { renderClip } from '../../src/world/render.ts';
import type { ObjectSpec, SceneSpec } from '../../src/world/spec.ts';

/** A 64x64 clip's map (16x16 cells of 4 pixels) with the given hot cells. */
function heatmap(frames: number, hot: [frame: number, col: number, row: number, heat: number][]): ImpactHeatmap {
  const data = new Float32Array(frames * 16 * 16);
  for (const [k, i, j, v] of hot) data[(k * 16 + j) * 16 + i] = v;
  return { frames, cols: 16, rows: 16, cellWidth: 4, cellHeight: 4, data };
}

const impact = (frame: number, x: number, y: number): SoundImpact => ({ frame, time: frame / 8, x, y, strength: 2, size: 0.1, kind: 'impact', tracks: [0] });

describe('heat peaks', () => {
  it('finds local maxima above the threshold, at the heat-weighted centre, one per impact', () => {
    const map = heatmap(10, [
      [3, 5, 15, 0.9], [3, 6, 15, 0.9], // one impact over two cells: placed between them
      [4, 5, 15, 0.7], // the same impact a frame later, weaker: not another one
      [7, 12, 2, 0.5],
      [8, 1, 1, 0.2], // too cold
    ]);
    const peaks = heatPeaks(map, 0.3);
    expect(peaks.map((p) => [p.frame, p.x, p.y])).toEqual([[3, 23.5, 61.5], [7, 49.5, 9.5]]);
  });
});

describe('fusing the tracker with the net', () => {
  const ctx = { fps: 8, width: 64, height: 64, tracks: [] as Track[] };
  const thresholds = { peak: 0.5, support: 0.1 };

  it('keeps tracked impacts the net supports, drops the others, and adds the net peaks no tracked impact is near', () => {
    const map = heatmap(12, [[2, 4, 4, 0.3], [9, 10, 10, 0.8], [5, 4, 4, 0.6]]);
    const tracked = [impact(2, 17, 17), impact(7, 50, 50), impact(5, 18, 16)];
    const fused = fuseImpacts(tracked, map, ctx, thresholds);
    // frame 2: supported (0.3 ≥ 0.1); frame 7: no heat near it; frame 5: supported, and its peak adds nothing;
    // frame 9: a peak no tracked impact is near.
    expect(fused.map((d) => d.frame)).toEqual([2, 5, 9]);
    expect(fused[2]).toMatchObject({ kind: 'impact', tracks: [], x: 41.5, y: 41.5 });
  });

  it('adds no net peak on the first or the last frame, where the motion on one side cannot be seen', () => {
    const fused = fuseImpacts([], heatmap(8, [[0, 3, 3, 0.9], [7, 9, 9, 0.9], [6, 12, 12, 0.9]]), ctx, thresholds);
    expect(fused.map((d) => d.frame)).toEqual([6]);
  });

  it('sizes an added impact by the object nearest to it and times its strength by that object\'s change of velocity', () => {
    const observation = (frame: number, x: number, y: number) => ({ frame, x, y, area: Math.PI * 64, r: 0, g: 0, b: 0, border: false, shared: false, extent: 16, pixels: new Int32Array(0), weights: new Float32Array(0) });
    // Falls 4 pixels a frame, then rises 4 a frame: a bounce at frame 3.
    const track: Track = { id: 7, observations: [observation(2, 30, 50), observation(3, 30, 54), observation(4, 30, 50)] };
    const [added] = fuseImpacts([], heatmap(6, [[3, 7, 13, 0.9]]), { ...ctx, tracks: [track] }, thresholds);
    expect(added).toMatchObject({ frame: 3, tracks: [7] });
    expect(added.size).toBeCloseTo(8 / 64);
    expect(added.strength).toBeCloseTo((8 * 8) / 64); // |Δv| = 8 pixels per frame, in short sides per second
  });
});

const ball = (motion: ObjectSpec['motion'], over: Partial<ObjectSpec> = {}): ObjectSpec => ({ shape: 'ball', color: 'red', size: 'medium', texture: 'plain', motion, ...over });

describe('the impact net on rendered clips', () => {
  it('is hot at each visible bounce and cold in a still scene', async () => {
    const { peak } = impactNetManifest().fusion;
    const format = { width: 64, height: 64, fps: 8, frames: 17 };
    const scene: SceneSpec = { background: 'grass', camera: 'static', objects: [ball('bounce')] };
    const { video, simulation } = renderClip(scene, format, 3);
    const map = await impactHeatmap(video);
    expect([map.frames, map.cols, map.rows]).toEqual([17, 16, 16]);
    const truth = truthImpacts(simulation.events, scene, format).visible;
    expect(truth.length).toBeGreaterThanOrEqual(2);
    for (const t of truth) expect(heatNear(map, t.frame, t.x, t.y, 16), `bounce at frame ${t.frame}`).toBeGreaterThanOrEqual(peak);

    // Still objects under a pan: no peak on the frames the fusion reads (the edge frames, where the window
    // repeats a frame and the pan seems to stop, are left out by fuseImpacts).
    const still = renderClip({ background: 'ocean', camera: 'pan-left', objects: [ball('static'), ball('static', { shape: 'star', color: 'yellow' })] }, format, 2);
    const heat = await impactHeatmap(still.video);
    const cells = heat.cols * heat.rows;
    expect(Math.max(...heat.data.subarray(cells, (heat.frames - 1) * cells))).toBeLessThan(peak);
  });

  it('reads any frame size the models make, at a 64-pixel short side', async () => {
    const scene: SceneSpec = { background: 'sky', camera: 'static', objects: [ball('bounce')] };
    for (const [width, height, cols, rows] of [[112, 64, 28, 16], [64, 112, 16, 28], [128, 128, 16, 16], [88, 64, 22, 16]]) {
      const map = await impactHeatmap(renderClip(scene, { width, height, fps: 8, frames: 9 }, 1).video);
      expect([map.cols, map.rows, map.cellWidth * map.cols, map.cellHeight * map.rows]).toEqual([cols, rows, width, height]);
    }
  });
});
