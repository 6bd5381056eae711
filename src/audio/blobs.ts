/**
 * Blobs: the connected pieces of a frame's foreground, with what tracking needs (soft area, sub-pixel
 * centroid, mean colour, bounding box, whether it touches the frame edge).
 *
 * Components are found on the thresholded mask grown by one pixel, so a shape split by its own texture
 * or outline stays one blob; the blob then takes every pixel of that grown region with its soft weight.
 */
export interface Blob {
  /** Sum of soft weights (pixels). */
  area: number;
  /** Weighted centroid (pixel-centre coordinates). */
  x: number;
  y: number;
  /** Weighted mean colour of the frame's pixels. */
  r: number;
  g: number;
  b: number;
  /** Bounding box of the thresholded pixels, inclusive. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** A thresholded pixel lies on the frame's edge: the object may be cut off and its centroid biased. */
  border: boolean;
  /** Pixel indices (y·width + x) and their weights. */
  pixels: Int32Array;
  weights: Float32Array;
}

/** Foreground weight at or above which a pixel counts as object. */
export const SOLID = 0.5;

/** Smallest blob, as a share of the frame area: smaller specks are noise, stars, compression. */
const MIN_AREA_SHARE = 0.0015;
const MIN_AREA = 4;

export function minBlobArea(width: number, height: number): number {
  return Math.max(MIN_AREA, MIN_AREA_SHARE * width * height);
}

/** The blobs of one frame, largest first. `rgb` is the frame [height, width, 3]. */
export function findBlobs(weights: Float32Array, rgb: Uint8Array, width: number, height: number): Blob[] {
  const n = width * height;
  // Grow the mask by one pixel (3x3) so near pieces join.
  const grown = new Uint8Array(n);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (weights[y * width + x] < SOLID) continue;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx >= 0 && xx < width) grown[yy * width + xx] = 1;
        }
      }
    }
  }
  const component = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  const blobs: Blob[] = [];
  const minArea = minBlobArea(width, height);
  const members: number[] = [];
  for (let start = 0; start < n; start++) {
    if (!grown[start] || component[start] !== -1) continue;
    // Flood fill (8-connected) over the grown mask.
    members.length = 0;
    let top = 0;
    stack[top++] = start;
    component[start] = blobs.length;
    while (top > 0) {
      const p = stack[--top];
      members.push(p);
      const px = p % width, py = (p - px) / width;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = py + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = px + dx;
          if (xx < 0 || xx >= width) continue;
          const q = yy * width + xx;
          if (grown[q] && component[q] === -1) {
            component[q] = blobs.length;
            stack[top++] = q;
          }
        }
      }
    }
    const blob = blobOf(members, weights, rgb, width, height);
    if (blob && blob.area >= minArea) blobs.push(blob);
  }
  return blobs.sort((a, b) => b.area - a.area);
}

/** Stats of a set of pixels; undefined when none has weight. */
export function blobOf(members: ArrayLike<number>, weights: Float32Array, rgb: Uint8Array, width: number, height: number): Blob | undefined {
  let area = 0, sx = 0, sy = 0, sr = 0, sg = 0, sb = 0;
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  let border = false;
  const pixels: number[] = [];
  const ws: number[] = [];
  for (let i = 0; i < members.length; i++) {
    const p = members[i];
    const w = weights[p];
    if (w <= 0) continue;
    const x = p % width, y = (p - x) / width;
    pixels.push(p);
    ws.push(w);
    area += w;
    sx += w * x;
    sy += w * y;
    sr += w * rgb[p * 3];
    sg += w * rgb[p * 3 + 1];
    sb += w * rgb[p * 3 + 2];
    if (w >= SOLID) {
      x0 = Math.min(x0, x); x1 = Math.max(x1, x);
      y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) border = true;
    }
  }
  if (area <= 0 || x1 < 0) return undefined;
  return {
    area, x: sx / area, y: sy / area, r: sr / area, g: sg / area, b: sb / area,
    x0, y0, x1, y1, border,
    pixels: Int32Array.from(pixels), weights: Float32Array.from(ws),
  };
}
