/**
 * Aspect ratios by the names users give them (16:9, 9:16, 1:1, 4:3, 3:4, 21:9, …), and the name of a frame
 * size's ratio. No Node imports: the studio shows sizes by these names too.
 */

/** Named ratios, width : height. */
export const ASPECT_RATIOS: Readonly<Record<string, readonly [number, number]>> = {
  '1:1': [1, 1],
  '16:9': [16, 9],
  '9:16': [9, 16],
  '4:3': [4, 3],
  '3:4': [3, 4],
  '3:2': [3, 2],
  '2:3': [2, 3],
  '21:9': [21, 9],
};

/** How far (in log ratio, about 5%) a size may be from a named ratio and still take its name. */
const NAME_TOLERANCE = 0.05;

/** The named ratio of width × height (112x64 is 7:4, "16:9"), or "W:H" when none is near. */
export function aspectName(width: number, height: number): string {
  const r = Math.log(width / height);
  let best = '1:1';
  for (const [name, [w, h]] of Object.entries(ASPECT_RATIOS)) {
    if (Math.abs(Math.log(w / h) - r) < Math.abs(Math.log(ASPECT_RATIOS[best][0] / ASPECT_RATIOS[best][1]) - r)) best = name;
  }
  const [w, h] = ASPECT_RATIOS[best];
  return Math.abs(Math.log(w / h) - r) < NAME_TOLERANCE ? best : `${width}:${height}`;
}

/** Of `sizes` ([width, height]), the one whose ratio is nearest `ratio` (width : height). */
export function nearestSize<S extends readonly number[]>(sizes: readonly S[], [aw, ah]: readonly [number, number]): S {
  const target = Math.log(aw / ah);
  const off = (s: S) => Math.abs(Math.log(s[0] / s[1]) - target);
  return sizes.reduce((best, s) => (off(s) < off(best) ? s : best));
}
