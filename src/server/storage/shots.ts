/**
 * A story film's shots, kept as one stored file (a ZIP of src/story's reusable files: story.json and each
 * shot's PNG frames and sound) so that a later remake of the script (`reuse_video_id`) takes the unchanged
 * shots from it instead of making them again. The worker packs and unpacks it; the HTTP side only reads its
 * story.json, to price a remake before it is queued.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, normalize, isAbsolute } from 'node:path';
import { parseRecord, reusableFiles, STORY_FILES, type StoryRecord } from '../../story/record.ts';
import { readZipStore, zipStore } from './zip.ts';

/** Writes the film folder's reusable files to `path` as a ZIP. */
export async function packShots(filmDir: string, path: string): Promise<void> {
  const names = await reusableFiles(filmDir);
  const entries = await Promise.all(names.map(async (name) => ({ name, data: await readFile(join(filmDir, name)) })));
  await writeFile(path, zipStore(entries));
}

/** Unpacks a shots archive into a (new) film folder, where `makeFilm` finds the shots by key. */
export async function unpackShots(path: string, filmDir: string): Promise<void> {
  for (const entry of readZipStore(await readFile(path))) {
    const name = normalize(entry.name);
    // Archives are the server's own, but a name never leaves the film folder.
    if (isAbsolute(name) || name.startsWith('..')) throw new Error(`shots archive: entry ${entry.name} lies outside the film folder`);
    await mkdir(dirname(join(filmDir, name)), { recursive: true });
    await writeFile(join(filmDir, name), entry.data);
  }
}

/** The story.json of a shots archive; undefined when it has none of this format. */
export async function shotsRecord(path: string): Promise<StoryRecord | undefined> {
  const [entry] = readZipStore(await readFile(path), (name) => name === STORY_FILES.plan);
  return entry && parseRecord(Buffer.from(entry.data).toString('utf8'), `${path}:${STORY_FILES.plan}`);
}
