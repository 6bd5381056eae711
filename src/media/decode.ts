/**
 * Video files → facts and frames, through ffprobe and ffmpeg. `probeVideo` counts frames exactly
 * (`-count_frames` decodes the stream: slower than trusting the header, but right for any container);
 * `decodeVideo` returns RGB VideoFrames, optionally resampled in time and space. A file that is missing,
 * broken or has no video stream is an INPUT_UNREADABLE error naming the file.
 */
import { stat } from 'node:fs/promises';
import { CinesimError, ERRORS, invalidArgument } from '../errors.ts';
import { makeFrames, type VideoFrames } from './frames.ts';
import { ffprobeJson, runTool } from './ffmpeg.ts';

export interface VideoInfo {
  codec: string;
  /** Display size: a phone video stored sideways with a 90° rotation reports its upright size, as decoded. */
  width: number;
  height: number;
  /** Decoded frame count (exact). */
  frames: number;
  fps: number;
  /** Seconds (container duration, or the video stream's when the container has none). */
  duration: number;
  pixFmt: string;
  hasAudio: boolean;
  audioCodec: string | undefined;
  /** Seconds of the first audio stream, when there is one. */
  audioDuration: number | undefined;
  /** Container tags (title, comment, cinesim_*, ...). */
  tags: Record<string, string>;
}

interface ProbeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  pix_fmt?: string;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_read_frames?: string;
  nb_frames?: string;
  duration?: string;
  side_data_list?: { rotation?: number }[];
  tags?: { rotate?: string };
}

interface ProbeResult {
  streams?: ProbeStream[];
  format?: { duration?: string; tags?: Record<string, string> };
}

function unreadable(path: string, why: string, cause?: unknown): CinesimError {
  return new CinesimError(ERRORS.INPUT_UNREADABLE, `${path}: not a readable video: ${why}`, { cause, param: 'video' });
}

async function checkFile(path: string): Promise<void> {
  const info = await stat(path).catch((cause: Error) => {
    throw unreadable(path, cause.message, cause);
  });
  if (!info.isFile()) throw unreadable(path, 'not a file');
}

/** "24/1" or "30000/1001" → frames per second; undefined for "0/0". */
function parseRate(rate: string | undefined): number | undefined {
  if (!rate) return undefined;
  const [num, den = '1'] = rate.split('/');
  const fps = Number(num) / Number(den);
  return Number.isFinite(fps) && fps > 0 ? fps : undefined;
}

export interface ProbeOptions {
  /** Decode the stream to count frames exactly (default true); false trusts the container header. */
  countFrames?: boolean;
  signal?: AbortSignal;
}

export async function probeVideo(path: string, options: ProbeOptions = {}): Promise<VideoInfo> {
  await checkFile(path);
  const countFrames = options.countFrames ?? true;
  const json = (await ffprobeJson([...(countFrames ? ['-count_frames'] : []), '-show_streams', '-show_format', path], {
    failure: ERRORS.INPUT_UNREADABLE,
    task: `probing ${path}`,
    signal: options.signal,
  })) as ProbeResult;
  const streams = json.streams ?? [];
  const video = streams.find((s) => s.codec_type === 'video');
  if (!video || !video.width || !video.height) throw unreadable(path, 'no video stream');
  const audio = streams.find((s) => s.codec_type === 'audio');
  const fps = parseRate(video.avg_frame_rate) ?? parseRate(video.r_frame_rate);
  if (fps === undefined) throw unreadable(path, 'no frame rate');
  const frames = Number((countFrames ? video.nb_read_frames : video.nb_frames) ?? 0);
  // ffmpeg applies the rotation when decoding, so the decoded frames have the rotated size.
  const rotation = Number(video.side_data_list?.find((d) => d.rotation !== undefined)?.rotation ?? video.tags?.rotate ?? 0);
  const quarterTurn = Math.abs(rotation) % 180 === 90;
  return {
    codec: video.codec_name ?? 'unknown',
    width: quarterTurn ? video.height : video.width,
    height: quarterTurn ? video.width : video.height,
    frames,
    fps,
    duration: Number(json.format?.duration ?? video.duration ?? frames / fps),
    pixFmt: video.pix_fmt ?? 'unknown',
    hasAudio: audio !== undefined,
    audioCodec: audio?.codec_name,
    audioDuration: audio?.duration !== undefined ? Number(audio.duration) : undefined,
    tags: json.format?.tags ?? {},
  };
}

export interface DecodeOptions {
  /** Stop after this many frames. */
  maxFrames?: number;
  /** Resample to this frame rate (ffmpeg's `fps` filter: drops or repeats frames). */
  fps?: number;
  /** Resize to exactly this size (bicubic). */
  size?: { width: number; height: number };
  signal?: AbortSignal;
}

export async function decodeVideo(path: string, options: DecodeOptions = {}): Promise<VideoFrames> {
  const { maxFrames, fps, size } = options;
  if (maxFrames !== undefined && !(Number.isInteger(maxFrames) && maxFrames >= 1)) {
    throw invalidArgument('maxFrames', `maxFrames must be a positive integer, got ${maxFrames}`);
  }
  if (fps !== undefined && !(fps > 0 && Number.isFinite(fps))) throw invalidArgument('fps', `fps must be positive, got ${fps}`);
  if (size && !(Number.isInteger(size.width) && Number.isInteger(size.height) && size.width >= 1 && size.height >= 1)) {
    throw invalidArgument('size', `size must be positive integers, got ${size.width}x${size.height}`);
  }

  // The probe gives the frame size (to split ffmpeg's byte stream) and the source fps.
  const info = await probeVideo(path, { countFrames: false, signal: options.signal });
  const width = size?.width ?? info.width, height = size?.height ?? info.height;
  // The colour matrix and range come from the stream's tags (ffmpeg's default), so BT.709 and BT.601
  // files both decode to the right RGB.
  const filters = [...(fps !== undefined ? [`fps=${fps}`] : []), ...(size ? [`scale=${width}:${height}:flags=bicubic`] : [])];
  const { stdout } = await runTool(
    'ffmpeg',
    [
      ...['-i', path, '-map', '0:v:0'],
      ...(filters.length ? ['-vf', filters.join(',')] : []),
      ...(maxFrames !== undefined ? ['-frames:v', String(maxFrames)] : []),
      ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    ],
    { captureStdout: true, failure: ERRORS.INPUT_UNREADABLE, task: `decoding ${path}`, signal: options.signal },
  );
  const perFrame = width * height * 3;
  const count = Math.floor(stdout.length / perFrame);
  if (count === 0) throw unreadable(path, 'no frames could be decoded');
  // Own the bytes unless ffmpeg's output already is exactly one whole buffer (small outputs come from
  // Node's shared pool, which callers must not see through `data.buffer`).
  const whole = stdout.byteOffset === 0 && stdout.buffer.byteLength === count * perFrame;
  const data = whole ? new Uint8Array(stdout.buffer) : new Uint8Array(stdout.subarray(0, count * perFrame));
  return makeFrames(width, height, fps ?? info.fps, count, data);
}
