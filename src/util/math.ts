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
