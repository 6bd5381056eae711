/**
 * The job queue contract. The service depends on this interface only; `SqliteJobQueue` implements it on
 * the embedded database, and a scaled-out backend (jobs in PostgreSQL, dispatch through Redis/BullMQ)
 * would implement the same operations with the same guarantees:
 *
 * - `enqueue` creates the job and charges its cost in one transaction; an idempotency key returns the
 *   job it created before instead of a second one.
 * - `claim` hands a runnable job to one worker under a lease; the worker extends it with `heartbeat`.
 *   A lease that runs out (the process was killed) puts the job back in the queue (`recoverExpired`), so
 *   no job is lost.
 * - Every transition out of `in_progress` is guarded by the lease owner and the status, so a job
 *   completes at most once, even when a slow worker wakes after its lease moved on.
 * - Terminal transitions refund the charge when the job did not complete, and run the terminal listener
 *   inside the same transaction (the webhook outbox), so a notification is never lost nor sent for a
 *   transition that rolled back.
 */
import type { ConditioningMode } from '../../engine/conditioning.ts';
import type { GenerateSettings } from '../../engine/request.ts';
import type { StoryPlan } from '../../story/plan.ts';

export type JobStatus = 'queued' | 'in_progress' | 'completed' | 'failed' | 'cancelled';
export const TERMINAL_STATUSES: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

/**
 * Keyframes, the video an extension continues, the earlier film whose shots a story remake reuses, and the
 * pictures a story's shots open on (`image:<path as the script writes it>`).
 */
export type InputRole = 'first' | 'last' | 'prefix' | 'shots' | `image:${string}`;

/** Everything a worker needs to run a job, fixed at creation (the seed included), so a retry or a remix reproduces it. */
export interface JobParams
  extends Pick<GenerateSettings, 'prompt' | 'negativePrompt' | 'seed' | 'steps' | 'guidance' | 'shift' | 'sampler' | 'width' | 'height' | 'fps' | 'frames' | 'seconds'> {
  readonly mode: ConditioningMode;
  /** A soundtrack heard from the generated frames, muxed into the MP4. */
  readonly audio: boolean;
  /** Where each input came from (`upload`, `url`, `data_uri`, `video:<id>`), for the record. */
  readonly inputs: readonly { readonly role: InputRole; readonly source: string }[];
  /**
   * A story's film (POST /v1/stories): the planned shots, made in order and cut together (src/story). The
   * job's prompt is then the title, its seconds and frames the film's, its seed the story's.
   */
  readonly story?: StoryPlan;
  /**
   * A story remake (`reuse_video_id`): the shots (by index) whose key matched a shot of the earlier film; they
   * are taken from its `shots` archive (the job's `shots` input), not made again, and not charged.
   */
  readonly reusedShots?: readonly number[];
  /**
   * A story's pictures (the job's `image:<path>` inputs): the sha256 of each upload's bytes, by its path as the
   * script writes it. Part of the key of each shot that opens on it (src/story/record.ts), in pricing a remake and
   * in making the film alike.
   */
  readonly pictureHashes?: Readonly<Record<string, string>>;
}

/** A file kept for a job in the blob store: outputs (`video`, `thumbnail`, …) and normalised inputs (`input:first`, …). */
export interface StoredFile {
  readonly role: string;
  readonly hash: string;
  readonly contentType: string;
  readonly bytes: number;
}

export interface JobResult {
  readonly seed: number;
  /** Wall time per stage, ms. */
  readonly timings: Readonly<Record<string, number>>;
}

export interface JobError {
  readonly code: string;
  readonly message: string;
}

export interface JobRecord {
  readonly id: string;
  readonly keyId: string;
  readonly status: JobStatus;
  /** 0–100. */
  readonly progress: number;
  readonly model: string;
  readonly params: JobParams;
  /** Millicredits charged at creation. */
  readonly cost: number;
  readonly idempotencyKey: string | null;
  readonly requestHash: string | null;
  readonly remixedFrom: string | null;
  readonly callbackUrl: string | null;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly leaseOwner: string | null;
  readonly leaseExpiresAt: number | null;
  readonly error: JobError | null;
  readonly result: JobResult | null;
  /** ms since the epoch. */
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly completedAt: number | null;
  readonly expiresAt: number | null;
}

export interface NewJob {
  readonly id: string;
  readonly keyId: string;
  readonly model: string;
  readonly params: JobParams;
  readonly cost: number;
  readonly idempotencyKey?: string;
  readonly requestHash?: string;
  readonly remixedFrom?: string;
  readonly callbackUrl?: string;
  readonly inputs: readonly StoredFile[];
}

export interface ListOptions {
  /** Cursor: the id of the last job of the previous page. */
  readonly after?: string;
  readonly limit: number;
  readonly order: 'asc' | 'desc';
}

export interface JobPage {
  readonly jobs: readonly JobRecord[];
  readonly hasMore: boolean;
}

export interface JobEvent {
  readonly event: string;
  readonly attempt: number | null;
  readonly worker: string | null;
  readonly detail: string | null;
  readonly at: number;
}

export type TerminalListener = (job: JobRecord) => void;

export interface JobQueue {
  /** Creates and charges a job; with an idempotency key seen before, returns that job (`created: false`). */
  enqueue(job: NewJob): { job: JobRecord; created: boolean };
  get(id: string): JobRecord | undefined;
  findByIdempotencyKey(keyId: string, key: string): JobRecord | undefined;
  list(keyId: string, options: ListOptions): JobPage;
  files(id: string): StoredFile[];
  countByStatus(keyId: string): Record<JobStatus, number>;
  events(id: string): JobEvent[];

  /** The oldest runnable job (respecting each key's concurrency), now leased to `owner`. */
  claim(owner: string, leaseMs: number): JobRecord | undefined;
  /** Extends the lease (and records progress); false when the job is no longer this owner's to run. */
  heartbeat(id: string, owner: string, leaseMs: number, progress?: number): boolean;
  /**
   * Adds a file made later from a completed job's outputs (a GIF of its MP4, made on first request).
   * Returns the file the job has under that role: `file`, or one another request attached first;
   * undefined when the job is gone or not completed.
   */
  attach(id: string, file: StoredFile): StoredFile | undefined;
  /**
   * Marks the job completed with its outputs, to expire `retainMs` after its completion time (null: kept);
   * undefined (and nothing changed) when the lease was lost.
   */
  complete(id: string, owner: string, result: JobResult, outputs: readonly StoredFile[], retainMs: number | null): JobRecord | undefined;
  /** A run failed: queued again after a delay when retryable and attempts remain, else failed and refunded. */
  fail(id: string, owner: string, error: JobError, retryable: boolean, retryDelayMs: number): JobRecord | undefined;
  /** Gives a running job back (shutdown); the attempt does not count. */
  release(id: string, owner: string): boolean;
  /** Cancels a queued or running job and refunds it; a finished job is returned unchanged. */
  cancel(id: string): JobRecord | undefined;
  /** Deletes a job (cancelling it first when unfinished); returns its files for the blob store to collect. */
  remove(id: string): StoredFile[];
  /** Jobs whose lease ran out: queued again, or failed when out of attempts. Returns the jobs changed. */
  recoverExpired(): JobRecord[];
  /** Whether any job still uses the blob `hash` (before the blob store deletes it). */
  fileInUse(hash: string): boolean;
  /** Completed jobs past their expiry time. */
  expired(limit: number): string[];

  /** Runs `fn` atomically with the queue's own writes. */
  transaction<T>(fn: () => T): T;
  onTerminal(listener: TerminalListener): void;
}
