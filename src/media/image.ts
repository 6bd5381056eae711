/**
 * Still and animated images through sharp: reading a user's image into RGB at a requested size (the
 * image-to-video and first/last-frame inputs), and writing VideoFrames as a PNG frame folder, an animated
 * WebP or GIF, a contact sheet, or a thumbnail.
 *
 * Defaults differ from MP4 on purpose: lossless WebP, GIF and PNG keep full colour resolution, so small
 * clips are written at their own size unless an upscale is asked for.
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { CinesimError, ERRORS, invalidArgument } from '../errors.ts';
import { frameAt, makeFrames, type VideoFrames } from './frames.ts';
import { writeFileAtomic } from './files.ts';
import { planUpscale, upscaleFrame, upscaleVideo, type UpscaleOptions, type UpscalePlan } from './upscale.ts';

/** One RGB uint8 image, [row, column, channel]. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

export type Rgb = readonly [number, number, number];

// ---------------------------------------------------------------- reading

export type ImageFit = 'cover' | 'contain' | 'fill';

export interface ReadImageOptions {
  /** Output size; when both are absent the image keeps its own size, when one is absent it keeps the aspect. */
  width?: number;
  height?: number;
  /** `cover` (default) crops to fill, `contain` letterboxes with `background`, `fill` stretches. */
  fit?: ImageFit;
  /** Letterbox bars and the colour transparent pixels are flattened onto; default black. */
  background?: Rgb;
  /** Reject images with more pixels than this before decoding them (decompression bombs); default 40 MP. */
  maxInputPixels?: number;
  /** What messages call the image (default: its path, or "image data" for bytes). */
  name?: string;
}

export const READABLE_IMAGE_FORMATS = ['png', 'jpeg', 'webp'] as const;
export const DEFAULT_MAX_INPUT_PIXELS = 40_000_000;

/** Reads a PNG, JPEG or WebP (first frame) file or buffer into RGB, EXIF-rotated, alpha flattened. */
export async function readImage(input: string | Uint8Array, options: ReadImageOptions = {}): Promise<RgbImage> {
  const name = options.name ?? (typeof input === 'string' ? input : 'image data');
  const { width, height, fit = 'cover', background = [0, 0, 0] } = options;
  for (const [param, v] of [['width', width], ['height', height]] as const) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 1)) throw invalidArgument(param, `${param} must be a positive integer, got ${v}`);
  }
  const unreadable = (why: string, cause?: unknown) =>
    new CinesimError(ERRORS.INPUT_UNREADABLE, `${name}: not a readable image: ${why}`, { cause, param: 'image' });
  try {
    const image = sharp(input, { limitInputPixels: options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS, failOn: 'error' });
    const { format } = await image.metadata();
    if (!(READABLE_IMAGE_FORMATS as readonly string[]).includes(format ?? '')) {
      throw unreadable(`format ${format ?? 'unknown'} is not one of ${READABLE_IMAGE_FORMATS.join(', ')}`);
    }
    const bg = { r: background[0], g: background[1], b: background[2] };
    const { data, info } = await image
      .rotate() // honour EXIF orientation, as viewers do
      .resize({ width, height, fit, background: bg, kernel: 'lanczos3' })
      .flatten({ background: bg })
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw unreadable(`decoded to ${info.channels} channels, expected 3`);
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (error) {
    if (error instanceof CinesimError) throw error;
    throw unreadable((error as Error).message, error);
  }
}

// ---------------------------------------------------------------- writing helpers

type RawInput = { data: Uint8Array; width: number; height: number; pages?: number };

/** A sharp pipeline over raw RGB; `pages` stacks that many frames vertically as an animation. */
function fromRaw({ data, width, height, pages = 1 }: RawInput): sharp.Sharp {
  return sharp(data, { raw: { width, height: height * pages, channels: 3, ...(pages > 1 ? { pageHeight: height } : {}) } });
}

async function writePng(path: string, image: RgbImage): Promise<void> {
  await writeFileAtomic(path, await fromRaw(image).png().toBuffer());
}

/** Frame i of `video` as an image, upscaled as planned. */
function frameImage(video: VideoFrames, i: number, { factor, kernel }: UpscalePlan): RgbImage {
  const data = upscaleFrame(frameAt(video, i), video.width, video.height, factor, kernel);
  return { width: video.width * factor, height: video.height * factor, data };
}

/** Off unless the caller asks: these formats keep full chroma, so upscaling is only for viewing. */
function planFor(video: VideoFrames, upscale: UpscaleOptions | false | undefined): UpscalePlan {
  return planUpscale(video.width, video.height, upscale ?? false);
}

// ---------------------------------------------------------------- frame folders

/** `frame-0000.png` style names, widened when a clip has 10 000 frames or more. */
export function frameFileName(i: number, count: number): string {
  return `frame-${String(i).padStart(Math.max(4, String(count - 1).length), '0')}.png`;
}

/** Writes every frame as `dir/frame-0000.png` ...; returns the paths in frame order. */
export async function writePngFrames(video: VideoFrames, dir: string, options: { upscale?: UpscaleOptions | false } = {}): Promise<string[]> {
  const plan = planFor(video, options.upscale);
  const paths: string[] = [];
  for (let i = 0; i < video.count; i++) {
    const path = join(dir, frameFileName(i, video.count));
    await writePng(path, frameImage(video, i, plan));
    paths.push(path);
  }
  return paths;
}

// ---------------------------------------------------------------- animations

export type AnimatedFormat = 'webp' | 'gif';

export interface AnimatedImageOptions {
  /** Default off (see the module comment). */
  upscale?: UpscaleOptions | false;
  /** WebP only: lossy quality 1-100. Default: lossless. */
  quality?: number;
}

/**
 * Per-frame delays in ms that add up to the clip's duration. GIF counts in 1/100 s, so at 24 fps the
 * delays alternate 40/50 ms instead of all rounding to 40 (which would play 4% fast).
 */
export function frameDelays(count: number, fps: number, unitMs: number): number[] {
  const tick = (i: number) => Math.round((i * 1000) / fps / unitMs) * unitMs;
  return Array.from({ length: count }, (_, i) => tick(i + 1) - tick(i));
}

/**
 * Writes an animated WebP or GIF that loops forever. Encoders merge identical consecutive frames into one
 * longer frame (timing is kept), so a still clip can have fewer pages than frames.
 */
export async function writeAnimatedImage(video: VideoFrames, path: string, format: AnimatedFormat, options: AnimatedImageOptions = {}): Promise<void> {
  const { factor, kernel } = planFor(video, options.upscale);
  const frames = upscaleVideo(video, factor, kernel);
  const image = fromRaw({ data: frames.data, width: frames.width, height: frames.height, pages: frames.count });
  const encoded =
    format === 'gif'
      ? // Keep duplicates so the page count matches the frame count for GIF.
        image.gif({ loop: 0, delay: frameDelays(video.count, video.fps, 10), keepDuplicateFrames: true })
      : image.webp({ loop: 0, delay: frameDelays(video.count, video.fps, 1), ...webpQuality(options.quality) });
  await writeFileAtomic(path, await encoded.toBuffer());
}

function webpQuality(quality: number | undefined): sharp.WebpOptions {
  if (quality === undefined) return { lossless: true };
  if (!(Number.isInteger(quality) && quality >= 1 && quality <= 100)) throw invalidArgument('quality', `WebP quality must be an integer in [1, 100], got ${quality}`);
  return { quality, smartSubsample: true };
}

// ---------------------------------------------------------------- contact sheets and thumbnails

export interface ContactSheetOptions {
  /** Frames per row; default ceil(sqrt(frames)), a near-square grid. */
  columns?: number;
  /** Integer upscale of each frame; default 1. */
  scale?: number;
  upscaleKernel?: UpscaleOptions['kernel'];
  /** Pixels between frames; default 2. */
  gap?: number;
  /** Gap colour; default dark grey. */
  background?: Rgb;
  /** At most this many frames, evenly spaced, first and last included; default 64. */
  maxFrames?: number;
}

export interface ContactSheetLayout {
  /** Which frames of the clip, in order. */
  frames: number[];
  columns: number;
  rows: number;
  /** Size of one cell (an upscaled frame). */
  cellWidth: number;
  cellHeight: number;
  width: number;
  height: number;
}

export function contactSheetLayout(video: VideoFrames, options: ContactSheetOptions = {}): ContactSheetLayout {
  const { scale = 1, gap = 2, maxFrames = 64 } = options;
  if (!(Number.isInteger(scale) && scale >= 1)) throw invalidArgument('scale', `contact sheet scale must be a positive integer, got ${scale}`);
  if (!(Number.isInteger(gap) && gap >= 0)) throw invalidArgument('gap', `contact sheet gap must be a non-negative integer, got ${gap}`);
  const n = Math.min(video.count, Math.max(1, maxFrames));
  const frames = Array.from({ length: n }, (_, i) => (n === 1 ? 0 : Math.round((i * (video.count - 1)) / (n - 1))));
  const columns = Math.min(n, options.columns ?? Math.ceil(Math.sqrt(n)));
  if (!(Number.isInteger(columns) && columns >= 1)) throw invalidArgument('columns', `columns must be a positive integer, got ${options.columns}`);
  const rows = Math.ceil(n / columns);
  const cellWidth = video.width * scale, cellHeight = video.height * scale;
  return {
    frames, columns, rows, cellWidth, cellHeight,
    width: columns * cellWidth + (columns - 1) * gap,
    height: rows * cellHeight + (rows - 1) * gap,
  };
}

/** Lays frames out in a grid (row-major, in time order) as one RGB image. */
export function contactSheet(video: VideoFrames, options: ContactSheetOptions = {}): RgbImage {
  const layout = contactSheetLayout(video, options);
  const { gap = 2, background = [40, 40, 40], scale = 1 } = options;
  const { width, height, cellWidth, cellHeight, columns } = layout;
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) data.set(background, p * 3);
  layout.frames.forEach((frameIndex, k) => {
    const cell = frameImage(video, frameIndex, { factor: scale, kernel: options.upscaleKernel ?? 'nearest' });
    const x0 = (k % columns) * (cellWidth + gap), y0 = Math.floor(k / columns) * (cellHeight + gap);
    for (let y = 0; y < cellHeight; y++) {
      data.set(cell.data.subarray(y * cellWidth * 3, (y + 1) * cellWidth * 3), ((y0 + y) * width + x0) * 3);
    }
  });
  return { width, height, data };
}

export async function writeContactSheet(video: VideoFrames, path: string, options: ContactSheetOptions = {}): Promise<RgbImage> {
  const sheet = contactSheet(video, options);
  await writePng(path, sheet);
  return sheet;
}

export interface ThumbnailOptions {
  /** Which frame; default `middle`. */
  frame?: 'first' | 'middle' | number;
  upscale?: UpscaleOptions | false;
}

/** Writes one frame as PNG or WebP (lossless), chosen by the extension of `path`. */
export async function writeThumbnail(video: VideoFrames, path: string, options: ThumbnailOptions = {}): Promise<void> {
  const { frame = 'middle' } = options;
  const i = frame === 'first' ? 0 : frame === 'middle' ? Math.floor((video.count - 1) / 2) : frame;
  if (!(Number.isInteger(i) && i >= 0 && i < video.count)) throw invalidArgument('frame', `frame ${frame} is outside 0..${video.count - 1}`);
  const image = frameImage(video, i, planFor(video, options.upscale));
  const lower = path.toLowerCase();
  if (lower.endsWith('.png')) return writePng(path, image);
  if (lower.endsWith('.webp')) return writeFileAtomic(path, await fromRaw(image).webp({ lossless: true }).toBuffer());
  throw invalidArgument('out', `thumbnail must be .png or .webp: ${path}`);
}

/** One image as a one-frame clip (for callers that want VideoFrames). */
export function imageAsFrames(image: RgbImage, fps = 1): VideoFrames {
  return makeFrames(image.width, image.height, fps, 1, image.data);
}
