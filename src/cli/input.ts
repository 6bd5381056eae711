/** Text a command reads from a file named on its command line, or from standard input for `-`. */
import { readFile } from 'node:fs/promises';
import { CinesimError, ERRORS } from '../errors.ts';

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
