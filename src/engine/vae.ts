/**
 * The causal 3D VAE's two halves (docs/FORMATS.md).
 *
 * Encoder: video [1, 3, F, H, W] in [-1, 1], F = 1 + 4k → normalised latents [1, C, 1 + k, H/s, W/s].
 * Decoder: causal in time, so it runs chunk by chunk (a few latent frames per call) carrying its
 * `cache_<i>` tensors from one call to the next; the frames are the same as decoding the clip at once and
 * the working memory does not grow with clip length. The first latent frame decodes to 4 frames of which
 * the first 3 are padding (the encoder repeated frame 0 three times), so 1 + k latent frames give 1 + 4k.
 */
import { CinesimError, ERRORS } from '../errors.ts';
import { makeFrames, type VideoFrames } from '../media/frames.ts';
import {
  isValidFrameCount,
  latentFrameCount,
  latentSize,
  makeLatents,
  sliceFrames,
  validFrameCountsAround,
  type LatentShape,
  type Latents,
} from './latents.ts';
import type { DecoderCacheSpec, VideoManifest } from './manifest.ts';
import { throwIfAborted } from './cancel.ts';
import { float32Output, float32Tensor, type Outputs, type Session, type Tensor } from './ort.ts';

export type VaeSpec = VideoManifest['vae'];

/** Frames the decoder emits before the clip's first real frame. */
const PADDING_FRAMES = 3;

/** One decoded chunk: frames [3, count, H, W] in [-1, 1], the clip's frames [start, start + count). */
export interface DecodedChunk {
  readonly start: number;
  readonly count: number;
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array; // [3, count, H, W]
}

export interface DecodeOptions {
  /** Latent frames per decoder call (each gives 4 video frames). Default 1: the smallest working memory. */
  readonly chunk?: number;
  readonly fps: number;
  /** After each chunk: chunks done, chunks in all. */
  readonly onChunk?: (done: number, total: number) => void;
  /** Checked before each chunk; an aborted signal rejects with CANCELLED. */
  readonly signal?: AbortSignal;
}

export class VaeDecoder {
  private readonly session: Session;
  private readonly spec: VaeSpec;

  constructor(session: Session, spec: VaeSpec) {
    this.session = session;
    this.spec = spec;
  }

  /** Video frames out of the decoder, chunk by chunk, with the padding frames already dropped. */
  async *decodeChunks(latents: Latents, options: Omit<DecodeOptions, 'fps' | 'onChunk'> = {}): AsyncGenerator<DecodedChunk> {
    const [b, c, t, h, w] = latents.shape;
    if (b !== 1) throw new CinesimError(ERRORS.INTERNAL, `the decoder takes one clip at a time, got batch ${b}`);
    if (c !== this.spec.latentChannels) {
      throw new CinesimError(ERRORS.INTERNAL, `latents have ${c} channels, the VAE ${this.spec.latentChannels}`);
    }
    const chunk = options.chunk ?? 1;
    if (!Number.isInteger(chunk) || chunk < 1) {
      throw new CinesimError(ERRORS.INVALID_ARGUMENT, `decode chunk must be an integer >= 1, got ${chunk}`, { param: 'chunk' });
    }
    const tc = this.spec.temporalCompression;
    let caches = this.spec.decoderCache.map((spec) => zeroCache(spec, h, w));
    let start = 0; // index of the next output frame in the clip
    for (let t0 = 0; t0 < t; t0 += chunk) {
      throwIfAborted(options.signal);
      const n = Math.min(chunk, t - t0);
      const part = sliceFrames(latents, t0, n); // [1, C, n, h, w]
      const feeds: Record<string, Tensor> = { latents: float32Tensor(part.data, part.shape) };
      this.spec.decoderCache.forEach((spec, i) => (feeds[spec.name] = float32Tensor(caches[i].data, caches[i].shape)));
      const out = await this.session.run(feeds);
      caches = this.spec.decoderCache.map((spec, i) => nextCache(out, spec, caches[i].shape, this.session));

      const frames = float32Output(out, 'frames', this.session);
      const [, , f, height, width] = frames.dims; // [1, 3, 4n, H, W]
      if (frames.dims.length !== 5 || f !== tc * n) {
        throw modelInvalid(this.session, `frames [${frames.dims.join(', ')}] for ${n} latent frame(s)`);
      }
      const skip = t0 === 0 ? PADDING_FRAMES : 0;
      const data = skip === 0 ? frames.data : dropLeadingFrames(frames.data, f, height * width, skip);
      yield { start, count: f - skip, width, height, data };
      start += f - skip;
    }
  }

  /** The whole clip as RGB uint8 frames; only one chunk of float frames is alive at a time. */
  async decode(latents: Latents, options: DecodeOptions): Promise<VideoFrames> {
    const [, , t, h, w] = latents.shape;
    const s = this.spec.spatialCompression;
    const video = makeFrames(w * s, h * s, options.fps, 1 + (t - 1) * this.spec.temporalCompression);
    const chunk = options.chunk ?? 1;
    const total = Math.ceil(t / chunk);
    let done = 0;
    for await (const part of this.decodeChunks(latents, options)) {
      if (part.width !== video.width || part.height !== video.height) {
        const got = `${part.width}x${part.height}`;
        throw modelInvalid(this.session, `decodes ${got}, expected ${video.width}x${video.height} (spatialCompression ${s})`);
      }
      writeRgb(part, video.data);
      options.onChunk?.(++done, total);
    }
    return video;
  }
}

export class VaeEncoder {
  private readonly session: Session;
  private readonly spec: VaeSpec;

  constructor(session: Session, spec: VaeSpec) {
    this.session = session;
    this.spec = spec;
  }

  /** Frames (1 + 4k of them; an image is 1) → normalised latents [1, C, 1 + k, H/s, W/s]. */
  async encode(frames: VideoFrames): Promise<Latents> {
    const tc = this.spec.temporalCompression;
    const s = this.spec.spatialCompression;
    if (!isValidFrameCount(frames.count, tc)) {
      const [below, above] = validFrameCountsAround(frames.count, tc);
      throw new CinesimError(
        ERRORS.INVALID_ARGUMENT,
        `the VAE encodes clips of 1 + ${tc}k frames (1, 5, 9, …); got ${frames.count}: use ${below} or ${above}`,
        { param: 'frames' },
      );
    }
    if (frames.width % s !== 0 || frames.height % s !== 0) {
      throw new CinesimError(
        ERRORS.INVALID_ARGUMENT,
        `frame size ${frames.width}x${frames.height} is not a multiple of the VAE's spatial factor ${s}`,
        { param: 'frames' },
      );
    }
    if (frames.count === 1) return this.encodeImage(frames);
    return this.run(frames);
  }

  /**
   * The exported encoders cannot run a single latent frame: their causal temporal convs build a 2-frame
   * zero cache by slicing the input, which then has 1 frame (training/cinesim_train/models/vae.py,
   * Encoder.forward). Latent frame 0 sees frame 0 only (causal), so the image is encoded as a still clip of
   * 1 + 4 frames and latent frame 0 kept: the same latents, at 5× the (small) cost of one frame.
   */
  private async encodeImage(image: VideoFrames): Promise<Latents> {
    const still = makeFrames(image.width, image.height, image.fps, 1 + this.spec.temporalCompression);
    for (let f = 0; f < still.count; f++) still.data.set(image.data, f * image.data.length);
    return sliceFrames(await this.run(still), 0, 1); // [1, C, 1, h, w]
  }

  private async run(frames: VideoFrames): Promise<Latents> {
    const tc = this.spec.temporalCompression;
    const s = this.spec.spatialCompression;
    const dims = [1, 3, frames.count, frames.height, frames.width]; // [1, 3, F, H, W]
    const out = await this.session.run({ video: float32Tensor(rgbToPlanar(frames), dims) });
    const latents = float32Output(out, 'latents', this.session);
    const shape = latents.dims; // [1, C, 1 + k, H/s, W/s]
    const expected: LatentShape = [1, this.spec.latentChannels, latentFrameCount(frames.count, tc), frames.height / s, frames.width / s];
    if (shape.length !== 5 || shape.some((d, i) => d !== expected[i])) {
      throw modelInvalid(this.session, `latents [${shape.join(', ')}], expected [${expected.join(', ')}]`);
    }
    return makeLatents(expected, latents.data);
  }
}

function zeroCache(spec: DecoderCacheSpec, h: number, w: number): Latents {
  const ch = h * spec.scale;
  const cw = w * spec.scale;
  if (!Number.isInteger(ch) || !Number.isInteger(cw)) {
    throw new CinesimError(ERRORS.MODEL_INVALID, `decoder cache ${spec.name}: scale ${spec.scale} of ${h}x${w} latents is not whole`);
  }
  const shape: LatentShape = [1, spec.channels, spec.frames, ch, cw]; // [B, C_i, frames_i, h·scale, w·scale]
  return makeLatents(shape, new Float32Array(latentSize(shape)));
}

function nextCache(out: Outputs, spec: DecoderCacheSpec, shape: LatentShape, session: Session): Latents {
  const next = float32Output(out, `${spec.name}_out`, session);
  if (next.data.length !== latentSize(shape)) {
    throw modelInvalid(session, `${spec.name}_out is [${next.dims.join(', ')}], the manifest says [${shape.join(', ')}]`);
  }
  return makeLatents(shape, next.data);
}

/** [3, F, H·W] → [3, F − skip, H·W]: drops the first `skip` frames of every channel. */
function dropLeadingFrames(data: Float32Array, frames: number, plane: number, skip: number): Float32Array {
  const kept = frames - skip;
  const out = new Float32Array(3 * kept * plane);
  for (let ch = 0; ch < 3; ch++) {
    const from = (ch * frames + skip) * plane; // [ch, skip, 0]
    out.set(data.subarray(from, from + kept * plane), ch * kept * plane);
  }
  return out;
}

/** Planar floats [3, count, H, W] in [-1, 1] → interleaved uint8 [frame, row, col, ch] at the chunk's frames. */
function writeRgb(part: DecodedChunk, rgb: Uint8Array): void {
  const plane = part.width * part.height;
  const channel = part.count * plane; // values per channel in the chunk
  for (let f = 0; f < part.count; f++) {
    const dst = (part.start + f) * plane * 3; // [start + f, 0, 0, 0]
    for (let p = 0; p < plane; p++) {
      const src = f * plane + p; // [0, f, p]
      rgb[dst + p * 3] = toByte(part.data[src]);
      rgb[dst + p * 3 + 1] = toByte(part.data[src + channel]);
      rgb[dst + p * 3 + 2] = toByte(part.data[src + 2 * channel]);
    }
  }
}

/** Interleaved uint8 [F, H, W, 3] → planar floats [3, F, H, W] in [-1, 1]. */
function rgbToPlanar(frames: VideoFrames): Float32Array {
  const n = frames.count * frames.width * frames.height; // pixels over all frames
  const out = new Float32Array(3 * n);
  for (let i = 0; i < n; i++) {
    out[i] = frames.data[i * 3] / 127.5 - 1;
    out[n + i] = frames.data[i * 3 + 1] / 127.5 - 1;
    out[2 * n + i] = frames.data[i * 3 + 2] / 127.5 - 1;
  }
  return out;
}

function modelInvalid(session: Session, message: string): CinesimError {
  return new CinesimError(ERRORS.MODEL_INVALID, `${session.name}: ${message}`);
}

/** [-1, 1] → 0..255, rounded, clamped. */
function toByte(v: number): number {
  const x = Math.round((v + 1) * 127.5);
  return x < 0 ? 0 : x > 255 ? 255 : x;
}
