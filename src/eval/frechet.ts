/**
 * Fréchet distance between two sets of feature vectors, each summarised by a Gaussian (mean and
 * covariance), computed as FID does:
 *
 *   d² = |μ₁ − μ₂|² + Tr(C₁ + C₂ − 2·sqrt(sqrt(C₁)·C₂·sqrt(C₁)))
 *
 * sqrt(C₁)·C₂·sqrt(C₁) is symmetric PSD with the same eigenvalues as C₁·C₂, so its trace-sqrt equals FID's
 * Tr(sqrt(C₁·C₂)) without the complex arithmetic scipy's general sqrtm needs. Covariances are unbiased
 * (n − 1), as numpy.cov in the FID reference code. With fewer clips than features the estimate is biased
 * upwards: compare a figure only with one from the same number of clips (the eval reports a
 * rendered-vs-rendered reference for that reason).
 */
import { matmul, sqrtPsd, symmetrize, trace, traceSqrtPsd } from './linalg.ts';

export interface FeatureStats {
  readonly dim: number;
  readonly count: number;
  readonly mean: Float64Array;
  /** dim×dim, row-major. */
  readonly cov: Float64Array;
}

/** Mean and unbiased covariance of `features` (each of the same length; at least two). */
export function featureStats(features: readonly Float32Array[]): FeatureStats {
  const count = features.length;
  if (count < 2) throw new Error(`featureStats needs at least 2 feature vectors, got ${count}`);
  const dim = features[0].length;
  const mean = new Float64Array(dim);
  for (const f of features) {
    if (f.length !== dim) throw new Error(`feature vectors differ in length: ${dim} and ${f.length}`);
    for (let i = 0; i < dim; i++) mean[i] += f[i] / count;
  }
  const cov = new Float64Array(dim * dim);
  const centred = new Float64Array(dim);
  for (const f of features) {
    for (let i = 0; i < dim; i++) centred[i] = f[i] - mean[i];
    for (let i = 0; i < dim; i++) {
      const ci = centred[i];
      for (let j = i; j < dim; j++) cov[i * dim + j] += ci * centred[j];
    }
  }
  for (let i = 0; i < dim; i++) {
    for (let j = i; j < dim; j++) {
      const v = cov[i * dim + j] / (count - 1);
      cov[i * dim + j] = v;
      cov[j * dim + i] = v;
    }
  }
  return { dim, count, mean, cov };
}

/** The Fréchet distance d² between two Gaussians (FID's formula; ≥ 0 up to rounding, clamped at 0). */
export function frechetDistance(a: FeatureStats, b: FeatureStats): number {
  if (a.dim !== b.dim) throw new Error(`feature sets differ in dimension: ${a.dim} and ${b.dim}`);
  let meanTerm = 0;
  for (let i = 0; i < a.dim; i++) meanTerm += (a.mean[i] - b.mean[i]) ** 2;
  const s = sqrtPsd(a.cov);
  const middle = traceSqrtPsd(symmetrize(matmul(matmul(s, b.cov), s)));
  return Math.max(0, meanTerm + trace(a.cov) + trace(b.cov) - 2 * middle);
}
