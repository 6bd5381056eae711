/**
 * A planned story → a film folder:
 *
 *   out/story.json          the plan as made (prompts, lengths, seeds, settings, files): enough to make it again
 *   out/shots/01-<key>/     each shot as a clip folder (PNG frames, clip.mp4, clip.wav, contact.png, metadata.json)
 *   out/storyboard.png      the first frame of every shot, in order
 *   out/film.mp4            the shots cut together, each with the sound heard in its own frames
 *
 * A shot is made with `generateClip`; a `continue` shot opens on the last frame of the shot before it (image-
 * to-video), so the scene carries over in pixels, and that repeated frame is cut from the film; a shot with a
 * picture (a storyboard frame, pictures.ts) opens on it. Making a film again in the same folder reuses every
 * shot whose key (record.ts: what makes its frames) is unchanged: edit one line, and only that shot (and the
 * shots that continue from it) is made again. Given the model unloaded (`UnloadedFilmModel`), it is loaded at the
 * first shot made, so a film whose every shot is reused is cut again without loading it.
 */
import { rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { soundtrack } from '../audio/index.ts';
import { CinesimError, ERRORS } from '../errors.ts';
import { generateClip, type ClipProgress } from '../engine/clip.ts';
import { throwIfAborted } from '../engine/cancel.ts';
import { matchPrefixSeam } from '../engine/seam.ts';
import type { VideoManifest } from '../engine/manifest.ts';
import { VideoPipeline } from '../engine/pipeline.ts';
import { concatVideos, makeFrames, sliceVideo, type VideoFrames } from '../media/frames.ts';
import { frameFileName, imageAsFrames, readImage, writeContactSheet } from '../media/image.ts';
import { readWav, type AudioSamples } from '../media/wav.ts';
import { FOLDER_FILES, writeClip } from '../media/write.ts';
import type { ShotPicture } from './pictures.ts';
import type { StoryPlan } from './plan.ts';
import { matchEarlierShots, readRecord, STORY_FILES, STORY_FORMAT_VERSION, type FilmSettings, type StoryRecord } from './record.ts';

export interface FilmProgress {
  /** 1-based shot, of `shots`. */
  readonly shot: number;
  readonly shots: number;
  /** The shot's generation stage, or `reuse` when it is taken from an earlier run. */
  readonly stage: ClipProgress['stage'] | 'reuse';
  readonly step: number;
  readonly total: number;
}

export interface MakeFilmOptions {
  /** The film folder. */
  readonly out: string;
  readonly settings: FilmSettings;
  /** The pictures shots open on, by shot index (`readShotPictures`); every shot the plan gives an image needs one. */
  readonly pictures?: ReadonlyMap<number, ShotPicture>;
  /** Recorded in the film's metadata (`extra`): a server's video id, its inputs. */
  readonly metadataExtra?: Readonly<Record<string, unknown>>;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: FilmProgress) => void;
}

export interface FilmShot {
  readonly index: number;
  readonly key: string;
  /** The shot's folder, relative to the film folder. */
  readonly dir: string;
  readonly frames: number;
  /** Made by an earlier run and reused. */
  readonly reused: boolean;
  /** Wall time to make it (0 when reused). */
  readonly ms: number;
  /** Its frames, the first included (the film cuts that of a continued shot). */
  readonly video: VideoFrames;
}

export interface FilmResult {
  readonly video: VideoFrames;
  readonly shots: readonly FilmShot[];
  /** Paths of the film, the storyboard and story.json. */
  readonly files: { readonly film: string; readonly storyboard: string; readonly plan: string };
}

/**
 * The model a film is made with, not loaded yet: its manifest (part of every shot's key) and how to load it,
 * called when the first shot that is not reused is made; a film whose every shot is reused loads none.
 */
export interface UnloadedFilmModel {
  readonly manifest: VideoManifest;
  readonly load: () => Promise<VideoPipeline>;
}

export async function makeFilm(model: VideoPipeline | UnloadedFilmModel, plan: StoryPlan, options: MakeFilmOptions): Promise<FilmResult> {
  const { out, settings } = options;
  const { manifest } = model;
  let loading: Promise<VideoPipeline> | undefined;
  const pipeline = () => (loading ??= model instanceof VideoPipeline ? Promise.resolve(model) : model.load());
  const earlier = await readRecord(out);
  const pictures = options.pictures ?? new Map<number, ShotPicture>();
  const missing = plan.shots.find((shot) => shot.image !== undefined && !pictures.has(shot.index));
  if (missing) throw new CinesimError(ERRORS.INVALID_ARGUMENT, `shot ${missing.index} opens on ${missing.image}, which was not read (readShotPictures)`);
  const { keys, found } = matchEarlierShots(plan, settings, manifest, pictures, earlier?.shots ?? []);

  const shots: FilmShot[] = [];
  const clips: { video: VideoFrames; audio?: AudioSamples }[] = [];
  for (const [k, shot] of plan.shots.entries()) {
    throwIfAborted(options.signal);
    const before = clips.at(-1)?.video;
    const key = keys[k];
    const dir = shotDir(shot.index, key);
    const progress = (p: Omit<FilmProgress, 'shot' | 'shots'>) => options.onProgress?.({ shot: shot.index, shots: plan.shots.length, ...p });
    const old = found[k];
    const kept = old && (await readShot(join(out, old.dir), old.frames, settings, shot.seed));
    if (old && kept) {
      progress({ stage: 'reuse', step: 1, total: 1 });
      shots.push({ index: shot.index, key, dir: old.dir, frames: old.frames, reused: true, ms: 0, video: kept.video });
      clips.push(kept);
      continue;
    }
    const t0 = performance.now();
    const picture = pictures.get(shot.index);
    const firstFrame = picture
      ? imageAsFrames(picture.image, settings.fps)
      : shot.transition === 'continue' && before
        ? sliceVideo(before, before.count - 1, 1)
        : undefined;
    const { negativePrompt, steps, guidance, shift, sampler, width, height, fps } = settings;
    const result = await generateClip(
      await pipeline(),
      { prompt: shot.prompt, negativePrompt, seed: shot.seed, steps, guidance, shift, sampler, width, height, fps, seconds: shot.seconds, firstFrame },
      { signal: options.signal, onProgress: (p) => progress(p) },
    );
    // A continued shot opens on the frame before it, its new frames matched to it as an extension's are; a
    // picture shot likewise opens on the storyboard frame itself, not the VAE's re-decoding of it.
    const made = firstFrame ? matchPrefixSeam(firstFrame, result.video) : result.video;
    const audio = settings.audio ? (await soundtrack(made, { seed: shot.seed })).audio : undefined;
    await writeClip(made, join(out, dir) + '/', {
      audio,
      signal: options.signal,
      metadata: {
        source: 'generator',
        prompt: shot.prompt,
        negativePrompt,
        seed: result.seed,
        model: { name: manifest.name },
        settings: { ...result.settings, chunks: result.chunks, story: { title: plan.title, shot: shot.index, line: shot.line, text: shot.text, transition: shot.transition } },
      },
    });
    shots.push({ index: shot.index, key, dir, frames: made.count, reused: false, ms: performance.now() - t0, video: made });
    clips.push({ video: made, audio });
  }

  // The cut: every shot in order; a continued shot's first frame is the last one again, and goes.
  let video = clips[0].video;
  const audioParts: Float32Array[] = clips[0].audio ? [clips[0].audio.samples] : [];
  for (const [k, clip] of clips.entries()) {
    if (k === 0) continue;
    const skip = plan.shots[k].transition === 'continue' ? 1 : 0;
    video = concatVideos(video, sliceVideo(clip.video, skip));
    if (clip.audio) audioParts.push(clip.audio.samples.subarray(Math.round((skip * clip.audio.sampleRate) / settings.fps) * 2)); // stereo
  }
  const audio = settings.audio ? { samples: concat(audioParts), sampleRate: clips[0].audio!.sampleRate, channels: 2 as const } : undefined;

  const files = { film: join(out, STORY_FILES.film), storyboard: join(out, STORY_FILES.storyboard), plan: join(out, STORY_FILES.plan) };
  await writeClip(video, files.film, {
    audio,
    signal: options.signal,
    metadata: {
      source: 'generator',
      prompt: plan.title,
      seed: plan.seed,
      model: { name: manifest.name },
      settings: { ...settings, story: plan.shots.map((s, k) => ({ shot: s.index, prompt: s.prompt, seconds: s.seconds, seed: s.seed, transition: s.transition, reused: shots[k].reused })) },
      ...(options.metadataExtra ? { extra: { ...options.metadataExtra } } : {}),
    },
  });
  await renumberReused(out, shots);
  const firsts = clips.map((c) => sliceVideo(c.video, 0, 1));
  await writeContactSheet(firsts.reduce((a, b) => concatVideos(a, b)), files.storyboard, { scale: 2, columns: Math.min(firsts.length, 6), maxFrames: Number.MAX_SAFE_INTEGER });

  const record: StoryRecord = {
    formatVersion: STORY_FORMAT_VERSION,
    title: plan.title,
    model: manifest.name,
    seed: plan.seed,
    settings,
    seconds: (video.count - 1) / video.fps,
    shots: plan.shots.map((s, k) => ({ ...s, key: shots[k].key, dir: shots[k].dir, frames: shots[k].frames })),
  };
  await writeFile(files.plan, JSON.stringify(record, null, 2) + '\n');
  // Shots of the earlier run that this one no longer uses.
  const used = new Set(shots.map((s) => s.dir));
  for (const old of earlier?.shots ?? []) if (!used.has(old.dir)) await rm(join(out, old.dir), { recursive: true, force: true });
  return { video, shots, files };
}

/** A shot's folder: its place in the film, then its key (what makes its frames). */
function shotDir(index: number, key: string): string {
  return join(STORY_FILES.shots, `${String(index).padStart(2, '0')}-${key.slice(0, 8)}`);
}

/**
 * A reused shot's folder moved to its place now (a shot put before it, or one taken out, moved it), so that the
 * folders read in the film's order. One that another shot of this film also reuses (the same key twice) stays.
 */
async function renumberReused(out: string, shots: FilmShot[]): Promise<void> {
  for (const [k, shot] of shots.entries()) {
    const wanted = shotDir(shot.index, shot.key);
    if (!shot.reused || shot.dir === wanted || shots.some((other) => other !== shot && other.dir === shot.dir)) continue;
    if (await stat(join(out, wanted)).then(() => true, () => false)) continue;
    await rename(join(out, shot.dir), join(out, wanted));
    shots[k] = { ...shot, dir: wanted };
  }
}

/**
 * A shot an earlier run wrote: its PNG frames (lossless) and its sound; undefined when a frame is missing. Sound
 * missing from the folder (a server keeps shots without it) is heard again from the frames, as it was made.
 */
async function readShot(dir: string, count: number, settings: FilmSettings, seed: number): Promise<{ video: VideoFrames; audio?: AudioSamples } | undefined> {
  let video: VideoFrames;
  try {
    const images = await Promise.all(Array.from({ length: count }, (_, i) => readImage(join(dir, frameFileName(i, count)))));
    const { width, height } = images[0];
    if (width !== settings.width || height !== settings.height) return undefined;
    video = makeFrames(width, height, settings.fps, count, concat(images.map((image) => image.data)));
  } catch {
    return undefined;
  }
  if (!settings.audio) return { video };
  const audio = await readWav(join(dir, FOLDER_FILES.audio)).catch(async () => (await soundtrack(video, { seed })).audio);
  return { video, audio };
}

function concat<T extends Float32Array | Uint8Array>(parts: readonly T[]): T {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new (parts[0].constructor as new (n: number) => T)(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

