/** Robust statistics shared by the analysis: medians of small lists, and of large non-negative arrays by histogram. */

/** Median of a small list (copied, sorted); 0 for an empty one. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length & 1 ? s[m] : 0.5 * (s[m - 1] + s[m]);
}

/** The q-quantile (0..1) of a small list, by the nearest rank below; 0 for an empty one. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))];
}

/**
 * Median of the first n values of a large array of non-negative numbers, to within `max / bins`, in one
 * pass (a per-frame sort of every pixel would dominate the analysis time). Values above `max` count as `max`.
 */
export function histogramMedian(values: ArrayLike<number>, n = values.length, max = 256, bins = 1024): number {
  if (n === 0) return 0;
  const counts = new Uint32Array(bins);
  const scale = bins / max;
  for (let i = 0; i < n; i++) counts[Math.min(bins - 1, Math.floor(values[i] * scale))]++;
  const half = n / 2;
  for (let b = 0, seen = 0; b < bins; b++) {
    seen += counts[b];
    if (seen >= half) return (b + 0.5) / scale;
  }
  return max;
}

/**
 * k-means on RGB colours ([n, 3] floats), seeded at luma quantiles so the result is deterministic.
 * Returns the centres ([k', 3], k' ≤ k: empty clusters are dropped) and each centre's share of the colours.
 */
export function kmeansRgb(colors: Float32Array, k: number, rounds = 8): { centres: Float32Array; shares: number[] } {
  const n = colors.length / 3;
  if (n === 0) return { centres: new Float32Array(0), shares: [] };
  const luma = (i: number) => 0.299 * colors[i * 3] + 0.587 * colors[i * 3 + 1] + 0.114 * colors[i * 3 + 2];
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => luma(a) - luma(b));
  const centres = new Float32Array(k * 3);
  for (let c = 0; c < k; c++) centres.set(colors.subarray(order[Math.floor(((c + 0.5) * n) / k)] * 3, order[Math.floor(((c + 0.5) * n) / k)] * 3 + 3), c * 3);
  const counts = new Float64Array(k);
  const sums = new Float64Array(k * 3);
  for (let round = 0; round < rounds; round++) {
    counts.fill(0);
    sums.fill(0);
    for (let i = 0; i < n; i++) {
      let best = 0, bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const d = (colors[i * 3] - centres[c * 3]) ** 2 + (colors[i * 3 + 1] - centres[c * 3 + 1]) ** 2 + (colors[i * 3 + 2] - centres[c * 3 + 2]) ** 2;
        if (d < bestD) {
          bestD = d;
          best = c;
        }
      }
      counts[best]++;
      for (let ch = 0; ch < 3; ch++) sums[best * 3 + ch] += colors[i * 3 + ch];
    }
    for (let c = 0; c < k; c++) if (counts[c] > 0) for (let ch = 0; ch < 3; ch++) centres[c * 3 + ch] = sums[c * 3 + ch] / counts[c];
  }
  const kept = Array.from({ length: k }, (_, c) => c).filter((c) => counts[c] > 0);
  return { centres: Float32Array.from(kept.flatMap((c) => [centres[c * 3], centres[c * 3 + 1], centres[c * 3 + 2]])), shares: kept.map((c) => counts[c] / n) };
}
