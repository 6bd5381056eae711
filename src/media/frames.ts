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

/** Frames [start, start + count) as a new clip (copied). */
export function sliceVideo(v: VideoFrames, start: number, count = v.count - start): VideoFrames {
  if (start < 0 || count < 0 || start + count > v.count) throw new Error(`sliceVideo: frames ${start}..${start + count} of ${v.count}`);
  const n = frameBytes(v);
  return makeFrames(v.width, v.height, v.fps, count, v.data.slice(start * n, (start + count) * n));
}

/** `a` then `b` (same size and fps). */
export function concatVideos(a: VideoFrames, b: VideoFrames): VideoFrames {
  if (a.width !== b.width || a.height !== b.height || a.fps !== b.fps) {
    throw new Error(`concatVideos: ${a.width}x${a.height}@${a.fps} and ${b.width}x${b.height}@${b.fps} differ`);
  }
  const data = new Uint8Array(a.data.length + b.data.length);
  data.set(a.data, 0);
  data.set(b.data, a.data.length);
  return makeFrames(a.width, a.height, a.fps, a.count + b.count, data);
}
