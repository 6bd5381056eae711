/** What a command reads from its command line: a text file (or standard input for `-`), an output folder. */
import { readFile, stat } from 'node:fs/promises';
import { CinesimError, ERRORS, invalidArgument } from '../errors.ts';

/** `what` names it in the error ("the script", "the list"); `param` is the argument's name. */
export async function readTextArgument(path: string, what: string, param: string): Promise<string> {
  try {
    if (path !== '-') return await readFile(path, 'utf8');
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  } catch (cause) {
    throw new CinesimError(ERRORS.INPUT_UNREADABLE, `${path}: cannot read ${what} (${(cause as Error).message})`, { param, cause });
  }
}

/**
 * An `--out` folder may exist (a run again keeps what is in it) but must be a folder: refused before any model
 * loads. `holds` says what goes in it ("the film folder (film.mp4, …)").
 */
export async function checkOutFolder(out: string, holds: string): Promise<void> {
  const found = await stat(out).catch(() => undefined);
  if (found && !found.isDirectory()) throw invalidArgument('--out', `${out} is a file; --out names ${holds}`);
}
