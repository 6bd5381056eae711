/**
 * Downloads made from a completed video on first request, then kept with its other files: a looping GIF,
 * an animated WebP (both the size of the MP4, which small clips are upscaled to for viewing) and a ZIP of
 * PNG frames at the clip's own size. Making them at generation time would cost every job for files few
 * people download; made once on demand, the second download is a stored file like any other (same ETag,
 * share links, deletion with the video).
 *
 * The source is the stored MP4 (H.264 at CRF 18 of a nearest-neighbour upscale), decoded as the extend
 * mode decodes it; the frames come back to within a few levels of what the model made.
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { CinesimError, ERRORS } from '../../errors.ts';
import { decodeVideo } from '../../media/decode.ts';
import { frameAt, type VideoFrames } from '../../media/frames.ts';
import { frameFileName, writeAnimatedImage } from '../../media/image.ts';
import type { JobQueue, JobRecord, StoredFile } from '../queue/types.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { collectUnused } from '../storage/collect.ts';
import { zipStore } from '../storage/zip.ts';

export const DERIVED_VARIANTS = ['gif', 'webp', 'frames'] as const;
export type DerivedVariant = (typeof DERIVED_VARIANTS)[number];

const CONTENT_TYPES: Readonly<Record<DerivedVariant, string>> = { gif: 'image/gif', webp: 'image/webp', frames: 'application/zip' };

export function isDerivedVariant(variant: string): variant is DerivedVariant {
  return (DERIVED_VARIANTS as readonly string[]).includes(variant);
}

export class DerivedFiles {
  /** Files being made, so simultaneous first requests share one piece of work. */
  private readonly making = new Map<string, Promise<StoredFile>>();

  constructor(private readonly deps: { readonly queue: JobQueue; readonly blobs: BlobStore }) {}

  /** The stored `variant` of a completed job, made now if this is its first request. */
  get(job: JobRecord, variant: DerivedVariant): Promise<StoredFile> {
    const key = `${job.id}/${variant}`;
    let pending = this.making.get(key);
    if (!pending) {
      pending = this.make(job, variant).finally(() => this.making.delete(key));
      this.making.set(key, pending);
    }
    return pending;
  }

  private async make(job: JobRecord, variant: DerivedVariant): Promise<StoredFile> {
    const { queue, blobs } = this.deps;
    const mp4 = queue.files(job.id).find((f) => f.role === 'video');
    if (!mp4) throw new CinesimError(ERRORS.NOT_FOUND, `video ${job.id} has no video file to make a ${variant} from`, { param: 'variant' });
    const dir = await blobs.stagingDir();
    try {
      const path = join(dir, variant);
      const p = job.params;
      const video = await decodeVideo(blobs.path(mp4.hash), variant === 'frames' ? { size: { width: p.width, height: p.height } } : {});
      if (variant === 'frames') await writeFile(path, await framesZip(video));
      else await writeAnimatedImage(video, path, variant, { upscale: false, ...(variant === 'webp' && { quality: 90 }) });
      const ref = await blobs.adopt(path);
      const file: StoredFile = { role: variant, hash: ref.hash, contentType: CONTENT_TYPES[variant], bytes: ref.bytes };
      const attached = queue.attach(job.id, file);
      if (attached?.hash !== file.hash) await collectUnused([file], queue, blobs); // deleted meanwhile, or made twice
      if (!attached) throw new CinesimError(ERRORS.NOT_FOUND, `no video with id ${job.id}`, { param: 'video_id' });
      return attached;
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** Every frame as a PNG (`frame-0000.png`, …) in one ZIP. */
async function framesZip(video: VideoFrames): Promise<Buffer> {
  const raw = { width: video.width, height: video.height, channels: 3 } as const;
  const entries = [];
  for (let i = 0; i < video.count; i++) {
    entries.push({ name: frameFileName(i, video.count), data: await sharp(frameAt(video, i), { raw }).png().toBuffer() });
  }
  return zipStore(entries);
}
