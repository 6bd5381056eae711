/**
 * The contrast rule: an object colour is readable on a background when it differs enough from every
 * colour that covers much of that background (backgrounds.ts BACKGROUND_DOMINANT).
 *
 * Difference is the redmean distance (color.ts, 0..~765). MIN_CONTRAST = 130 rules out exactly the pairs
 * where objects melt into the scene: a colour on the same solid background, blue in the sky and over the
 * ocean, green on grass, black at night, orange and black at sunset. The sampler only draws readable
 * pairs; the prompt parser may still accept the others, and the renderer draws them (with the outline).
 */
import { BACKGROUND_DOMINANT } from './backgrounds.ts';
import { colorDistance } from './color.ts';
import { COLOR_RGB, type Background, type Color } from './vocabulary.ts';

export const MIN_CONTRAST = 130;

/** The smallest distance between the colour and the background's dominant colours. */
export function contrast(color: Color, background: Background): number {
  const c = COLOR_RGB[color];
  let min = Infinity;
  for (const d of BACKGROUND_DOMINANT[background]) min = Math.min(min, colorDistance(c, d));
  return min;
}

export function isReadable(color: Color, background: Background): boolean {
  return contrast(color, background) >= MIN_CONTRAST;
}
