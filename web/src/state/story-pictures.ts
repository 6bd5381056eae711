/**
 * The pictures a story script's `image` shots open on (docs/STORY.md): the paths, read from the script by the
 * project's own parser, and the Files the user gave for them, by path as the script writes it. The Files live in
 * the page only (as the first and last frames do); in a remake the server takes the earlier film's picture for a
 * path it had (`kept`) unless a File replaces it, so only the other paths wait for one.
 */
import { useEffect, useState } from 'react';
import { isCinesimError } from '../../../src/errors.ts';
import { parseStory } from '../../../src/story/script.ts';

/** The paths shots open on (a script's, or a film's `story.shots`), each once, in order. */
export function shotImagePaths(shots: readonly { readonly image?: string }[]): string[] {
  return [...new Set(shots.flatMap((shot) => (shot.image === undefined ? [] : [shot.image])))];
}

/** The paths a script's shots open on, each once, in script order; undefined while the script does not parse. */
export function storyImagePaths(script: string): string[] | undefined {
  try {
    return shotImagePaths(parseStory(script).shots);
  } catch (error) {
    if (!isCinesimError(error)) throw error;
    return undefined;
  }
}

export interface StoryPicturesState {
  /** The paths the script names (none while it does not parse: the server's check names the line). */
  readonly paths: readonly string[];
  readonly pictures: ReadonlyMap<string, File>;
  /** Paths with no File, whose picture the server takes from the earlier film. */
  readonly kept: readonly string[];
  /** Paths with no picture yet, neither a File nor the earlier film's. */
  readonly missing: readonly string[];
  /** What a story request sends (`images[<path>]`), when any picture is given. */
  readonly images?: Readonly<Record<string, File>>;
  readonly set: (path: string, file: File | undefined) => void;
}

export function useStoryPictures(script: string, enabled: boolean, earlier: readonly string[] = []): StoryPicturesState {
  const [pictures, setPictures] = useState<ReadonlyMap<string, File>>(new Map());
  const named = enabled ? storyImagePaths(script) : undefined;
  // A path the script no longer names drops its picture; a script that does not parse (mid-edit) keeps them all.
  const namedKey = named && JSON.stringify(named);
  useEffect(() => {
    if (namedKey === undefined) return;
    const kept = new Set(JSON.parse(namedKey) as string[]);
    setPictures((held) => ([...held.keys()].every((path) => kept.has(path)) ? held : new Map([...held].filter(([path]) => kept.has(path)))));
  }, [namedKey]);

  const paths = named ?? [];
  const given = paths.flatMap((path) => {
    const file = pictures.get(path);
    return file ? [[path, file] as const] : [];
  });
  const set = (path: string, file: File | undefined) =>
    setPictures((held) => {
      const next = new Map(held);
      if (file) next.set(path, file);
      else next.delete(path);
      return next;
    });
  const unset = paths.filter((path) => !pictures.has(path));
  return {
    paths,
    pictures,
    kept: unset.filter((path) => earlier.includes(path)),
    missing: unset.filter((path) => !earlier.includes(path)),
    images: given.length > 0 ? Object.fromEntries(given) : undefined,
    set,
  };
}
