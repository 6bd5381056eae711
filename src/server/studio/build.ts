/**
 * The studio's production build (web/ → web/dist), made by `cinesim serve` when the build is missing or
 * older than its sources, so a fresh checkout needs no separate build step. "Older" is decided by a hash
 * of the sources (web/src, index.html, vite.config.ts, tsconfig.json, the shared files the studio imports,
 * and the lockfile), written next to the build, so a rebuild happens exactly when something changed.
 *
 * - The build goes to a scratch folder that replaces web/dist only when complete: a running server never
 *   serves half a build (until the first build is done, `/` says it is being built).
 * - One build at a time per checkout: a lock file (with the builder's pid) makes other processes wait for
 *   that build instead of starting their own; a lock left by a killed process is taken over.
 * - Vite is a development dependency; without it (an install without dev packages) the server still runs
 *   and the studio page says how to build it.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const STUDIO_SOURCE = join(REPO_ROOT, 'web');
export const STUDIO_DIST = join(STUDIO_SOURCE, 'dist');
const STAMP = '.source-hash';
/** Scratch builds and the lock: ignored by git, and on the same filesystem as web/dist (renames stay renames). */
const WORK = join(REPO_ROOT, 'node_modules', '.cache', 'cinesim-studio');
const LOCK = join(WORK, 'build.lock');
const LOCK_WAIT_MS = 180_000;

/**
 * Inputs of the build besides web/: source files and folders the studio imports (the SSE reader; the
 * Play page's game, events and world stepper with what they import), and the installed versions.
 */
const SHARED_INPUTS = [
  'src/client/sse.ts',
  'src/world',
  'src/engine/world',
  'src/util',
  'src/errors.ts',
  'src/media/frames.ts',
  'src/story/script.ts',
  'package-lock.json',
];

export type StudioState = 'fresh' | 'stale' | 'missing';

export async function studioSourceHash(): Promise<string> {
  const files = [
    ...(await listFiles(join(STUDIO_SOURCE, 'src'))),
    ...['index.html', 'vite.config.ts', 'tsconfig.json'].map((f) => join(STUDIO_SOURCE, f)),
    ...(await Promise.all(SHARED_INPUTS.map(async (f) => ((await isDirectory(join(REPO_ROOT, f))) ? listFiles(join(REPO_ROOT, f)) : [join(REPO_ROOT, f)])))).flat(),
  ].sort();
  const hash = createHash('sha256');
  for (const file of files) {
    const bytes = await readFile(file).catch(() => undefined);
    hash.update(`${relative(REPO_ROOT, file)}\0${bytes ? createHash('sha256').update(bytes).digest('hex') : '-'}\0`);
  }
  return hash.digest('hex');
}

export async function studioState(): Promise<StudioState> {
  const stamp = await readFile(join(STUDIO_DIST, STAMP), 'utf8').catch(() => undefined);
  if (stamp === undefined) return 'missing';
  return stamp.trim() === (await studioSourceHash()) ? 'fresh' : 'stale';
}

/** Whether some process is building the studio now. */
export async function studioBuilding(): Promise<boolean> {
  const holder = await lockHolder();
  return holder !== undefined && alive(holder);
}

export interface EnsureResult {
  readonly state: StudioState;
  /** Whether this call built it. */
  readonly built: boolean;
  /** Why it could not be built (no Vite, a build error); the server runs without the studio then. */
  readonly error?: string;
}

/** Builds the studio when it is missing or stale (or waits for the process that is building it). */
export async function ensureStudioBuilt(options: { log?: (line: string) => void } = {}): Promise<EnsureResult> {
  const state = await studioState();
  if (state === 'fresh') return { state, built: false };
  const vite = viteCli();
  if (!vite) return { state, built: false, error: 'Vite is not installed (run `npm install`, which installs the development packages)' };
  let release: () => Promise<void>;
  try {
    release = await acquireLock();
  } catch (error) {
    return { state, built: false, error: (error as Error).message };
  }
  const scratch = join(WORK, `${process.pid}-${Date.now()}`);
  try {
    const current = await studioState(); // it may have been built while we waited for the lock
    if (current === 'fresh') return { state: current, built: false };
    options.log?.(current === 'missing' ? 'building the studio (first start, a few seconds)…' : 'rebuilding the studio (its sources changed)…');
    const hash = await studioSourceHash();
    const tmp = join(scratch, 'dist');
    await runVite(vite, ['build', '--config', join(STUDIO_SOURCE, 'vite.config.ts'), '--outDir', tmp, '--emptyOutDir', '--logLevel', 'warn']);
    await writeFile(join(tmp, STAMP), `${hash}\n`);
    await rename(STUDIO_DIST, join(scratch, 'old')).catch(() => undefined);
    await rename(tmp, STUDIO_DIST);
    return { state: current, built: true };
  } catch (error) {
    return { state, built: false, error: `the studio build failed: ${(error as Error).message}` };
  } finally {
    await rm(scratch, { recursive: true, force: true });
    await release();
  }
}

/** Vite's command-line entry, or undefined when Vite is not installed. */
function viteCli(): string | undefined {
  try {
    return join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  } catch {
    return undefined;
  }
}

/** Runs Vite in a child process (the server keeps neither its modules nor a blocked event loop). */
function runVite(cli: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`vite build exited with ${code}: ${stderr.trim()}`))));
  });
}

/** Takes the build lock (waiting while another live process holds it); returns its release. */
async function acquireLock(): Promise<() => Promise<void>> {
  await mkdir(WORK, { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await open(LOCK, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      await removeLeftovers();
      return () => rm(LOCK, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = await lockHolder();
    if (holder === undefined || !alive(holder)) {
      await rm(LOCK, { force: true }); // left by a killed build
      continue;
    }
    if (Date.now() > deadline) throw new Error(`another process (pid ${holder}) has been building the studio for too long`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function lockHolder(): Promise<number | undefined> {
  const text = await readFile(LOCK, 'utf8').catch(() => undefined);
  const pid = Number(text);
  return text !== undefined && Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Scratch folders of builds whose process died (a kill in the middle of a build). */
async function removeLeftovers(): Promise<void> {
  for (const entry of await readdir(WORK, { withFileTypes: true })) {
    const pid = Number(entry.name.split('-')[0]);
    if (entry.isDirectory() && Number.isInteger(pid) && !alive(pid)) await rm(join(WORK, entry.name), { recursive: true, force: true });
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  // `parentPath` from Node 20.12; `path` before it.
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? (e as { path?: string }).path ?? dir, e.name));
}
