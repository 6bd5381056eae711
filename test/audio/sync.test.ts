import { describe, expect, it } from 'vitest';
import type { ClipFormat, SceneSpec, WorldEvent } from '../../src/world/spec.ts';
import { matchEvents, truthImpacts, type TimedPoint } from '../../src/audio/index.ts';

const at = (frame: number, x = 10, y = 10, fps = 8): TimedPoint => ({ frame, time: frame / fps, x, y });

describe('matchEvents', () => {
  it('matches within ±1 frame, one to one, greedily by time', () => {
    const r = matchEvents([at(3), at(10), at(20)], [at(3), at(11), at(30)]);
    expect(r.matched.map((m) => [m.detected, m.truth, m.frames])).toEqual([
      [0, 0, 0],
      [1, 1, -1],
    ]);
    expect(r.precision).toBeCloseTo(2 / 3);
    expect(r.recall).toBeCloseTo(2 / 3);
    expect(r.f1).toBeCloseTo(2 / 3);

    // Two detections around one event: one hit and one false alarm.
    const twice = matchEvents([at(4), at(5)], [at(5)]);
    expect([twice.matched.length, twice.precision, twice.recall]).toEqual([1, 0.5, 1]);
    expect(twice.matched[0].detected).toBe(1); // the closer one wins
  });

  it('honours the tolerance and the distance limit', () => {
    expect(matchEvents([at(5)], [at(7)]).matched).toEqual([]);
    expect(matchEvents([at(5)], [at(7)], 2).matched).toHaveLength(1);
    expect(matchEvents([at(5, 0, 0)], [at(5, 30, 40)], 1, { maxDistance: 49 }).matched).toEqual([]);
    expect(matchEvents([at(5, 0, 0)], [at(5, 30, 40)], 1, { maxDistance: 50 }).matched).toHaveLength(1);
  });

  it('does not count a detection on an event outside the truth', () => {
    const r = matchEvents([at(3), at(9)], [at(3)], 1, { ignore: [at(10)] });
    expect([r.detections, r.forgiven, r.precision, r.recall]).toEqual([1, 1, 1, 1]);
  });

  it('scores nothing against nothing as perfect, and misses as zero', () => {
    expect(matchEvents([], [])).toMatchObject({ precision: 1, recall: 1 });
    expect(matchEvents([], [at(2)])).toMatchObject({ precision: 1, recall: 0, f1: 0 });
  });
});

describe('truthImpacts', () => {
  const scene: SceneSpec = { background: 'white', camera: 'static', objects: [] };
  const format: ClipFormat = { width: 64, height: 64, fps: 8, frames: 17 };
  const event = (time: number, objects: number[], strength: number, x = 0.5, y = 0.9): WorldEvent => ({
    frame: Math.round(time * 8),
    time,
    kind: objects.length > 1 ? 'object' : 'floor',
    objects,
    x,
    y,
    strength,
  });

  it('keeps runs an eye can time: one per burst, at least a pixel per frame, inside the clip and the frame', () => {
    const events = [
      event(0.5, [0], 2), // 16 px/frame: visible
      event(0.52, [0], 0.5), // same object, same frame interval: the same impact
      event(0.53, [1], 2), // another object at the same moment: its own impact
      event(1.0, [0], 0.1), // 0.8 px/frame: below a pixel per frame
      event(0.05, [0], 2), // before the second frame
      event(1.99, [1], 2), // after the second-to-last frame
      event(1.2, [0, 1], 3, 1.5, 0.5), // outside the frame
    ];
    const truth = truthImpacts(events, scene, format);
    expect(truth.all).toHaveLength(7);
    expect(truth.visible.map((t) => [t.time, t.objects])).toEqual([
      [0.5, [0]],
      [0.53, [1]],
    ]);
    // Pixels: x = 0.5 world → 32 px at the pixel edge → 31.5 in pixel-centre coordinates.
    expect(truth.visible[0].x).toBeCloseTo(31.5);
    expect(truth.visible[0].pixelsPerFrame).toBeCloseTo(16);
  });

  it('scales with the camera zoom', () => {
    const zoomed = truthImpacts([event(1, [0], 0.11)], { ...scene, camera: 'zoom-in' }, format);
    // 0.11 units/s is 0.88 px/frame at zoom 1, but the view is zoomed by 1.5^(1/2) after 1 s.
    expect(zoomed.visible).toHaveLength(1);
    expect(zoomed.visible[0].pixelsPerFrame).toBeCloseTo(0.88 * Math.sqrt(1.5) ** 1, 2);
  });
});
