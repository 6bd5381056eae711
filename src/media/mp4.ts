/**
 * VideoFrames → MP4 that plays everywhere: H.264 (libx264) in yuv420p, BT.709 tagged, `+faststart`, the
 * exact input frame count at the input fps, optional AAC audio and Cinesim metadata tags.
 *
 * Choices made here, deliberately:
 * - Small clips are upscaled first (see upscale.ts: 4:2:0 chroma would wash out small objects).
 * - yuv420p needs even width and height; an odd side is padded by one replicated edge row/column
 *   (no cropping, no resampling, no black line). The result reports it.
 * - RGB is converted with the BT.709 matrix to limited range and tagged so; untagged video is
 *   guessed differently by different players.
 * - Audio never changes the video: it is padded with silence or trimmed to the video's duration.
 * - ffmpeg writes a temp file that is renamed on success, so a crash never leaves a half MP4.
 */
import { rm } from 'node:fs/promises';
import { CinesimError, ERRORS, invalidArgument } from '../errors.ts';
import { frameAt, frameBytes, type VideoFrames } from './frames.ts';
import { runTool } from './ffmpeg.ts';
import { tempPathFor, writeAtomic } from './files.ts';
import { completeMetadata, mp4MetadataArgs, type ClipMetadata } from './metadata.ts';
import { planUpscale, upscaleFrame, type UpscaleOptions } from './upscale.ts';
import { writeWav, type AudioSamples } from './wav.ts';

/** An existing WAV (or any audio file ffmpeg reads), or samples to be written as one. */
export type Mp4Audio = { wavPath: string } | AudioSamples;

export type X264Preset = 'ultrafast' | 'superfast' | 'veryfast' | 'faster' | 'fast' | 'medium' | 'slow' | 'slower' | 'veryslow';

export interface Mp4Options {
  audio?: Mp4Audio;
  metadata?: ClipMetadata;
  /** Default: upscale to a short side of at least 256 with `nearest`. `false`: never. */
  upscale?: UpscaleOptions | false;
  /** x264 constant rate factor, 0 (lossless) to 51; default 18 (visually lossless for most content). */
  crf?: number;
  /** x264 speed/size trade-off; default `medium`. */
  preset?: X264Preset;
  signal?: AbortSignal;
}

export interface EncodedMp4 {
  path: string;
  /** The encoded size (after upscale and padding). */
  width: number;
  height: number;
  frames: number;
  fps: number;
  upscale: number;
  /** True when an odd side was padded by one pixel to make yuv420p possible. */
  padded: boolean;
}

export const DEFAULT_CRF = 18;
const AUDIO_BITRATE = '128k';

export async function encodeMp4(video: VideoFrames, outPath: string, options: Mp4Options = {}): Promise<EncodedMp4> {
  checkVideo(video);
  const crf = options.crf ?? DEFAULT_CRF;
  if (!Number.isInteger(crf) || crf < 0 || crf > 51) throw invalidArgument('crf', `crf must be an integer in [0, 51], got ${crf}`);

  const { factor, kernel } = planUpscale(video.width, video.height, options.upscale ?? {}); // on by default
  const scaledW = video.width * factor, scaledH = video.height * factor;
  const width = scaledW + (scaledW % 2), height = scaledH + (scaledH % 2);
  const padded = width !== scaledW || height !== scaledH;
  const duration = video.count / video.fps;

  // Frames are upscaled and padded one at a time, as ffmpeg consumes them.
  function* frames(): Generator<Uint8Array> {
    for (let i = 0; i < video.count; i++) {
      const frame = upscaleFrame(frameAt(video, i), video.width, video.height, factor, kernel);
      yield padded ? padByReplication(frame, scaledW, scaledH, width, height) : frame;
    }
  }

  const audio = options.audio;
  const samples = audio && !('wavPath' in audio) ? audio : undefined;
  const tempWav = samples && `${tempPathFor(outPath)}.wav`;
  const audioPath = audio && ('wavPath' in audio ? audio.wavPath : tempWav);
  const args = [
    ...['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-framerate', String(video.fps), '-i', 'pipe:0'],
    ...(audioPath ? ['-i', audioPath] : []),
    // No -frames:v: the pipe carries exactly the clip's frames, and in ffmpeg 5 a frame limit on the
    // video ends the whole file, cutting the audio short.
    ...['-map', '0:v:0', ...(audioPath ? ['-map', '1:a:0'] : [])],
    ...['-vf', 'scale=out_color_matrix=bt709:out_range=tv:flags=accurate_rnd,format=yuv420p'],
    ...['-c:v', 'libx264', '-preset', options.preset ?? 'medium', '-crf', String(crf), '-pix_fmt', 'yuv420p'],
    ...['-colorspace', 'bt709', '-color_primaries', 'bt709', '-color_trc', 'bt709', '-color_range', 'tv'],
    // Pad short audio with silence and cut long audio, both to the video's duration. 48 kHz because
    // AAC accepts only a fixed list of rates, and 48 kHz is on it.
    ...(audioPath ? ['-af', `apad=whole_dur=${duration},atrim=end=${duration}`, '-ar', '48000', '-c:a', 'aac', '-b:a', AUDIO_BITRATE] : []),
    ...(options.metadata ? mp4MetadataArgs(completeMetadata(options.metadata)) : []),
    // faststart: the index (moov) goes first so browsers play before the download ends;
    // use_metadata_tags: keep custom keys (cinesim_*) that the iTunes-style tags would drop.
    ...['-movflags', '+faststart+use_metadata_tags', '-f', 'mp4'],
  ];
  try {
    if (samples && tempWav) await writeWav(tempWav, samples);
    const task = `encoding ${outPath}`;
    await writeAtomic(outPath, (tmp) => runTool('ffmpeg', [...args, tmp], { stdin: frames(), signal: options.signal, task }));
  } finally {
    if (tempWav) await rm(tempWav, { force: true });
  }
  return { path: outPath, width, height, frames: video.count, fps: video.fps, upscale: factor, padded };
}

function checkVideo(video: VideoFrames): void {
  if (!(video.count >= 1)) throw invalidArgument('video', 'cannot encode a clip with no frames');
  if (!(video.fps > 0) || !Number.isFinite(video.fps)) throw invalidArgument('video.fps', `fps must be positive, got ${video.fps}`);
  if (video.data.length !== frameBytes(video) * video.count) {
    throw new CinesimError(ERRORS.INTERNAL, `VideoFrames: ${video.data.length} bytes do not hold ${video.count} frames of ${video.width}x${video.height}`);
  }
}

/** Copies a w x h RGB frame into W x H (W >= w, H >= h), repeating the last column and row. */
function padByReplication(src: Uint8Array, w: number, h: number, W: number, H: number): Uint8Array {
  const dst = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    const s = Math.min(y, h - 1) * w * 3, o = y * W * 3;
    dst.set(src.subarray(s, s + w * 3), o);
    for (let x = w; x < W; x++) dst.copyWithin(o + x * 3, o + (w - 1) * 3, o + w * 3);
  }
  return dst;
}
