import { describe, expect, it } from 'vitest';
import { renderClip, renderFrame } from '../../src/world/render.ts';
import { clipFormat, type FrameState, type ObjectSpec, type SceneSpec } from '../../src/world/spec.ts';
import { BACKGROUNDS, COLORS, COLOR_RGB, SHAPES, SIZE_RADIUS, type Background, type Color } from '../../src/world/vocabulary.ts';

const scene: SceneSpec = {
  background: 'grass',
  camera: 'pan-right',
  objects: [
    { shape: 'star', color: 'red', size: 'medium', texture: 'striped', motion: 'bounce' },
    { shape: 'ring', color: 'blue', size: 'small', texture: 'plain', motion: 'orbit' },
  ],
};

/** One still object of radius `r` at the centre of a square view. */
function still(spec: Partial<ObjectSpec>, background: Background, r = SIZE_RADIUS.medium): FrameState {
  const obj: ObjectSpec = { shape: 'ball', color: 'red', size: 'medium', texture: 'plain', motion: 'static', ...spec };
  return {
    background,
    camera: { cx: 0.5, cy: 0.5, zoom: 1 },
    objects: [{ ...obj, x: 0.5, y: 0.5, angle: 0, scale: 1, radius: r, visible: true }],
  };
}

function pixel(frame: Uint8Array, width: number, x: number, y: number): number[] {
  const o = (y * width + x) * 3;
  return [frame[o], frame[o + 1], frame[o + 2]];
}

describe('renderer', () => {
  it('is deterministic under a seed, and seeds change the clip', () => {
    const format = clipFormat(64, 64, 8, 1);
    const a = renderClip(scene, format, 7).video.data;
    const b = renderClip(scene, format, 7).video.data;
    const c = renderClip(scene, format, 8).video.data;
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    expect(Buffer.from(a).equals(Buffer.from(c))).toBe(false);
  });

  it('draws every shape in the exact colour at its body (plain texture)', () => {
    for (const shape of SHAPES) {
      for (const color of COLORS) {
        const background: Background = color === 'white' ? 'black' : 'white';
        const frame = renderFrame(still({ shape, color }, background), 64, 64);
        // The ring's centre is its hole: sample on the band instead (centre radius 0.77 r).
        const x = shape === 'ring' ? Math.floor(32 + 0.77 * SIZE_RADIUS.medium * 64) : 32;
        expect(pixel(frame, 64, x, 32), `${color} ${shape}`).toEqual([...COLOR_RGB[color]]);
      }
    }
  });

  it('keeps textured objects in their colour family and draws their texture', () => {
    for (const texture of ['striped', 'dotted', 'checkered'] as const) {
      const frame = renderFrame(still({ shape: 'square', color: 'yellow', texture }, 'white', SIZE_RADIUS.large), 64, 64);
      const inside: number[][] = [];
      for (let y = 26; y < 38; y++) for (let x = 26; x < 38; x++) inside.push(pixel(frame, 64, x, y));
      const distinct = new Set(inside.map((p) => p.join(','))).size;
      expect(distinct, texture).toBeGreaterThan(2);
      const yellowish = inside.filter(([r, g, b]) => r > g * 0.9 && g > b * 1.5).length;
      expect(yellowish / inside.length, texture).toBeGreaterThan(0.9);
    }
  });

  it('outlines objects with a darker edge and anti-aliases it', () => {
    const frame = renderFrame(still({ color: 'yellow' }, 'white'), 64, 64);
    const row = Array.from({ length: 64 }, (_, x) => pixel(frame, 64, x, 32)[0]);
    expect(Math.min(...row)).toBeLessThan(COLOR_RGB.yellow[0] - 60); // the outline
    expect(new Set(row).size).toBeGreaterThan(3); // intermediate coverage values
  });

  it('renders every background at any aspect ratio with objects in view', () => {
    const sizes: [number, number][] = [[64, 64], [112, 64], [64, 112], [32, 32], [256, 144]];
    for (const [width, height] of sizes) {
      for (const background of BACKGROUNDS) {
        const s: SceneSpec = { ...scene, background, camera: 'static' };
        const { video, simulation } = renderClip(s, clipFormat(width, height, 4, 0.5), 3);
        expect(video.data.length).toBe(width * height * 3 * 3);
        // The plain blue ring (object 1) shows its colour on its band at frame 0.
        const o = simulation.states[0].objects[1];
        const m = Math.min(width, height);
        const x = Math.floor((o.x + 0.77 * o.radius) * m);
        const y = Math.floor(o.y * m);
        const [r, g, b] = pixel(video.data, width, x, y);
        expect(b > r && b > g, `${background} ${width}x${height}`).toBe(true);
      }
    }
  });

  it('paints scenes in world coordinates: a pan moves the background', () => {
    for (const background of ['sky', 'night', 'grass', 'desert', 'sunset', 'ocean'] as const) {
      const frame = (cx: number) => renderFrame({ background, camera: { cx, cy: 0.5, zoom: 1 }, objects: [] }, 64, 64);
      const a = frame(0.5);
      const shifted = frame(0.5 + 8 / 64); // eight pixels to the right
      // Column x of the shifted view is column x + 8 of the first one (same world point).
      let same = 0;
      for (let y = 0; y < 64; y++) for (let x = 0; x < 56; x++) {
        if (pixel(shifted, 64, x, y).join() === pixel(a, 64, x + 8, y).join()) same++;
      }
      expect(same / (64 * 56), background).toBeGreaterThan(0.97);
      expect(Buffer.from(a).equals(Buffer.from(shifted)), background).toBe(false);
    }
  });

  it('rejects an output buffer of the wrong size', () => {
    expect(() => renderFrame(still({}, 'white'), 16, 16, new Uint8Array(10))).toThrow(/16x16/);
  });

  it('shows the spin of a plain ball through its marker', () => {
    const at = (angle: number) => {
      const s = still({ motion: 'rotate', color: 'green' as Color }, 'white');
      return renderFrame({ ...s, objects: [{ ...s.objects[0], angle }] }, 64, 64);
    };
    expect(Buffer.from(at(0)).equals(Buffer.from(at(1)))).toBe(false);
  });
});
