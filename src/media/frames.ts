/**
 * The in-memory video every part of Cinesim passes around: RGB frames, uint8, one contiguous buffer in
 * [frame, row, column, channel] order. The renderer and the engine produce it; the media writers and the
 * probes consume it.
 */
export interface VideoFrames {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** Number of frames. */
  readonly count: number;
  /** count * height * width * 3 bytes. */
  readonly data: Uint8Array;
}

export function frameBytes(v: Pick<VideoFrames, 'width' | 'height'>): number {
  return v.width * v.height * 3;
}

/** A view of frame i (no copy). */
export function frameAt(v: VideoFrames, i: number): Uint8Array {
  const n = frameBytes(v);
  return v.data.subarray(i * n, (i + 1) * n);
}

export function makeFrames(width: number, height: number, fps: number, count: number, data?: Uint8Array): VideoFrames {
  const expected = width * height * 3 * count;
  const buf = data ?? new Uint8Array(expected);
  if (buf.length !== expected) {
    throw new Error(`VideoFrames: expected ${expected} bytes for ${count} frames of ${width}x${height}, got ${buf.length}`);
  }
  return { width, height, fps, count, data: buf };
}
