/**
 * Moves jobs from the queue through the worker pool. While a worker is idle it claims the oldest runnable
 * job under a lease, runs it off the request path, and keeps the lease alive with heartbeats (progress
 * writes count as heartbeats). Then:
 *
 * - outputs are moved into the blob store and the job completes with a guarded transition; a run that
 *   lost its job meanwhile (cancelled, deleted, lease expired) has its outputs discarded;
 * - a failure is retried after a delay when it may succeed on another try (a crashed worker, a failed
 *   tool, a timeout), and final when it cannot (bad input);
 * - on shutdown a job that does not finish in the grace time is given back to the queue, not failed.
 *
 * Jobs whose lease ran out (their process was killed) are queued again on every pass, which is how a
 * job running during a kill -9 finishes after the restart.
 */
import { rm } from 'node:fs/promises';
import type { FastifyBaseLogger } from 'fastify';
import { CinesimError, ERRORS, isCinesimError } from '../../errors.ts';
import type { ClipProgress } from '../../engine/clip.ts';
import type { ServerConfig } from '../config.ts';
import { newId } from '../ids.ts';
import type { JobEvents } from '../jobs/events.ts';
import type { PreviewHub } from '../jobs/previews.ts';
import { extensionPrefixFrames } from '../jobs/plan.ts';
import type { ModelCatalog } from '../models/catalog.ts';
import type { JobQueue, JobRecord, StoredFile } from '../queue/types.ts';
import type { BlobStore } from '../storage/blob-store.ts';
import { collectUnused } from '../storage/collect.ts';
import type { GenerationTask } from './protocol.ts';
import type { WorkerPool } from './worker-pool.ts';

export interface SchedulerDeps {
  readonly config: ServerConfig;
  readonly queue: JobQueue;
  readonly pool: WorkerPool;
  readonly blobs: BlobStore;
  readonly catalog: ModelCatalog;
  readonly events: JobEvents;
  readonly previews: PreviewHub;
  readonly log: FastifyBaseLogger;
}

type StopReason = 'cancelled' | 'lease lost' | 'shutdown' | 'timeout';

interface Run {
  readonly job: JobRecord;
  readonly owner: string;
  readonly abort: AbortController;
  stopReason?: StopReason;
  done?: Promise<void>;
}

/** Errors that would fail again on a retry: the request itself is at fault. */
const FINAL_ERRORS = new Set<string>([
  ERRORS.INVALID_ARGUMENT.code,
  ERRORS.PROMPT_INVALID.code,
  ERRORS.PROMPT_UNKNOWN_WORDS.code,
  ERRORS.INPUT_UNREADABLE.code,
  ERRORS.MODEL_INVALID.code,
  ERRORS.MODEL_NOT_FOUND.code,
]);

/** Progress ranges of the engine's stages; the rest (storing the files) ends at 100. */
const STAGE_RANGE = { encode: [0, 5], denoise: [5, 90], chunk: [5, 90], decode: [90, 98] } as const;
/** Progress is written at most this often (each write also extends the lease). */
const PROGRESS_WRITE_MS = 100;

export class JobScheduler {
  private readonly running = new Map<string, Run>();
  /** Distinguishes this process's leases from those of an earlier (killed) one on the same database. */
  private readonly instance = newId('worker');
  private runs = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly deps: SchedulerDeps) {}

  start(): void {
    this.timer = setInterval(() => this.pump(), this.deps.config.queue.pollMs);
    this.pump();
  }

  /** New work may be runnable. */
  wake(): void {
    setImmediate(() => this.pump());
  }

  /** Stops the run of a job that was cancelled or deleted (its state is already final). */
  stop(jobId: string): void {
    this.abort(jobId, 'cancelled');
  }

  get activeJobs(): string[] {
    return [...this.running.keys()];
  }

  /** Claims no more work, lets running jobs finish within the grace time, then gives the rest back. */
  async close(graceMs = this.deps.config.queue.shutdownGraceMs): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    const all = () => Promise.all([...this.running.values()].map((r) => r.done));
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([all(), new Promise((resolve) => (grace = setTimeout(resolve, graceMs)))]);
    clearTimeout(grace);
    for (const id of this.running.keys()) this.abort(id, 'shutdown');
    await all();
  }

  /** One pass: requeue expired leases, then fill the idle workers. */
  private pump(): void {
    if (this.stopping) return;
    try {
      for (const job of this.deps.queue.recoverExpired()) {
        this.deps.log.warn({ job: job.id, status: job.status }, 'job lease expired; recovered');
        this.deps.events.notify(job.id);
      }
      // Counted by runs, not idle threads: a run holds its place from the claim (before its thread starts) to the end.
      while (this.running.size < this.deps.config.workers && !this.stopping) {
        const owner = `${this.instance}/${++this.runs}`;
        const job = this.deps.queue.claim(owner, this.deps.config.queue.leaseMs);
        if (!job) break;
        const run: Run = { job, owner, abort: new AbortController() };
        this.running.set(job.id, run);
        this.deps.events.notify(job.id);
        run.done = this.execute(run);
      }
    } catch (error) {
      this.deps.log.error({ err: error }, 'job scheduler pass failed');
    }
  }

  private abort(jobId: string, reason: StopReason): void {
    const run = this.running.get(jobId);
    if (!run || run.abort.signal.aborted) return;
    run.stopReason = reason;
    run.abort.abort(new CinesimError(ERRORS.CANCELLED, `job stopped: ${reason}`));
  }

  private async execute(run: Run): Promise<void> {
    const { job, owner } = run;
    const { queue, config } = this.deps;
    const leaseMs = config.queue.leaseMs;
    const heartbeat = setInterval(() => {
      if (!queue.heartbeat(job.id, owner, leaseMs)) this.abort(job.id, 'lease lost');
    }, Math.max(50, Math.floor(leaseMs / 3)));
    const timeout = setTimeout(() => this.abort(job.id, 'timeout'), config.limits.jobTimeoutMs);
    const { previews, pool } = this.deps;
    const stopDemand = previews.onDemand(job.id, (wanted) => pool.setPreviews(job.id, wanted));
    let outDir: string | undefined;
    try {
      outDir = await this.deps.blobs.stagingDir();
      const output = await pool.run(this.task(job, outDir), {
        onProgress: this.progressWriter(run),
        onPreview: (preview) => previews.publish(job.id, preview),
        signal: run.abort.signal,
      });
      const stored: StoredFile[] = [];
      for (const file of output.files) {
        const ref = await this.deps.blobs.adopt(file.path);
        stored.push({ role: file.role, hash: ref.hash, contentType: file.contentType, bytes: ref.bytes });
      }
      const retainMs = config.retentionSeconds === null ? null : config.retentionSeconds * 1000;
      const completed = queue.complete(job.id, owner, { seed: output.seed, timings: output.timings }, stored, retainMs);
      if (!completed) {
        this.deps.log.warn({ job: job.id }, 'job finished after it was taken away (cancelled, deleted or lease lost); outputs discarded');
        await collectUnused(stored, queue, this.deps.blobs);
      }
    } catch (error) {
      try {
        this.settleFailure(run, error);
      } catch (failure) {
        this.deps.log.error({ job: job.id, err: failure }, 'could not record a failed run; its lease will expire and it will be retried');
      }
    } finally {
      clearInterval(heartbeat);
      clearTimeout(timeout);
      stopDemand();
      previews.clear(job.id);
      if (outDir) await rm(outDir, { recursive: true, force: true });
      this.running.delete(job.id);
      this.deps.events.notify(job.id);
      this.pump();
    }
  }

  private settleFailure(run: Run, error: unknown): void {
    const { job, owner, stopReason } = run;
    const { queue, config, log } = this.deps;
    if (stopReason === 'cancelled' || stopReason === 'lease lost') return; // the job's state moved on without us
    if (stopReason === 'shutdown') {
      queue.release(job.id, owner);
      return;
    }
    const e = stopReason === 'timeout'
      ? new CinesimError(ERRORS.WORKER_FAILED, `generation took longer than ${config.limits.jobTimeoutMs} ms`)
      : isCinesimError(error) ? error : new CinesimError(ERRORS.INTERNAL, (error as Error)?.message ?? String(error));
    const retryable = !FINAL_ERRORS.has(e.code);
    const delays = config.queue.retryDelaysMs;
    const state = queue.fail(job.id, owner, { code: e.code, message: e.message }, retryable, delays[Math.min(job.attempts, delays.length) - 1]);
    log[state?.status === 'failed' ? 'error' : 'warn']({ job: job.id, code: e.code, attempt: job.attempts, err: error }, `job run failed: ${e.message}`);
  }

  private task(job: JobRecord, outDir: string): GenerationTask {
    const model = this.deps.catalog.get(job.model);
    const inputs: Record<string, string> = {};
    for (const f of this.deps.queue.files(job.id)) {
      if (f.role.startsWith('input:')) inputs[f.role.slice('input:'.length)] = this.deps.blobs.path(f.hash);
    }
    return {
      jobId: job.id,
      modelDir: model.dir,
      modelName: model.name,
      params: job.params,
      inputs,
      prefixFrames: extensionPrefixFrames(model),
      outDir,
      metadataExtra: { videoId: job.id, remixedFrom: job.remixedFrom, inputs: job.params.inputs },
      debug: this.deps.config.debug,
      previews: this.deps.previews.watching(job.id),
    };
  }

  /** Engine progress → 0–100, written (and the lease extended) at most every PROGRESS_WRITE_MS. */
  private progressWriter(run: Run): (progress: ClipProgress) => void {
    let last = -1;
    let lastWrite = 0;
    return ({ stage, step, total }) => {
      const [from, to] = STAGE_RANGE[stage];
      const percent = Math.floor(from + ((to - from) * step) / Math.max(1, total));
      const now = Date.now();
      if (percent === last || (now - lastWrite < PROGRESS_WRITE_MS && step < total)) return;
      last = percent;
      lastWrite = now;
      if (this.deps.queue.heartbeat(run.job.id, run.owner, this.deps.config.queue.leaseMs, percent)) this.deps.events.notify(run.job.id);
      else this.abort(run.job.id, 'lease lost');
    };
  }
}
