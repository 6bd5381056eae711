/**
 * Mode inputs (keyframe images, the video an extension continues) → files in the blob store, done while
 * the request is open so that every problem is the caller's 4xx, not a failed job later:
 *
 * - bytes come from an upload, a data: URI, a URL (fetched under the URL policy, bounded), or a frame of
 *   one of the caller's earlier videos;
 * - an image's header is read first and one with more pixels than allowed is refused before it is
 *   decoded (a 20 kB PNG can claim 100 000 × 100 000 pixels);
 * - the image is decoded, cropped to the clip's size (cover) and stored as PNG, so the worker reads a
 *   small, known-good file, and a retry or remix reads the very same one.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { CinesimError, ERRORS } from '../../errors.ts';
import { decodeVideo } from '../../media/decode.ts';
import { frameAt } from '../../media/frames.ts';
import { readImage, type RgbImage } from '../../media/image.ts';
import type { ServerConfig } from '../config.ts';
import { safeFetch, type UrlPolicy } from '../net/fetch.ts';
import type { Size } from '../models/catalog.ts';
import type { JobRecord, StoredFile } from '../queue/types.ts';
import type { ImageInput } from '../schemas/videos.ts';
import type { BlobStore } from '../storage/blob-store.ts';

export interface InputContext {
  readonly blobs: BlobStore;
  readonly policy: UrlPolicy;
  readonly limits: ServerConfig['limits'];
  /** One of the caller's completed videos, with its stored files; NOT_FOUND / NOT_READY otherwise. */
  readonly completedVideo: (id: string, param: string) => { job: JobRecord; files: StoredFile[] };
}

export interface StoredInput {
  readonly file: StoredFile;
  /** Where it came from, kept with the job: upload, url, data_uri, video:<id>. */
  readonly source: string;
}

/** Stores one image input, cropped to `size`, as the job file `role`. */
export async function storeImageInput(input: ImageInput, role: string, param: string, size: Size, ctx: InputContext): Promise<StoredInput> {
  const { image, source } = await readImageInput(input, param, size, ctx);
  return storeImage(image, role, source, ctx.blobs);
}

/** One image input read, checked and cropped to `size`, not stored yet (`storeImage` stores it). */
export async function readImageInput(input: ImageInput, param: string, size: Size, ctx: InputContext): Promise<{ image: RgbImage; source: string }> {
  const { bytes, source } = await imageBytes(input, param, size, ctx);
  return { image: bytes instanceof Uint8Array ? await decodeImage(bytes, param, size, ctx.limits.maxInputPixels) : bytes, source };
}

/** An image read by `readImageInput`, stored as PNG: the job file `role`. */
export async function storeImage(image: RgbImage, role: string, source: string, blobs: BlobStore): Promise<StoredInput> {
  const png = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 3 } }).png().toBuffer();
  const ref = await blobs.put(png);
  return { file: { role, hash: ref.hash, contentType: 'image/png', bytes: ref.bytes }, source };
}

/**
 * A picture a story's shot opens on (`image:<path>`): the sha256 of its upload's bytes, which is part of the key of
 * every shot that opens on it (src/story/record.ts), and how the job stores it (once every check has passed).
 */
export interface StoryPicture {
  readonly hash: string;
  readonly source: string;
  readonly store: () => StoredInput | Promise<StoredInput>;
}

/** The upload `images[<path>]`, read and checked as a keyframe upload is and fitted to `size`. */
export async function uploadedPicture(file: File, path: string, size: Size, ctx: InputContext): Promise<StoryPicture> {
  const { image, source } = await readImageInput(file, `images[${path}]`, size, ctx);
  return { hash: await fileSha256(file), source, store: () => storeImage(image, `${PICTURE_ROLE}${path}`, source, ctx.blobs) };
}

/**
 * The pictures an earlier story film's shots opened on, by path: its stored inputs (fitted to its frame; the worker
 * fits them to another film's) with the hashes of their uploads, each taken as this job's input as it is, not
 * stored again. So a remake that does not upload a picture again opens its shots on the same one.
 */
export function keptPictures(film: JobRecord, files: readonly StoredFile[]): Map<string, StoryPicture> {
  const hashes = film.params.pictureHashes ?? {};
  const source = `video:${film.id}`;
  return new Map(
    files.flatMap((file) => {
      const path = file.role.startsWith(PICTURE_ROLE) ? file.role.slice(PICTURE_ROLE.length) : undefined;
      const hash = path === undefined ? undefined : hashes[path];
      return path === undefined || hash === undefined ? [] : [[path, { hash, source, store: () => ({ file, source }) }] as const];
    }),
  );
}

/** The job file of a story's picture: `input:image:<path as the script writes it>`. */
const PICTURE_ROLE = 'input:image:';

/** The sha256 of an upload's bytes (hex). */
export async function fileSha256(file: File): Promise<string> {
  return createHash('sha256').update(new Uint8Array(await file.arrayBuffer())).digest('hex');
}

/** The stored MP4 of a completed video, as the input an extension continues. */
export function videoInput(videoId: string, role: string, param: string, ctx: InputContext): StoredInput {
  const { files } = ctx.completedVideo(videoId, param);
  const video = files.find((f) => f.role === 'video');
  if (!video) throw new CinesimError(ERRORS.NOT_READY, `${param}: video ${videoId} has no stored clip`, { param });
  return { file: { ...video, role }, source: `video:${videoId}` };
}

/** Raw bytes of an input (or, for a frame of an earlier video, the frame itself, already at `size`). */
async function imageBytes(input: ImageInput, param: string, size: Size, ctx: InputContext): Promise<{ bytes: Uint8Array | RgbImage; source: string }> {
  const max = ctx.limits.maxUploadBytes;
  if (input instanceof File) {
    if (input.size > max) throw tooLarge(param, `the upload is ${input.size} bytes; at most ${max}`);
    return { bytes: new Uint8Array(await input.arrayBuffer()), source: 'upload' };
  }
  if (typeof input === 'string' || 'image_url' in input) {
    const ref = typeof input === 'string' ? input : input.image_url;
    const at = typeof input === 'string' ? param : `${param}.image_url`;
    if (ref.startsWith('data:')) return { bytes: decodeDataUri(ref, at, max), source: 'data_uri' };
    const response = await safeFetch(ref, {
      policy: ctx.policy,
      param: at,
      maxBytes: max,
      timeoutMs: ctx.limits.fetchTimeoutMs,
      maxRedirects: ctx.limits.maxRedirects,
      headers: { accept: 'image/png, image/jpeg, image/webp' },
    });
    if (response.status < 200 || response.status >= 300) {
      throw new CinesimError(ERRORS.FETCH_FAILED, `${at}: the server answered ${response.status}`, { param: at });
    }
    return { bytes: response.body, source: 'url' };
  }
  if ('file_id' in input) {
    throw new CinesimError(ERRORS.INVALID_ARGUMENT, `${param}.file_id: this server has no files API; upload the image or give image_url`, {
      param: `${param}.file_id`,
    });
  }
  return { bytes: await frameOfVideo(input.video_id, input.frame, `${param}.video_id`, size, ctx), source: `video:${input.video_id}` };
}

async function frameOfVideo(videoId: string, which: 'first' | 'last', param: string, size: Size, ctx: InputContext): Promise<RgbImage> {
  const { file } = videoInput(videoId, 'frame', param, ctx);
  const video = await decodeVideo(ctx.blobs.path(file.hash), { size });
  return { width: size.width, height: size.height, data: new Uint8Array(frameAt(video, which === 'first' ? 0 : video.count - 1)) };
}

/** Header first (refusing too many pixels before any decoding), then decode and crop to the clip's size. */
async function decodeImage(bytes: Uint8Array, param: string, size: Size, maxPixels: number): Promise<RgbImage> {
  let header: sharp.Metadata;
  try {
    header = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (cause) {
    throw new CinesimError(ERRORS.INPUT_UNREADABLE, `${param}: not a readable image (${(cause as Error).message})`, { param, cause });
  }
  const pixels = (header.width ?? 0) * (header.height ?? 0);
  if (pixels > maxPixels) {
    throw tooLarge(param, `the image is ${header.width}x${header.height} (${pixels} pixels); at most ${maxPixels} pixels`);
  }
  try {
    return await readImage(bytes, { width: size.width, height: size.height, fit: 'cover', maxInputPixels: maxPixels });
  } catch (error) {
    if (error instanceof CinesimError) throw new CinesimError(ERRORS.INPUT_UNREADABLE, `${param}: ${error.message}`, { param, cause: error });
    throw error;
  }
}

/** `data:[type][;base64],payload`; its size is checked before decoding. */
function decodeDataUri(uri: string, param: string, maxBytes: number): Uint8Array {
  const comma = uri.indexOf(',');
  const header = comma < 0 ? '' : uri.slice(5, comma);
  if (comma < 0) throw new CinesimError(ERRORS.INVALID_ARGUMENT, `${param}: malformed data: URI (no comma)`, { param });
  const payload = uri.slice(comma + 1);
  const base64 = header.split(';').includes('base64');
  if ((base64 ? Math.floor((payload.length * 3) / 4) : payload.length) > maxBytes + 3) {
    throw tooLarge(param, `the data: URI holds more than ${maxBytes} bytes`);
  }
  let bytes: Buffer;
  try {
    bytes = base64 ? Buffer.from(payload, 'base64') : Buffer.from(decodeURIComponent(payload), 'latin1');
  } catch {
    throw new CinesimError(ERRORS.INVALID_ARGUMENT, `${param}: malformed data: URI (bad percent-encoding)`, { param });
  }
  if (bytes.length > maxBytes) throw tooLarge(param, `the data: URI holds ${bytes.length} bytes; at most ${maxBytes}`);
  return bytes;
}

function tooLarge(param: string, why: string): CinesimError {
  return new CinesimError(ERRORS.PAYLOAD_TOO_LARGE, `${param}: ${why}`, { param });
}
