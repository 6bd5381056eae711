/** Shared by the engine tests: the tiny random-weight model fixture and small synthetic inputs. */
import { fileURLToPath } from 'node:url';
import { makeFrames, type VideoFrames } from '../../src/media/frames.ts';
import type { Logger } from '../../src/engine/log.ts';

export const TINY_MODEL = fileURLToPath(new URL('../fixtures/tiny-model/', import.meta.url));

/** A logger that records what it is told. */
export function recordingLogger(): Logger & { warnings: string[]; errors: string[] } {
  const warnings: string[] = [];
  const errors: string[] = [];
  return { warnings, errors, warn: (m) => warnings.push(m), error: (m) => errors.push(m) };
}

/** A deterministic colourful clip: a gradient that moves with the frame index. */
export function gradientClip(width: number, height: number, count: number, fps = 8): VideoFrames {
  const video = makeFrames(width, height, fps, count);
  for (let f = 0; f < count; f++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = ((f * height + y) * width + x) * 3; // [f, y, x, 0]
        video.data[i] = (x * 8 + f * 16) & 255;
        video.data[i + 1] = (y * 8) & 255;
        video.data[i + 2] = (128 + f * 32) & 255;
      }
    }
  }
  return video;
}
