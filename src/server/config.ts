/**
 * The service's configuration: one typed record, validated by a zod schema at boot, every default here.
 * `cinesim serve` builds it from flags; tests build it in code (tiny model, short leases, loopback URLs
 * allowed). Nothing else reads the environment.
 */
import { availableParallelism } from 'node:os';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { z } from 'zod';
import { CinesimError, ERRORS } from '../errors.ts';
import { issueMessage } from './schemas/zod-fastify.ts';

const ms = z.number().int().nonnegative();
const positiveInt = z.number().int().positive();

export const ServerConfigSchema = z.strictObject({
  /** SQLite database, blobs and secrets live here. */
  dataDir: z.string().min(1).default(() => process.env.CINESIM_DATA ?? './cinesim-data'),
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8787),
  /** false: no API keys; every request is the built-in local key (loopback hosts only). */
  auth: z.boolean().default(true),
  /** Let input URLs and callback URLs reach loopback, private and link-local addresses. */
  allowPrivateUrls: z.boolean().default(false),
  /** Generation workers (threads), each running one job at a time. */
  workers: positiveInt.default(1),
  /** ONNX Runtime threads per worker; default: the cores left after one for HTTP, shared by the workers. */
  threadsPerWorker: positiveInt.optional(),
  /** Model folders (or names under models/ and $CINESIM_MODELS) to serve; default every video model found. */
  models: z.array(z.string().min(1)).optional(),
  /** Model used when a request names none; default `shapes-64` when served, else the first model. */
  defaultModel: z.string().optional(),
  /** World model (a name under models/ and $CINESIM_MODELS, or a folder) whose files the studio's Play page runs in the browser. */
  world: z.string().min(1).default('world-64'),
  /** Price of one second of output. */
  creditsPerSecond: z.number().nonnegative().default(1),
  /** Base of links the server hands out (share links); default: from the request's Host. */
  publicUrl: z.url().optional(),
  /** Completed videos are deleted this long after completion; null keeps them. */
  retentionSeconds: positiveInt.nullable().default(null),
  /** Logged to stderr (JSON lines); request lines are not logged (status polling would drown the rest). */
  logLevel: z.enum(['silent', 'error', 'warn', 'info', 'debug']).default('silent'),
  limits: z
    .strictObject({
      maxPromptChars: positiveInt.default(2000),
      /** One upload, data URI or fetched file. */
      maxUploadBytes: positiveInt.default(10 * 2 ** 20),
      /** Images larger than this are refused before decoding (decompression bombs). */
      maxInputPixels: positiveInt.default(16_000_000),
      maxSeconds: z.number().positive().default(12),
      maxSteps: positiveInt.default(100),
      /** Input image fields in one request (keyframes + reference). */
      maxInputs: positiveInt.default(4),
      fetchTimeoutMs: positiveInt.default(10_000),
      maxRedirects: z.number().int().min(0).default(3),
      /** Longest a generation may run before its worker is stopped (and the job retried). */
      jobTimeoutMs: positiveInt.default(10 * 60_000),
    })
    .prefault({}),
  queue: z
    .strictObject({
      /** A claimed job belongs to its worker this long without a heartbeat; after that it is queued again. */
      leaseMs: positiveInt.default(15_000),
      /** Runs of one job (the first included) before a retryable failure becomes final. */
      maxAttempts: positiveInt.default(3),
      /** Wait before retry n (the last value repeats). */
      retryDelaysMs: z.array(ms).min(1).default([1_000, 10_000, 60_000]),
      /** How often an idle worker looks for runnable jobs besides being woken on create. */
      pollMs: positiveInt.default(1_000),
      /** On shutdown, how long a running job may take to finish before it is requeued. */
      shutdownGraceMs: ms.default(10_000),
    })
    .prefault({}),
  webhooks: z
    .strictObject({
      timeoutMs: positiveInt.default(10_000),
      /** Standard Webhooks' suggested schedule: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h. */
      retryDelaysMs: z.array(ms).default([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000]),
      pollMs: positiveInt.default(1_000),
    })
    .prefault({}),
  shareLinks: z
    .strictObject({
      defaultTtlSeconds: positiveInt.default(3600),
      maxTtlSeconds: positiveInt.default(7 * 24 * 3600),
    })
    .prefault({}),
  /** Test-only knobs: slow every denoising step down, or fail a job at a step. Never set in production. */
  debug: z
    .strictObject({
      stepDelayMs: ms.optional(),
      failAtStep: positiveInt.optional(),
    })
    .prefault({}),
});

export type ServerConfig = z.output<typeof ServerConfigSchema>;
export type ServerConfigInput = z.input<typeof ServerConfigSchema>;

/** Validates `input`, fills defaults, resolves the data folder, and refuses unsafe combinations. */
export function resolveServerConfig(input: ServerConfigInput = {}): ServerConfig {
  const parsed = ServerConfigSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const param = issue.path.join('.');
    throw new CinesimError(ERRORS.INVALID_ARGUMENT, `server config: ${issueMessage(issue, param || '(root)')}`, { param });
  }
  const config = { ...parsed.data, dataDir: resolve(parsed.data.dataDir) };
  if (!config.auth && !isLoopbackHost(config.host)) {
    throw new CinesimError(
      ERRORS.INVALID_ARGUMENT,
      `refusing to serve without API keys on ${config.host}: --no-auth is for loopback hosts (127.0.0.1, ::1, localhost)`,
      { param: 'host' },
    );
  }
  return config;
}

export function isLoopbackHost(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

/** ORT threads per worker: leave one core to the HTTP loop, share the rest. */
export function defaultThreadsPerWorker(workers: number, cores = availableParallelism()): number {
  return Math.max(1, Math.floor(Math.max(1, cores - 1) / workers));
}
