import { describe, expect, it } from 'vitest';
import { SHAPE_EXTENT, SHAPE_SDF } from '../../src/world/shapes.ts';
import { SHAPES } from '../../src/world/vocabulary.ts';

describe('shape distance functions', () => {
  it('stay outside their extent (the renderer only visits that box), fill a fair share of the unit disc, and are distances', () => {
    const n = 120;
    const e = 1e-3;
    for (const shape of SHAPES) {
      const sdf = SHAPE_SDF[shape];
      let inside = 0;
      const bad: string[] = [];
      for (let i = -n; i <= n; i++) {
        for (let j = -n; j <= n; j++) {
          const u = (1.5 * i) / n;
          const v = (1.5 * j) / n;
          const d = sdf(u, v);
          if (d < 0) inside++;
          if (Math.hypot(u, v) > SHAPE_EXTENT[shape] + 1e-9 && d <= 0) bad.push(`inside beyond extent at ${u},${v}`);
          // 1-Lipschitz: the anti-aliasing reads the value as a distance.
          if (Math.abs(sdf(u + e, v) - d) > e * 1.001) bad.push(`steeper than a distance at ${u},${v}`);
        }
      }
      expect(bad.slice(0, 3), shape).toEqual([]);
      const share = (inside * (1.5 / n) ** 2) / Math.PI;
      expect(share, shape).toBeGreaterThan(0.55);
      expect(share, shape).toBeLessThan(1.05);
    }
  });
});
