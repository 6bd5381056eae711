/**
 * Latent video tensors as the engine passes them between stages: float32, C-order [B, C, T, h, w]
 * (batch, channels, latent frames, rows, columns), the layout of every graph in docs/FORMATS.md.
 */

/** [B, C, T, h, w] */
export type LatentShape = readonly [b: number, c: number, t: number, h: number, w: number];

export interface Latents {
  readonly shape: LatentShape;
  /** B·C·T·h·w values, C-order. */
  readonly data: Float32Array;
}

/** 1 + 4k: the frame counts a causal VAE clip can have (4 = the temporal compression). */
export function isValidFrameCount(frames: number, temporalCompression = 4): boolean {
  return Number.isInteger(frames) && frames >= 1 && (frames - 1) % temporalCompression === 0;
}

/** Latent frames of a clip of 1 + 4k frames: 1 + k. */
export function latentFrameCount(frames: number, temporalCompression = 4): number {
  return (frames - 1) / temporalCompression + 1;
}

/** The valid counts around `frames`: the largest at or below it (at least 1), and the next one up. */
export function validFrameCountsAround(frames: number, temporalCompression = 4): [below: number, above: number] {
  const below = Math.max(1, 1 + Math.floor((frames - 1) / temporalCompression) * temporalCompression);
  return [below, below + temporalCompression];
}

export function latentSize(shape: LatentShape): number {
  return shape[0] * shape[1] * shape[2] * shape[3] * shape[4];
}

export function zeroLatents(shape: LatentShape): Latents {
  return { shape, data: new Float32Array(latentSize(shape)) };
}

export function makeLatents(shape: LatentShape, data: Float32Array): Latents {
  if (data.length !== latentSize(shape)) {
    throw new Error(`latents [${shape.join(', ')}] need ${latentSize(shape)} values, got ${data.length}`);
  }
  return { shape, data };
}

/**
 * Copies latent frames [srcT0, srcT0 + n) of `src` into frames [dstT0, dstT0 + n) of `dst`, for every
 * batch item and channel. Both must share B, C, h, w.
 */
export function copyFrames(src: Latents, srcT0: number, dst: Latents, dstT0: number, n: number): void {
  const [b, c, srcT, h, w] = src.shape;
  const dstT = dst.shape[2];
  if (dst.shape[0] !== b || dst.shape[1] !== c || dst.shape[3] !== h || dst.shape[4] !== w) {
    throw new Error(`copyFrames: [${src.shape.join(', ')}] and [${dst.shape.join(', ')}] differ beyond T`);
  }
  if (srcT0 < 0 || dstT0 < 0 || srcT0 + n > srcT || dstT0 + n > dstT) {
    throw new Error(`copyFrames: frames ${srcT0}+${n} of ${srcT} into ${dstT0}+${n} of ${dstT} out of range`);
  }
  const plane = h * w;
  for (let bc = 0; bc < b * c; bc++) {
    // one (batch, channel) pair holds T contiguous [h, w] planes: a frame range is one contiguous run
    const from = (bc * srcT + srcT0) * plane; // [bc, srcT0, 0, 0]
    const to = (bc * dstT + dstT0) * plane; //   [bc, dstT0, 0, 0]
    dst.data.set(src.data.subarray(from, from + n * plane), to);
  }
}

/** Latent frames [t0, t0 + n) as a new contiguous tensor [B, C, n, h, w]. */
export function sliceFrames(src: Latents, t0: number, n: number): Latents {
  const [b, c, , h, w] = src.shape;
  const out = zeroLatents([b, c, n, h, w]);
  copyFrames(src, t0, out, 0, n);
  return out;
}

/** Concatenates tensors along the batch axis: [B1, C, T, h, w] + [B2, C, T, h, w] → [B1 + B2, C, T, h, w]. */
export function concatBatch(items: readonly Latents[]): Latents {
  const [, c, t, h, w] = items[0].shape;
  const b = items.reduce((sum, item) => sum + item.shape[0], 0);
  const out = zeroLatents([b, c, t, h, w]);
  let offset = 0;
  for (const item of items) {
    const [, ci, ti, hi, wi] = item.shape;
    if (ci !== c || ti !== t || hi !== h || wi !== w) {
      throw new Error(`concatBatch: [${item.shape.join(', ')}] does not match [${items[0].shape.join(', ')}]`);
    }
    out.data.set(item.data, offset); // batch is the outermost axis: items follow each other
    offset += item.data.length;
  }
  return out;
}
