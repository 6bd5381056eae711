/**
 * The pictures a script's shots open on (`- 2s image board/05.png: …`): storyboard frames drawn or made
 * elsewhere, each the first frame of its shot (image-to-video), as the studios' pipeline goes from
 * storyboard images to a clip per shot. Read and checked before any model runs, so a missing or broken
 * file is reported with its script line; each fitted to the film's frame as `generate --image` fits one.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { CinesimError, ERRORS, rephrased } from '../errors.ts';
import { readImage, type RgbImage } from '../media/image.ts';
import type { StoryPlan } from './plan.ts';

export interface ShotPicture {
  /** Of the file's bytes: part of the shot's key, so a changed picture makes the shot again. */
  readonly hash: string;
  /** Cropped and scaled to cover the film's frame. */
  readonly image: RgbImage;
}

/**
 * Each picture shot's picture, by shot index. `folder` is where the script's paths start (the script's own
 * folder); `source` names the script in messages.
 */
export async function readShotPictures(
  plan: Pick<StoryPlan, 'shots'>,
  options: { readonly folder: string; readonly source: string; readonly width: number; readonly height: number },
): Promise<Map<number, ShotPicture>> {
  const pictures = new Map<number, ShotPicture>();
  const read = new Map<string, ShotPicture>(); // shots may open on the same picture: read and decoded once
  for (const shot of plan.shots) {
    if (shot.image === undefined) continue;
    let picture = read.get(shot.image);
    if (!picture) {
      const bytes = await readShotPictureFile({ image: shot.image, line: shot.line }, options);
      const image = await readImage(bytes, { width: options.width, height: options.height, fit: 'cover', name: shot.image }).catch((error: unknown) => {
        throw rephrased(error, { prefix: `${options.source}:${shot.line}: `, param: 'script' });
      });
      picture = { hash: createHash('sha256').update(bytes).digest('hex'), image };
      read.set(shot.image, picture);
    }
    pictures.set(shot.index, picture);
  }
  return pictures;
}

/** Whether a picture's path can name its upload: the API's form part is `images[<path>]`, which cannot hold [ or ]. */
export function uploadablePath(path: string): boolean {
  return !/[[\]]/.test(path);
}

/**
 * A shot's picture file as it is (what `cinesim story --server` uploads), found from the script's folder; a
 * missing or unreadable file is refused with the script line.
 */
export async function readShotPictureFile(shot: { readonly image: string; readonly line: number }, options: { readonly folder: string; readonly source: string }): Promise<Uint8Array> {
  const path = isAbsolute(shot.image) ? shot.image : join(options.folder, shot.image);
  return readFile(path).catch((cause: NodeJS.ErrnoException) => {
    const why = cause.code === 'ENOENT' ? 'no such file' : cause.message;
    throw new CinesimError(ERRORS.INPUT_UNREADABLE, `${options.source}:${shot.line}: ${shot.image} cannot be read (${why})`, { param: 'script', cause });
  });
}
