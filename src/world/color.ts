/**
 * Colour arithmetic shared by the renderer (texture and outline variants), the backgrounds and the contrast
 * rule. Everything is 8-bit sRGB; blending happens in sRGB too, which is what a viewer of the frames sees.
 */
import type { RGB } from './vocabulary.ts';

/** Linear mix a → b by t in [0, 1]. */
export function mix(a: RGB, b: RGB, t: number): RGB {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** Rec. 601 luma in [0, 255]. */
export function luma(c: RGB): number {
  return 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
}

/**
 * "Redmean" colour distance: Euclidean RGB with weights that follow the red level. A cheap approximation of
 * perceived difference (close to CIE76 for saturated colours) that needs no colour-space conversion.
 * Range 0 (same) to about 765 (black vs white).
 */
export function colorDistance(a: RGB, b: RGB): number {
  const rm = (a[0] + b[0]) / 2;
  const dr = a[0] - b[0];
  const dg = a[1] - b[1];
  const db = a[2] - b[2];
  return Math.sqrt((2 + rm / 256) * dr * dr + 4 * dg * dg + (2 + (255 - rm) / 256) * db * db);
}

const BLACK: RGB = [0, 0, 0];
const WHITE: RGB = [255, 255, 255];

/** Below this luma a colour is too dark to darken further, so its variants go lighter. */
const DARK_LUMA = 50;

/**
 * The second colour of a textured object (stripes, dots, checks): a darker shade of the body colour, or a
 * lighter one for near-black bodies. It stays the same hue so the object still reads as its colour.
 */
export function accentColor(c: RGB): RGB {
  return luma(c) < DARK_LUMA ? mix(c, WHITE, 0.4) : mix(c, BLACK, 0.42);
}

/** The thin outline around every object: the body colour at half brightness, readable on light and mid backgrounds. */
export function outlineColor(c: RGB): RGB {
  return mix(c, BLACK, 0.5);
}
