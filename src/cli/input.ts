/**
 * What a command reads from its command line and where it writes: a text file (or standard input for `-`),
 * an output path. Both are checked before any model loads, so a mistake costs nothing and exits 2.
 */
import { randomBytes } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { CinesimError, ERRORS, invalidArgument } from '../errors.ts';

/** A text argument: `what` names it in errors ("the script"), `holds` says what its text is, `param` is the argument's name. */
export interface TextArgument {
  readonly what: string;
  readonly holds: string;
  readonly param: string;
}

/** The file's (or standard input's) text; a file that is not UTF-8 text (a picture, a video, UTF-16) is refused. */
export async function readTextArgument(path: string, arg: TextArgument): Promise<string> {
  let bytes: Buffer;
  try {
    if (path !== '-') bytes = await readFile(path);
    else {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      bytes = Buffer.concat(chunks);
    }
  } catch (cause) {
    throw new CinesimError(ERRORS.INPUT_UNREADABLE, `${path}: cannot read ${arg.what} (${(cause as Error).message})`, { param: arg.param, cause });
  }
  const name = path === '-' ? 'standard input' : path;
  const utf16 = bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  if (utf16) throw new CinesimError(ERRORS.INPUT_UNREADABLE, `${name} is UTF-16 text; save ${arg.what} as UTF-8`, { param: arg.param });
  if (bytes.includes(0) || !isUtf8(bytes)) {
    throw new CinesimError(ERRORS.INPUT_UNREADABLE, `${name} is not a text file (${arg.holds})`, { param: arg.param });
  }
  return bytes.toString('utf8');
}

/**
 * Where a command writes (`--out`, `--record`), checked before any model loads: the folder it goes in (`out`
 * itself when `folder`) is a folder or can be made, where it can be made, and can be written. A folder that
 * exists is fine (a run again keeps what is in it). `holds` says what a folder `out` holds, for its message
 * ("the film folder (film.mp4, …)").
 */
export async function checkOutPath(out: string, options: { flag: string; folder: boolean; holds?: string }): Promise<void> {
  const { flag, holds } = options;
  const trimmed = out.length > 1 && (out.endsWith('/') || out.endsWith(sep)) ? out.slice(0, -1) : out;
  const folder = options.folder ? trimmed : dirname(trimmed);
  // The nearest part of the path that exists (what does not exist yet is made when writing).
  let existing = folder;
  let found = await stat(existing).catch(() => undefined);
  while (!found && dirname(existing) !== existing) {
    existing = dirname(existing);
    found = await stat(existing).catch(() => undefined);
  }
  if (!found) return; // nothing of it exists, not even its root: the write says why
  if (!found.isDirectory()) {
    if (existing === folder && holds) throw invalidArgument(flag, `${existing} is a file; ${flag} names ${holds}`);
    throw invalidArgument(flag, `${flag} ${out}: ${existing} is a file, not a folder`);
  }
  // Permission bits do not tell (root may write anywhere but /proc, a read-only mount, …): try it.
  const probe = join(existing, `.cinesim-write-check-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(probe, '', { flag: 'wx' });
  } catch (cause) {
    throw new CinesimError(ERRORS.INVALID_ARGUMENT, `${flag} ${out}: ${existing} is not writable`, { param: flag, cause });
  }
  await rm(probe, { force: true });
}

/**
 * A clip's output (`--out`, `--record`): a kind media/write.ts writes (by its extension, or a folder) in a
 * place that can be written (checkOutPath).
 */
export async function checkClipOut(out: string, flag: string): Promise<void> {
  const { clipOutputKind } = await import('../media/write.ts');
  const kind = await clipOutputKind(out);
  await checkOutPath(out, { flag, folder: kind === 'folder' });
}
