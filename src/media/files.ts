/**
 * Writing output files so that a crash, a kill or a failed encode never leaves a half-written file under
 * the final name: produce into a temp file in the same folder (so the rename stays on one filesystem,
 * where it is atomic), then rename over the target.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** A hidden temp name next to `path`: `dir/.name.tmp-<pid>-<random>`. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Runs `produce(tmp)`, then renames tmp to `path`; on any failure the temp file is removed. */
export async function writeAtomic(path: string, produce: (tmp: string) => Promise<unknown>): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  try {
    await produce(tmp);
    await rename(tmp, path);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  await writeAtomic(path, (tmp) => writeFile(tmp, bytes));
}
