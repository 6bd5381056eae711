/**
 * `writeClip`: the one call the CLI, the server and the studio use to turn VideoFrames into files.
 * The output path decides what is written:
 *
 *   clip.mp4          H.264 MP4 (+ clip.mp4.json)
 *   clip.webp / .gif  animated image, loops forever (+ sidecar)
 *   sheet.png         contact sheet (+ sidecar)
 *   out/  or an existing folder
 *                     frame-0000.png ..., clip.mp4, contact.png, metadata.json, clip.wav (with audio)
 *
 * Sidecars and metadata.json are written when metadata is given; it is completed (creation time, Cinesim
 * version) once, so every file of one clip carries the same record.
 */
import { copyFile, mkdir, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { CinesimError, ERRORS, invalidArgument } from '../errors.ts';
import type { VideoFrames } from './frames.ts';
import { writeAtomic } from './files.ts';
import { writeAnimatedImage, writeContactSheet, writePngFrames, type ContactSheetOptions } from './image.ts';
import { completeMetadata, FOLDER_METADATA_FILE, sidecarPath, writeMetadataJson, type ClipMetadata } from './metadata.ts';
import { encodeMp4, type Mp4Audio, type Mp4Options, type X264Preset } from './mp4.ts';
import type { UpscaleOptions } from './upscale.ts';
import { writeWav } from './wav.ts';

export interface WriteClipOptions {
  /** Muxed into MP4 outputs; saved as clip.wav in folders. Ignored by image outputs. */
  audio?: Mp4Audio;
  metadata?: ClipMetadata;
  /** Applies to every output; when absent each format keeps its default (MP4: upscale small clips; images: none). */
  upscale?: UpscaleOptions | false;
  crf?: number;
  preset?: X264Preset;
  /** Lossy WebP quality (default lossless). */
  webpQuality?: number;
  contactSheet?: ContactSheetOptions;
  signal?: AbortSignal;
}

export type ClipOutputKind = 'mp4' | 'webp' | 'gif' | 'png' | 'folder';

const KIND_BY_EXTENSION: Readonly<Record<string, ClipOutputKind>> = { '.mp4': 'mp4', '.webp': 'webp', '.gif': 'gif', '.png': 'png' };

/** Names of the files in a clip folder. */
export const FOLDER_FILES = { video: 'clip.mp4', audio: 'clip.wav', contactSheet: 'contact.png', metadata: FOLDER_METADATA_FILE } as const;

/** What `writeClip` would write to `out`. */
export async function clipOutputKind(out: string): Promise<ClipOutputKind> {
  if (out.endsWith('/') || out.endsWith(sep)) return 'folder';
  if ((await stat(out).catch(() => undefined))?.isDirectory()) return 'folder';
  const kind = KIND_BY_EXTENSION[extname(out).toLowerCase()];
  if (!kind) {
    throw invalidArgument('out', `cannot tell what to write to ${out}: use ${Object.keys(KIND_BY_EXTENSION).join(', ')} or a folder ending in /`);
  }
  return kind;
}

/** Writes `video` to `out` (see the module comment); creates parent folders; returns the written paths. */
export async function writeClip(video: VideoFrames, out: string, options: WriteClipOptions = {}): Promise<string[]> {
  const kind = await clipOutputKind(out);
  const metadata = options.metadata && completeMetadata(options.metadata);
  throwIfCancelled(options.signal, out);
  if (kind === 'folder') return writeFolder(video, out, options, metadata);

  switch (kind) {
    case 'mp4':
      await encodeMp4(video, out, mp4Options(options, metadata, options.audio));
      break;
    case 'webp':
    case 'gif':
      await writeAnimatedImage(video, out, kind, { upscale: options.upscale, quality: options.webpQuality });
      break;
    case 'png':
      await writeContactSheet(video, out, options.contactSheet);
      break;
  }
  if (!metadata) return [out];
  await writeMetadataJson(sidecarPath(out), metadata);
  return [out, sidecarPath(out)];
}

function mp4Options(options: WriteClipOptions, metadata: ClipMetadata | undefined, audio: Mp4Audio | undefined): Mp4Options {
  const { upscale, crf, preset, signal } = options;
  return { audio, metadata, upscale, crf, preset, signal };
}

function throwIfCancelled(signal: AbortSignal | undefined, out: string): void {
  if (signal?.aborted) throw new CinesimError(ERRORS.CANCELLED, `writing ${out}: cancelled`);
}

async function writeFolder(video: VideoFrames, dir: string, options: WriteClipOptions, metadata: ClipMetadata | undefined): Promise<string[]> {
  const at = (name: string) => join(dir, name);
  await mkdir(dir, { recursive: true });
  const written = await writePngFrames(video, dir, { upscale: options.upscale });

  // The folder keeps its own copy of the sound, and the MP4 is muxed from that copy.
  let audio: Mp4Audio | undefined;
  if (options.audio) {
    const source = options.audio;
    const wavPath = at(FOLDER_FILES.audio);
    await ('wavPath' in source ? writeAtomic(wavPath, (tmp) => copyFile(source.wavPath, tmp)) : writeWav(wavPath, source));
    written.push(wavPath);
    audio = { wavPath };
  }
  throwIfCancelled(options.signal, dir);
  await encodeMp4(video, at(FOLDER_FILES.video), mp4Options(options, metadata, audio));
  written.push(at(FOLDER_FILES.video));

  await writeContactSheet(video, at(FOLDER_FILES.contactSheet), options.contactSheet);
  written.push(at(FOLDER_FILES.contactSheet));
  if (metadata) {
    await writeMetadataJson(at(FOLDER_FILES.metadata), metadata);
    written.push(at(FOLDER_FILES.metadata));
  }
  return written;
}
