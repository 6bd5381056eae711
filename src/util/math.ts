/** Small numeric helpers used in per-pixel and per-substep loops. */

export function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

export function clamp01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/** Euclidean length; Math.hypot is several times slower in V8 and this runs per pixel. */
export function len(x: number, y: number): number {
  return Math.sqrt(x * x + y * y);
}

/** Mean and 95th percentile (nearest rank) of timings; zeros when there are none. */
export function meanAndP95(values: readonly number[]): { mean: number; p95: number } {
  if (values.length === 0) return { mean: 0, p95: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  return { mean, p95: sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)] };
}
