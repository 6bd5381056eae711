import { describe, expect, it } from 'vitest';
import { featureStats, frechetDistance, type FeatureStats } from '../../src/eval/frechet.ts';
import { matmul, sqrtPsd, symmetricEigen } from '../../src/eval/linalg.ts';
import { Rng } from '../../src/util/random.ts';

/** A random symmetric PSD matrix of rank ≤ r: Bᵀ·B with B r×n. */
function randomPsd(n: number, r: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const b = Float64Array.from({ length: r * n }, () => rng.normal());
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < r; k++) m[i * n + j] += b[k * n + i] * b[k * n + j];
  return m;
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
}

/** Feature vectors drawn from N(offset, diag(scale²)). */
function features(count: number, dim: number, seed: number, offset = 0, scale = 1): Float32Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: dim }, () => offset + scale * rng.normal()));
}

describe('symmetricEigen', () => {
  it('decomposes a symmetric matrix: A·v = λ·v for every pair', () => {
    const n = 12;
    const a = randomPsd(n, n, 1);
    const { values, vectors } = symmetricEigen(a);
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += a[i * n + j] * vectors[j * n + k];
        expect(av).toBeCloseTo(values[k] * vectors[i * n + k], 9);
      }
    }
  });

  it('finds the known eigenvalues of a 2×2 matrix', () => {
    const { values } = symmetricEigen(Float64Array.from([2, 1, 1, 2]));
    expect([...values].sort()).toEqual([expect.closeTo(1, 12), expect.closeTo(3, 12)]);
  });
});

describe('sqrtPsd', () => {
  it('squares back to the matrix, full rank and rank-deficient (as a covariance of few samples)', () => {
    for (const [n, r] of [[16, 16], [16, 5]]) {
      const m = randomPsd(n, r, 2);
      const s = sqrtPsd(m);
      expect(maxAbsDiff(matmul(s, s), m)).toBeLessThan(1e-8);
    }
  });
});

describe('frechetDistance', () => {
  it('is ≈ 0 between a set and itself', () => {
    const s = featureStats(features(300, 32, 3));
    expect(frechetDistance(s, s)).toBeLessThan(1e-6);
  });

  it('is the squared shift when only the means differ', () => {
    const base = features(200, 16, 4);
    const shifted = base.map((f) => f.map((v) => v + 0.5));
    // 16 dimensions shifted by 0.5: |Δμ|² = 16 · 0.25 = 4 (float32 rounding of the shifted values aside)
    expect(frechetDistance(featureStats(base), featureStats(shifted))).toBeCloseTo(4, 4);
  });

  it('matches Σ(√a − √b)² + |Δμ|² for diagonal covariances', () => {
    const dim = 4;
    const gaussian = (mean: number, variances: number[]): FeatureStats => {
      const cov = new Float64Array(dim * dim);
      variances.forEach((v, i) => (cov[i * dim + i] = v));
      return { dim, count: 100, mean: new Float64Array(dim).fill(mean), cov };
    };
    const a = gaussian(0, [1, 4, 9, 0]);
    const b = gaussian(1, [4, 4, 1, 2]);
    const expected = 4 * 1 + (1 - 2) ** 2 + 0 + (3 - 1) ** 2 + 2;
    expect(frechetDistance(a, b)).toBeCloseTo(expected, 10);
  });

  it('grows as two sets move apart', () => {
    const ref = featureStats(features(100, 8, 5));
    const near = featureStats(features(100, 8, 6, 0.1));
    const far = featureStats(features(100, 8, 7, 1, 2));
    expect(frechetDistance(ref, far)).toBeGreaterThan(frechetDistance(ref, near));
  });

  it('uses the unbiased covariance and needs two vectors', () => {
    const s = featureStats([Float32Array.from([0, 0]), Float32Array.from([2, 4])]);
    expect([...s.mean]).toEqual([1, 2]);
    expect([...s.cov]).toEqual([2, 4, 4, 8]);
    expect(() => featureStats([Float32Array.from([1])])).toThrow(/at least 2/);
  });
});
