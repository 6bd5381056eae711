/**
 * The little dense linear algebra the Fréchet distance needs: square matrices as row-major Float64Array,
 * a symmetric eigendecomposition (cyclic Jacobi) and the square root of a symmetric positive
 * semi-definite matrix built on it.
 *
 * Jacobi is chosen over Householder + QL for being short and accurate to the last digits on symmetric
 * input; at the probe's 256 features one decomposition takes well under a second.
 */

/** A symmetric matrix's eigenvalues and eigenvectors: column k of `vectors` (n×n, row-major) goes with values[k]. */
export interface SymmetricEigen {
  readonly values: Float64Array;
  readonly vectors: Float64Array;
}

const MAX_SWEEPS = 60;

/** n from an n×n row-major matrix; throws on a length that is not a square. */
export function squareSize(m: Float64Array): number {
  const n = Math.round(Math.sqrt(m.length));
  if (n * n !== m.length) throw new Error(`expected a square matrix, got ${m.length} values`);
  return n;
}

export function identity(n: number): Float64Array {
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) m[i * n + i] = 1;
  return m;
}

/** a·b for n×n matrices. */
export function matmul(a: Float64Array, b: Float64Array): Float64Array {
  const n = squareSize(a);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      if (aik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += aik * b[k * n + j]; // i-k-j order: rows stream through cache
    }
  }
  return out;
}

export function trace(m: Float64Array): number {
  const n = squareSize(m);
  let t = 0;
  for (let i = 0; i < n; i++) t += m[i * n + i];
  return t;
}

/** (m + mᵀ)/2: removes the rounding asymmetry of a product such as S·C·S before it is decomposed. */
export function symmetrize(m: Float64Array): Float64Array {
  const n = squareSize(m);
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] = 0.5 * (m[i * n + j] + m[j * n + i]);
  return out;
}

/**
 * Eigendecomposition of a symmetric matrix by cyclic Jacobi rotations: each rotation zeroes one
 * off-diagonal pair; sweeps repeat until the off-diagonal mass is negligible next to the whole matrix.
 * Only the upper triangle's symmetry is assumed, not checked.
 */
export function symmetricEigen(m: Float64Array): SymmetricEigen {
  const n = squareSize(m);
  const a = Float64Array.from(m);
  const v = identity(n);
  let total = 0;
  for (let i = 0; i < a.length; i++) total += a[i] * a[i];
  const tolerance = total * 1e-30; // (1e-15 relative)² on the Frobenius norm

  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    if (off <= tolerance) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        // The rotation angle that zeroes a[p][q]: t = tan φ, the smaller root of t² + 2θt − 1 = 0.
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        rotateColumns(a, n, p, q, c, s); // A·J
        rotateRows(a, n, p, q, c, s); // Jᵀ·(A·J)
        rotateColumns(v, n, p, q, c, s); // V·J accumulates the eigenvectors
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return { values, vectors: v };
}

function rotateColumns(m: Float64Array, n: number, p: number, q: number, c: number, s: number): void {
  for (let k = 0; k < n; k++) {
    const mkp = m[k * n + p];
    const mkq = m[k * n + q];
    m[k * n + p] = c * mkp - s * mkq;
    m[k * n + q] = s * mkp + c * mkq;
  }
}

function rotateRows(m: Float64Array, n: number, p: number, q: number, c: number, s: number): void {
  for (let k = 0; k < n; k++) {
    const mpk = m[p * n + k];
    const mqk = m[q * n + k];
    m[p * n + k] = c * mpk - s * mqk;
    m[q * n + k] = s * mpk + c * mqk;
  }
}

/**
 * V·f(Λ)·Vᵀ for a symmetric matrix. Eigenvalues a PSD matrix rounds slightly below zero are clamped to
 * zero before f (a covariance of fewer samples than features is singular: many eigenvalues are 0).
 */
function applyToEigenvalues(m: Float64Array, f: (lambda: number) => number): Float64Array {
  const n = squareSize(m);
  const { values, vectors } = symmetricEigen(m);
  const fl = values.map((l) => f(Math.max(l, 0)));
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += vectors[i * n + k] * fl[k] * vectors[j * n + k];
      out[i * n + j] = sum;
      out[j * n + i] = sum;
    }
  }
  return out;
}

/** The symmetric PSD square root S of a symmetric PSD matrix M: S·S = M. */
export function sqrtPsd(m: Float64Array): Float64Array {
  return applyToEigenvalues(m, Math.sqrt);
}

/** Tr(sqrt(M)) of a symmetric PSD matrix: the sum of the square roots of its eigenvalues. */
export function traceSqrtPsd(m: Float64Array): number {
  let t = 0;
  for (const l of symmetricEigen(m).values) t += Math.sqrt(Math.max(l, 0));
  return t;
}
