/**
 * PCM16 WAV files, mono or stereo. Cinesim's sound is float samples in [-1, 1]; WAV is how it reaches
 * ffmpeg (for AAC muxing) and people. The reader takes what the writer (and ffmpeg's `pcm_s16le`) makes.
 */
import { readFile } from 'node:fs/promises';
import { CinesimError, ERRORS, invalidArgument } from '../errors.ts';
import { writeFileAtomic } from './files.ts';

export interface AudioSamples {
  /** Interleaved when stereo (L, R, L, R, ...), in [-1, 1]; values outside are clipped. */
  readonly samples: Float32Array;
  readonly sampleRate: number;
  /** Default 1. */
  readonly channels?: 1 | 2;
}

/** Duration in seconds. */
export function audioDuration(audio: AudioSamples): number {
  return audio.samples.length / (audio.channels ?? 1) / audio.sampleRate;
}

const HEADER_BYTES = 44;

export function encodeWav(audio: AudioSamples): Uint8Array {
  const channels = audio.channels ?? 1;
  const { samples, sampleRate } = audio;
  if (channels !== 1 && channels !== 2) throw invalidArgument('audio.channels', `WAV: channels must be 1 or 2, got ${channels}`);
  if (!Number.isInteger(sampleRate) || sampleRate < 1) throw invalidArgument('audio.sampleRate', `WAV: bad sample rate ${sampleRate}`);
  if (samples.length % channels !== 0) {
    throw invalidArgument('audio.samples', `WAV: ${samples.length} interleaved samples do not split into ${channels} channels`);
  }
  const dataBytes = samples.length * 2;
  const buf = new Uint8Array(HEADER_BYTES + dataBytes);
  const view = new DataView(buf.buffer);
  const ascii = (offset: number, s: string) => {
    for (let i = 0; i < s.length; i++) buf[offset + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  view.setUint32(16, 16, true); // fmt chunk size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * 2, true); // byte rate
  view.setUint16(32, channels * 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    // NaN becomes silence rather than a full-scale click.
    const clipped = s > 1 ? 1 : s < -1 ? -1 : s === s ? s : 0;
    view.setInt16(HEADER_BYTES + i * 2, Math.round(clipped * 32767), true);
  }
  return buf;
}

export async function writeWav(path: string, audio: AudioSamples): Promise<void> {
  await writeFileAtomic(path, encodeWav(audio));
}

/** Parses a PCM16 WAV (chunks in any order; unknown chunks such as LIST are skipped). */
export function decodeWav(bytes: Uint8Array, name = 'WAV data'): Required<AudioSamples> {
  const fail = (why: string) => new CinesimError(ERRORS.INPUT_UNREADABLE, `${name}: not a readable WAV file: ${why}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (offset: number) => String.fromCharCode(...bytes.subarray(offset, offset + 4));
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw fail('no RIFF/WAVE header');

  let format: { channels: number; sampleRate: number; bits: number; code: number } | undefined;
  let data: Uint8Array | undefined;
  for (let offset = 12; offset + 8 <= bytes.length; ) {
    const id = tag(offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ' && size >= 16) {
      format = {
        code: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bits: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      // Streamed WAVs (ffmpeg to a pipe) leave the size unset; take what is there.
      data = bytes.subarray(body, Math.min(body + size, bytes.length));
    }
    offset = body + size + (size & 1); // chunks are word-aligned
  }
  if (!format) throw fail('no fmt chunk');
  if (!data) throw fail('no data chunk');
  // 0xfffe is WAVE_FORMAT_EXTENSIBLE, which ffmpeg writes for some layouts; the sample format is still PCM16.
  if ((format.code !== 1 && format.code !== 0xfffe) || format.bits !== 16) {
    throw fail(`only 16-bit PCM is supported (format ${format.code}, ${format.bits} bits)`);
  }
  if (format.channels !== 1 && format.channels !== 2) throw fail(`only mono or stereo is supported (${format.channels} channels)`);

  const samples = new Float32Array(Math.floor(data.length / 2 / format.channels) * format.channels); // whole frames only
  const dataView = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let i = 0; i < samples.length; i++) samples[i] = dataView.getInt16(i * 2, true) / 32767;
  return { samples, sampleRate: format.sampleRate, channels: format.channels as 1 | 2 };
}

export async function readWav(path: string): Promise<Required<AudioSamples>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (cause) {
    throw new CinesimError(ERRORS.INPUT_UNREADABLE, `${path}: cannot read: ${(cause as Error).message}`, { cause });
  }
  return decodeWav(bytes, path);
}
