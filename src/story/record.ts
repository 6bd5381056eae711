/**
 * What a film folder keeps so that a later run can remake only what changed: story.json (the plan as made,
 * each shot with its key and folder) and the shots' lossless frames and sound. A shot's key says what makes
 * its frames; an edited script remakes the shots whose key changed and takes the rest from the folder.
 *
 * No engine here: the server plans and prices a remake on its HTTP thread with this module.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CinesimError, ERRORS } from '../errors.ts';
import { frameFileName } from '../media/image.ts';
import type { PlannedShot, StoryPlan } from './plan.ts';

export const STORY_FORMAT_VERSION = 1;
export const STORY_FILES = { plan: 'story.json', film: 'film.mp4', storyboard: 'storyboard.png', shots: 'shots' } as const;

/** What every shot shares: sampling, frame size and rate, sound. */
export interface FilmSettings {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly steps?: number;
  readonly guidance?: number;
  readonly shift?: number;
  readonly sampler?: 'euler' | 'heun';
  readonly negativePrompt?: string;
  readonly audio: boolean;
}

/** story.json, as written. */
export interface StoryRecord {
  readonly formatVersion: typeof STORY_FORMAT_VERSION;
  readonly title: string;
  readonly model: string;
  readonly seed: number;
  readonly settings: FilmSettings;
  readonly seconds: number;
  readonly shots: readonly (PlannedShot & { readonly key: string; readonly dir: string; readonly frames: number })[];
}

/**
 * Each shot's key: what makes its frames — the model, its prompt, length and seed, the film's settings (not
 * its sound, which is heard from the frames afterwards), the picture it opens on (its hash, `pictures` by shot
 * index) and, for a continued shot, the key of the shot it continues. A shot an earlier film made under the same
 * key is reused (`makeFilm`), and a server charges a remake only for the others.
 */
export function shotKeys(plan: Pick<StoryPlan, 'shots'>, settings: FilmSettings, manifest: unknown, pictures?: ReadonlyMap<number, { readonly hash: string }>): string[] {
  return keysOf(plan, { ...settings, audio: undefined }, manifest, pictures);
}

/**
 * Each shot's key, and the shot of an earlier film it can be taken from: one made under the same key, or under the
 * key films recorded before the sound setting left the key (with it among the settings), so those films' shots are
 * still found when the setting is the same.
 */
export function matchEarlierShots<T extends { readonly key: string }>(
  plan: Pick<StoryPlan, 'shots'>,
  settings: FilmSettings,
  manifest: unknown,
  pictures: ReadonlyMap<number, { readonly hash: string }> | undefined,
  earlier: readonly T[],
): { keys: string[]; found: (T | undefined)[] } {
  const keys = shotKeys(plan, settings, manifest, pictures);
  const before = keysOf(plan, settings, manifest, pictures);
  const byKey = new Map(earlier.map((shot) => [shot.key, shot]));
  return { keys, found: keys.map((key, k) => byKey.get(key) ?? byKey.get(before[k])) };
}

function keysOf(plan: Pick<StoryPlan, 'shots'>, settings: object, manifest: unknown, pictures?: ReadonlyMap<number, { readonly hash: string }>): string[] {
  const modelKey = hash(JSON.stringify(manifest));
  const keys: string[] = [];
  for (const shot of plan.shots) {
    const continues = shot.transition === 'continue' ? keys.at(-1) : null;
    // Without a picture the key is what it was before pictures existed (undefined is left out of the JSON).
    const image = pictures?.get(shot.index)?.hash;
    keys.push(hash(JSON.stringify({ modelKey, prompt: shot.prompt, seconds: shot.seconds, seed: shot.seed, settings, continues, image })));
  }
  return keys;
}

/** The earlier run's story.json in this folder, when there is a readable one. */
export async function readRecord(out: string): Promise<StoryRecord | undefined> {
  let text: string;
  try {
    text = await readFile(join(out, STORY_FILES.plan), 'utf8');
  } catch {
    return undefined; // a new film
  }
  return parseRecord(text, join(out, STORY_FILES.plan));
}

/** story.json's text → the record; undefined for another format version; throws for text that is not one. */
export function parseRecord(text: string, where: string): StoryRecord | undefined {
  try {
    const record = JSON.parse(text) as StoryRecord;
    return record.formatVersion === STORY_FORMAT_VERSION && Array.isArray(record.shots) ? record : undefined;
  } catch (cause) {
    throw new CinesimError(ERRORS.INPUT_UNREADABLE, `${where} is not a readable story record; move it away to make the film anew`, { cause });
  }
}

/**
 * What a later run needs to reuse this folder's shots, relative to it: story.json and each shot's PNG frames.
 * Not its MP4, contact sheet or metadata, which a reused shot does not read, nor its sound, which is heard again
 * from the frames (a fifth of the size without it).
 */
export async function reusableFiles(out: string): Promise<string[]> {
  const record = await readRecord(out);
  if (!record) return [];
  return [
    STORY_FILES.plan,
    ...record.shots.flatMap((shot) => Array.from({ length: shot.frames }, (_, i) => join(shot.dir, frameFileName(i, shot.frames)))),
  ];
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
