/** The impact re-scorer's trees: they fit an interaction no single split can, the same data gives the same trees. */
import { describe, expect, it } from 'vitest';
import { fitBoostedTrees, scoreTrees } from '../../src/audio/rescore.ts';

describe('boosted trees', () => {
  // Real where both quantities are large (an XOR-free "and" of two features), with a nuisance feature.
  const x: Float64Array[] = [];
  const y: number[] = [];
  for (let i = 0; i < 400; i++) {
    const a = (i * 37) % 100, b = (i * 61) % 100, c = (i * 13) % 7;
    x.push(Float64Array.from([a, b, c]));
    y.push(a > 50 && b > 30 ? 1 : 0);
  }

  it('separates what depends on two features together', () => {
    const model = fitBoostedTrees(['a', 'b', 'c'], x, y, { trees: 40, depth: 2 });
    const correct = x.filter((row, i) => (scoreTrees(model, row) >= 0 ? 1 : 0) === y[i]).length;
    expect(correct / x.length).toBeGreaterThan(0.97);
    expect(scoreTrees(model, [90, 90, 0])).toBeGreaterThan(1);
    expect(scoreTrees(model, [10, 90, 0])).toBeLessThan(-1);
  });

  it('is deterministic', () => {
    const a = fitBoostedTrees(['a', 'b', 'c'], x, y, { trees: 10 });
    const b = fitBoostedTrees(['a', 'b', 'c'], x, y, { trees: 10 });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
