/**
 * A synthetic clip for tests, benchmarks and "does my ffmpeg work" checks: a red square crossing a
 * gradient background left to right, so every frame differs and colour mix-ups (RGB vs BGR) show.
 */
import { makeFrames, type VideoFrames } from './frames.ts';

export function testPattern(width: number, height: number, count: number, fps = 8): VideoFrames {
  const video = makeFrames(width, height, fps, count);
  const side = Math.max(2, Math.floor(Math.min(width, height) / 4));
  const top = Math.floor((height - side) / 2);
  for (let f = 0; f < count; f++) {
    const left = Math.round((f * (width - side)) / Math.max(1, count - 1));
    let o = f * width * height * 3;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++, o += 3) {
        if (x >= left && x < left + side && y >= top && y < top + side) {
          video.data[o] = 230, video.data[o + 1] = 30, video.data[o + 2] = 30;
        } else {
          // Green to blue across, darker downwards: smooth, so codecs see realistic gradients.
          const u = x / Math.max(1, width - 1), v = y / Math.max(1, height - 1);
          video.data[o] = 20;
          video.data[o + 1] = Math.round(180 * (1 - u) * (1 - 0.5 * v) + 20);
          video.data[o + 2] = Math.round(200 * u * (1 - 0.5 * v) + 20);
        }
      }
    }
  }
  return video;
}
