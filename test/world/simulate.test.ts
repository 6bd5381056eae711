import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/util/random.ts';
import { sampleScene } from '../../src/world/sampler.ts';
import { simulate } from '../../src/world/simulate.ts';
import { clipFormat, clipSeconds, type ObjectSpec, type SceneSpec } from '../../src/world/spec.ts';
import { stageRect, viewSize, visibleRect } from '../../src/world/view.ts';
import type { CameraMove, Motion } from '../../src/world/vocabulary.ts';

const EPS = 1e-6;

function one(motion: Motion, extra: Partial<ObjectSpec> = {}, camera: CameraMove = 'static'): SceneSpec {
  return { background: 'white', camera, objects: [{ shape: 'ball', color: 'red', size: 'medium', texture: 'plain', motion, ...extra }] };
}

/** The y of every apex (local minimum of y, the object's highest points) along a track. */
function apexes(ys: number[]): number[] {
  const out: number[] = [];
  for (let k = 1; k < ys.length - 1; k++) if (ys[k] < ys[k - 1] && ys[k] <= ys[k + 1]) out.push(ys[k]);
  return out;
}

describe('simulator invariants over sampled scenes', () => {
  const sizes: [number, number][] = [[32, 32], [56, 32], [32, 56]];
  const rng = new Rng(11);
  const cases = Array.from({ length: 240 }, (_, i) => ({
    scene: sampleScene(rng, { heldOutMode: 'allow' }),
    format: clipFormat(...sizes[i % 3], 8, 2),
    seed: i,
  }));

  it('keeps objects in the stage and in view, one state per frame', () => {
    for (const { scene, format, seed } of cases) {
      const { states } = simulate(scene, format, seed);
      expect(states.length).toBe(format.frames);
      const view = viewSize(format.width, format.height);
      const stage = stageRect(scene.camera, clipSeconds(format), view);
      for (const s of states) {
        const seen = visibleRect(s.camera, view);
        for (const o of s.objects) {
          const where = `${JSON.stringify(scene)} seed ${seed}`;
          expect(o.x - o.radius, where).toBeGreaterThanOrEqual(Math.max(stage.x0, seen.x0) - EPS);
          expect(o.x + o.radius, where).toBeLessThanOrEqual(Math.min(stage.x1, seen.x1) + EPS);
          expect(o.y - o.radius, where).toBeGreaterThanOrEqual(Math.max(stage.y0, seen.y0) - EPS);
          expect(o.y + o.radius, where).toBeLessThanOrEqual(Math.min(stage.y1, seen.y1) + EPS);
        }
      }
    }
  });

  it('records events inside the clip with valid objects and positive strength', () => {
    let objectEvents = 0;
    for (const { scene, format, seed } of cases) {
      const { events } = simulate(scene, format, seed);
      for (const e of events) {
        expect(e.frame).toBeGreaterThanOrEqual(0);
        expect(e.frame).toBeLessThan(format.frames);
        expect(e.time).toBeGreaterThan(0);
        expect(e.time).toBeLessThanOrEqual(clipSeconds(format) + EPS);
        expect(Math.abs(e.frame - e.time * format.fps)).toBeLessThanOrEqual(0.5 + EPS);
        expect(e.strength).toBeGreaterThan(0);
        expect(e.objects.length).toBe(e.kind === 'object' ? 2 : 1);
        for (const i of e.objects) expect(i).toBeLessThan(scene.objects.length);
        if (e.kind === 'object') objectEvents++;
      }
      for (let k = 1; k < events.length; k++) expect(events[k].time).toBeGreaterThanOrEqual(events[k - 1].time);
    }
    expect(objectEvents).toBeGreaterThan(0);
  });

  it('never lets bounce heights grow (objects without collisions, sampled finely)', () => {
    let checked = 0;
    for (const { scene, seed } of cases.slice(0, 120)) {
      const format = clipFormat(32, 32, 240, 3);
      const { states, events } = simulate(scene, format, seed);
      scene.objects.forEach((o, i) => {
        if (!['bounce', 'fall', 'jump'].includes(o.motion)) return;
        if (events.some((e) => e.kind === 'object' && e.objects.includes(i))) return;
        const tops = apexes(states.map((s) => s.objects[i].y));
        for (let k = 1; k < tops.length; k++) expect(tops[k], `${o.motion} seed ${seed}`).toBeGreaterThanOrEqual(tops[k - 1] - 1e-9);
        checked++;
      });
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('is deterministic and independent of the frame rate', () => {
    for (const { scene, seed } of cases.slice(0, 30)) {
      const a = simulate(scene, clipFormat(32, 32, 8, 2), seed);
      expect(simulate(scene, clipFormat(32, 32, 8, 2), seed)).toEqual(a);
      const fine = simulate(scene, clipFormat(32, 32, 24, 2), seed);
      a.states.forEach((s, k) => {
        s.objects.forEach((o, i) => {
          expect(fine.states[3 * k].objects[i].x).toBeCloseTo(o.x, 9);
          expect(fine.states[3 * k].objects[i].y).toBeCloseTo(o.y, 9);
        });
      });
      expect(fine.events.map((e) => e.time)).toEqual(a.events.map((e) => e.time));
    }
  });
});

describe('motions', () => {
  const format = clipFormat(64, 64, 8, 2);
  const track = (motion: Motion, seed = 1, extra: Partial<ObjectSpec> = {}) => simulate(one(motion, extra), format, seed);

  it('moves in the stated direction, clearly', () => {
    for (let seed = 0; seed < 10; seed++) {
      const first = (m: Motion) => track(m, seed).states[0].objects[0];
      const last = (m: Motion) => track(m, seed).states[format.frames - 1].objects[0];
      expect(last('move-left').x - first('move-left').x).toBeLessThan(-0.3);
      expect(last('move-right').x - first('move-right').x).toBeGreaterThan(0.3);
      expect(last('move-up').y - first('move-up').y).toBeLessThan(-0.3);
      expect(last('move-down').y - first('move-down').y).toBeGreaterThan(0.3);
    }
  });

  it('stays still, spins, grows and shrinks in place', () => {
    const still = track('static').states;
    expect(still.every((s) => s.objects[0].x === still[0].objects[0].x && s.objects[0].y === still[0].objects[0].y)).toBe(true);
    const spin = track('rotate').states;
    expect(Math.abs(spin[16].objects[0].angle - spin[0].objects[0].angle)).toBeGreaterThan(Math.PI);
    expect(spin[16].objects[0].x).toBe(spin[0].objects[0].x);
    const grow = track('grow').states;
    expect(grow[16].objects[0].radius / grow[0].objects[0].radius).toBeGreaterThan(2);
    const shrink = track('shrink').states;
    expect(shrink[16].objects[0].radius / shrink[0].objects[0].radius).toBeLessThan(0.5);
  });

  it('falls to the floor and settles, bounces repeatedly, jumps from the floor', () => {
    const stageBottom = 1;
    const fall = track('fall');
    const f = fall.states.map((s) => s.objects[0]);
    expect(f[0].y).toBeLessThan(0.4);
    expect(f[16].y + f[16].radius).toBeCloseTo(stageBottom, 6);
    expect(fall.events.filter((e) => e.kind === 'floor').length).toBeGreaterThanOrEqual(2);

    const bounce = track('bounce');
    expect(bounce.events.filter((e) => e.kind === 'floor').length).toBeGreaterThanOrEqual(2);

    const jump = track('jump', 2).states.map((s) => s.objects[0]);
    expect(jump[0].y + jump[0].radius).toBeCloseTo(stageBottom, 6);
    expect(Math.min(...jump.map((o) => o.y))).toBeLessThan(jump[0].y - 0.2);
  });

  it('orbits around a centre and zigzags sideways', () => {
    const orbit = track('orbit').states.map((s) => s.objects[0]);
    const cx = orbit.reduce((a, o) => a + o.x, 0) / orbit.length;
    const cy = orbit.reduce((a, o) => a + o.y, 0) / orbit.length;
    const radii = orbit.map((o) => Math.hypot(o.x - cx, o.y - cy));
    expect(Math.min(...radii)).toBeGreaterThan(0.08);
    const zig = track('zigzag').states.map((s) => s.objects[0]);
    const dy = zig.slice(1).map((o, k) => Math.sign(o.y - zig[k].y));
    const turns = dy.slice(1).filter((d, k) => d !== 0 && d !== dy[k]).length;
    expect(turns).toBeGreaterThanOrEqual(3);
    expect(Math.abs(zig[16].x - zig[0].x)).toBeGreaterThan(0.2);
  });

  it('moves the camera clearly: pans ~0.35 views, zooms x1.5 over 2 s', () => {
    const cam = (c: CameraMove) => simulate(one('static', {}, c), format, 1).states.map((s) => s.camera);
    expect(cam('pan-right')[16].cx - cam('pan-right')[0].cx).toBeCloseTo(0.35, 6);
    expect(cam('pan-left')[16].cx - cam('pan-left')[0].cx).toBeCloseTo(-0.35, 6);
    expect(cam('tilt-up')[16].cy - cam('tilt-up')[0].cy).toBeCloseTo(-0.35, 6);
    expect(cam('zoom-in')[16].zoom).toBeCloseTo(1.5, 6);
    expect(cam('zoom-out')[16].zoom).toBeCloseTo(1 / 1.5, 6);
    expect(cam('static').every((c) => c.cx === 0.5 && c.cy === 0.5 && c.zoom === 1)).toBe(true);
  });

  it('records wall impacts of movers that reach the edge in a long clip', () => {
    const long = simulate(one('move-right'), clipFormat(64, 64, 8, 6), 3);
    expect(long.events.some((e) => e.kind === 'wall')).toBe(true);
    const xs = long.states.map((s) => s.objects[0].x);
    expect(xs[xs.length - 1]).toBe(xs[xs.length - 2]); // stopped at the wall
  });
});
