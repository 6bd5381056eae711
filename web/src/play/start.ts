/**
 * Where a play starts: the seeded game dressed by a scene prompt, exactly as `cinesim play` starts
 * (src/engine/world/start.ts: the background, and the agent's look from the one object named), or a
 * picture the player drops, scaled to the model's frame in the browser.
 */
import { gameStart } from '../../../src/engine/world/start.ts';
import type { WorldSpec } from '../../../src/engine/world/stepper.ts';

export interface StartFrames {
  /** uint8 RGB frames, oldest first. */
  readonly frames: Uint8Array[];
  /** actions[i] led from frames[i] to frames[i + 1]. */
  readonly actions: string[];
}

/** The seeded game's first frame in the prompt's scene (an empty prompt: the seed's own scene). Throws the parser's errors. */
export function promptStart(prompt: string, seed: number, spec: WorldSpec): StartFrames {
  const start = gameStart({ seed, ...(prompt.trim() !== '' && { prompt }) }, spec);
  return { frames: [start.frame], actions: [] };
}

/** A picture as one start frame: scaled to cover the frame and centred, then read as RGB. */
export async function imageStart(file: Blob, size: { width: number; height: number }): Promise<StartFrames> {
  const bitmap = await createImageBitmap(file);
  try {
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('this browser cannot draw on a canvas');
    const scale = Math.max(size.width / bitmap.width, size.height / bitmap.height);
    const w = bitmap.width * scale;
    const h = bitmap.height * scale;
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, (size.width - w) / 2, (size.height - h) / 2, w, h);
    const rgba = ctx.getImageData(0, 0, size.width, size.height).data;
    const rgb = new Uint8Array(size.width * size.height * 3);
    for (let p = 0, q = 0; p < rgba.length; p += 4, q += 3) {
      rgb[q] = rgba[p];
      rgb[q + 1] = rgba[p + 1];
      rgb[q + 2] = rgba[p + 2];
    }
    return { frames: [rgb], actions: [] };
  } finally {
    bitmap.close();
  }
}
