/**
 * The one place Cinesim starts ffmpeg and ffprobe. It finds the executables (CINESIM_FFMPEG /
 * CINESIM_FFPROBE, else PATH), runs them with `spawn` and no shell, streams raw frames to stdin with
 * backpressure, keeps the tail of stderr for error messages, and kills the child on abort.
 * Every failure becomes a CinesimError: a missing tool or a non-zero exit is TOOL_FAILED unless the
 * caller says what a failure means (reading a user's file: INPUT_UNREADABLE).
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CinesimError, ERRORS, type ErrorKind } from '../errors.ts';

export type MediaTool = 'ffmpeg' | 'ffprobe';

const ENV_VAR: Record<MediaTool, string> = { ffmpeg: 'CINESIM_FFMPEG', ffprobe: 'CINESIM_FFPROBE' };

function notFound(tool: MediaTool, where: string): CinesimError {
  return new CinesimError(
    ERRORS.TOOL_FAILED,
    `${tool} not found: install it (Debian: apt-get install ffmpeg) or set ${ENV_VAR[tool]} (${where})`,
    { details: { tool } },
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The path of ffmpeg or ffprobe. Looked up on every call (a few `access` calls) rather than cached, so a
 * changed environment takes effect and there is no module state.
 */
export function locateTool(tool: MediaTool): string {
  const override = process.env[ENV_VAR[tool]];
  if (override) {
    if (!isExecutable(override)) throw notFound(tool, `${ENV_VAR[tool]}=${override} is not an executable file`);
    return override;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, tool);
    if (isExecutable(candidate)) return candidate;
  }
  throw notFound(tool, 'searched PATH');
}

export interface RunToolOptions {
  /** Written to the child's stdin in order, with backpressure; stdin is closed after the last chunk. */
  stdin?: Iterable<Uint8Array> | AsyncIterable<Uint8Array>;
  /** Keep stdout and return it (default: discard). */
  captureStdout?: boolean;
  signal?: AbortSignal;
  /** What a non-zero exit means. Default TOOL_FAILED; INPUT_UNREADABLE when the input is a user's file. */
  failure?: ErrorKind;
  /** Words for error messages, e.g. "encoding out.mp4". */
  task?: string;
}

export interface RunToolResult {
  stdout: Buffer;
  stderr: string;
}

/** Bytes of stderr kept: enough for the last few error lines, bounded however chatty the tool is. */
const STDERR_TAIL_BYTES = 16 * 1024;
const STDERR_LINES_IN_MESSAGE = 6;

/**
 * Runs ffmpeg or ffprobe with `args` (logging is set to errors only, so stderr is what went wrong).
 * Resolves when the tool exits 0; rejects with a CinesimError otherwise.
 */
export async function runTool(tool: MediaTool, args: readonly string[], options: RunToolOptions = {}): Promise<RunToolResult> {
  const { signal, task = tool } = options;
  const exe = locateTool(tool);
  if (signal?.aborted) throw cancelled(task);

  const child = spawn(exe, ['-hide_banner', '-loglevel', 'error', ...args], {
    stdio: [options.stdin ? 'pipe' : 'ignore', options.captureStdout ? 'pipe' : 'ignore', 'pipe'],
  });

  let stderrTail = Buffer.alloc(0);
  child.stderr!.on('data', (chunk: Buffer) => {
    stderrTail = Buffer.concat([stderrTail, chunk]);
    if (stderrTail.length > STDERR_TAIL_BYTES) stderrTail = stderrTail.subarray(stderrTail.length - STDERR_TAIL_BYTES);
  });
  const stdoutChunks: Buffer[] = [];
  child.stdout?.on('data', (chunk: Buffer) => stdoutChunks.push(chunk));

  const exited = new Promise<{ code: number | null; spawnError?: NodeJS.ErrnoException }>((resolve) => {
    child.once('error', (err: NodeJS.ErrnoException) => resolve({ code: null, spawnError: err }));
    child.once('close', (code) => resolve({ code }));
  });
  const kill = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  signal?.addEventListener('abort', kill, { once: true });

  // A failing frame source must not look like the end of the video (ffmpeg would finish a short file
  // and exit 0), so its errors are told apart from the pipe errors a dying ffmpeg causes.
  let sourceError: { error: unknown } | undefined;
  const feeding = options.stdin ? pipeline(Readable.from(guard(options.stdin, (error) => (sourceError = { error })), { highWaterMark: 2 }), child.stdin!) : null;
  feeding?.catch(() => {
    if (sourceError) kill();
  });

  try {
    const [exit] = await Promise.all([exited, feeding?.catch(() => undefined)]);
    if (signal?.aborted) throw cancelled(task);
    if (exit.spawnError) {
      if (exit.spawnError.code === 'ENOENT') throw notFound(tool, `${exe} disappeared`);
      throw new CinesimError(ERRORS.TOOL_FAILED, `${task}: could not start ${exe}: ${exit.spawnError.message}`, { cause: exit.spawnError });
    }
    if (sourceError) throw sourceError.error;
    const stderr = stderrTail.toString('utf8');
    if (exit.code !== 0) {
      const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean).slice(-STDERR_LINES_IN_MESSAGE);
      throw new CinesimError(
        options.failure ?? ERRORS.TOOL_FAILED,
        `${task}: ${tool} exited with code ${exit.code}${lines.length ? `:\n  ${lines.join('\n  ')}` : ''}`,
        { details: { tool, exitCode: exit.code, stderr } },
      );
    }
    return { stdout: Buffer.concat(stdoutChunks), stderr };
  } finally {
    signal?.removeEventListener('abort', kill);
  }
}

async function* guard(
  source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>,
  onError: (error: unknown) => void,
): AsyncGenerator<Uint8Array> {
  try {
    yield* source;
  } catch (error) {
    onError(error);
    throw error;
  }
}

function cancelled(task: string): CinesimError {
  return new CinesimError(ERRORS.CANCELLED, `${task}: cancelled`);
}

/** Runs ffprobe with `-of json` and parses its answer. */
export async function ffprobeJson(args: readonly string[], options: Omit<RunToolOptions, 'stdin' | 'captureStdout'> = {}): Promise<unknown> {
  const { stdout } = await runTool('ffprobe', ['-of', 'json', ...args], { ...options, captureStdout: true });
  return JSON.parse(stdout.toString('utf8'));
}
