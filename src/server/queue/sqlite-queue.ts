/**
 * `JobQueue` on the embedded SQLite database (see ./types.ts for the guarantees). Each operation is one
 * transaction; writes start with BEGIN IMMEDIATE so two processes on one database file serialise instead
 * of failing half-way. Every guarded transition names the status (and the lease owner) it expects in its
 * WHERE clause: a transition whose precondition no longer holds changes no row and reports so.
 */
import { CinesimError, ERRORS } from '../../errors.ts';
import type { CreditLedger } from '../accounts/ledger.ts';
import { cachedPrepare, type Db } from '../db/database.ts';
import type {
  JobError,
  JobEvent,
  JobPage,
  JobQueue,
  JobRecord,
  JobResult,
  JobStatus,
  ListOptions,
  NewJob,
  StoredFile,
  TerminalListener,
} from './types.ts';

interface JobRow {
  seq: number;
  id: string;
  key_id: string;
  status: JobStatus;
  progress: number;
  model: string;
  params: string;
  cost: number;
  idempotency_key: string | null;
  request_hash: string | null;
  remixed_from: string | null;
  callback_url: string | null;
  attempts: number;
  max_attempts: number;
  run_after: number;
  lease_owner: string | null;
  lease_expires_at: number | null;
  error_code: string | null;
  error_message: string | null;
  result: string | null;
  created_at: number;
  started_at: number | null;
  completed_at: number | null;
  expires_at: number | null;
}

interface FileRow {
  role: string;
  hash: string;
  content_type: string;
  bytes: number;
}

export interface SqliteJobQueueOptions {
  readonly maxAttempts: number;
  readonly now?: () => number;
}

export class SqliteJobQueue implements JobQueue {
  private readonly listeners: TerminalListener[] = [];
  private readonly now: () => number;
  private readonly sql: Db['prepare'];

  constructor(
    private readonly db: Db,
    private readonly ledger: CreditLedger,
    private readonly options: SqliteJobQueueOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.sql = cachedPrepare(db);
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  onTerminal(listener: TerminalListener): void {
    this.listeners.push(listener);
  }

  enqueue(job: NewJob): { job: JobRecord; created: boolean } {
    return this.transaction(() => {
      if (job.idempotencyKey !== undefined) {
        const existing = this.findByIdempotencyKey(job.keyId, job.idempotencyKey);
        if (existing) return { job: this.sameRequest(existing, job), created: false };
      }
      const now = this.now();
      this.sql(
        `INSERT INTO jobs (id, key_id, status, model, params, cost, idempotency_key, request_hash, remixed_from, callback_url,
                           max_attempts, run_after, created_at)
         VALUES (@id, @keyId, 'queued', @model, @params, @cost, @idempotencyKey, @requestHash, @remixedFrom, @callbackUrl,
                 @maxAttempts, @now, @now)`,
      ).run({
        id: job.id,
        keyId: job.keyId,
        model: job.model,
        params: JSON.stringify(job.params),
        cost: job.cost,
        idempotencyKey: job.idempotencyKey ?? null,
        requestHash: job.requestHash ?? null,
        remixedFrom: job.remixedFrom ?? null,
        callbackUrl: job.callbackUrl ?? null,
        maxAttempts: this.options.maxAttempts,
        now,
      });
      this.ledger.charge(job.keyId, job.id, job.cost, job.params.seconds); // throws: the insert rolls back
      this.insertFiles(job.id, job.inputs);
      this.event(job.id, 'created');
      return { job: this.get(job.id)!, created: true };
    });
  }

  get(id: string): JobRecord | undefined {
    const row = this.sql<[string], JobRow>('SELECT * FROM jobs WHERE id = ?').get(id);
    return row && recordOf(row);
  }

  findByIdempotencyKey(keyId: string, key: string): JobRecord | undefined {
    const row = this.sql<[string, string], JobRow>('SELECT * FROM jobs WHERE key_id = ? AND idempotency_key = ?').get(keyId, key);
    return row && recordOf(row);
  }

  list(keyId: string, { after, limit, order }: ListOptions): JobPage {
    const cursor = after === undefined ? undefined : this.sql<[string, string], { seq: number }>('SELECT seq FROM jobs WHERE id = ? AND key_id = ?').get(after, keyId);
    if (after !== undefined && !cursor) throw new CinesimError(ERRORS.INVALID_ARGUMENT, `after: no video with id ${after}`, { param: 'after' });
    const [cmp, dir] = order === 'asc' ? ['>', 'ASC'] : ['<', 'DESC'];
    const rows = this.sql<[string, number, number], JobRow>(`SELECT * FROM jobs WHERE key_id = ? AND seq ${cmp} ? ORDER BY seq ${dir} LIMIT ?`)
      .all(keyId, cursor?.seq ?? (order === 'asc' ? 0 : Number.MAX_SAFE_INTEGER), limit + 1);
    return { jobs: rows.slice(0, limit).map(recordOf), hasMore: rows.length > limit };
  }

  files(id: string): StoredFile[] {
    return this.sql<[string], FileRow>('SELECT role, hash, content_type, bytes FROM job_files WHERE job_id = ? ORDER BY role')
      .all(id)
      .map((f) => ({ role: f.role, hash: f.hash, contentType: f.content_type, bytes: f.bytes }));
  }

  countByStatus(keyId: string): Record<JobStatus, number> {
    const counts: Record<JobStatus, number> = { queued: 0, in_progress: 0, completed: 0, failed: 0, cancelled: 0 };
    const rows = this.sql<[string], { status: JobStatus; n: number }>('SELECT status, COUNT(*) AS n FROM jobs WHERE key_id = ? GROUP BY status').all(keyId);
    for (const { status, n } of rows) counts[status] = n;
    return counts;
  }

  events(id: string): JobEvent[] {
    return this.sql<[string], JobEvent>('SELECT event, attempt, worker, detail, at FROM job_events WHERE job_id = ? ORDER BY seq').all(id);
  }

  claim(owner: string, leaseMs: number): JobRecord | undefined {
    return this.transaction(() => {
      const now = this.now();
      // Oldest first, skipping keys already running as many jobs as their concurrency allows.
      const row = this.sql<{ owner: string; now: number; expires: number }, JobRow>(
          `UPDATE jobs SET status = 'in_progress', lease_owner = @owner, lease_expires_at = @expires,
                           attempts = attempts + 1, started_at = COALESCE(started_at, @now)
           WHERE seq = (
             SELECT j.seq FROM jobs j JOIN api_keys k ON k.id = j.key_id
             WHERE j.status = 'queued' AND j.run_after <= @now
               AND (k.concurrency IS NULL OR k.concurrency >
                    (SELECT COUNT(*) FROM jobs r WHERE r.key_id = j.key_id AND r.status = 'in_progress'))
             ORDER BY j.seq LIMIT 1)
           RETURNING *`,
        ).get({ owner, now, expires: now + leaseMs });
      if (!row) return undefined;
      this.event(row.id, 'claimed', row.attempts, owner);
      return recordOf(row);
    });
  }

  heartbeat(id: string, owner: string, leaseMs: number, progress?: number): boolean {
    const changed = this.sql(
      `UPDATE jobs SET lease_expires_at = @expires, progress = MAX(progress, COALESCE(@progress, progress))
       WHERE id = @id AND status = 'in_progress' AND lease_owner = @owner`,
    ).run({ id, owner, expires: this.now() + leaseMs, progress: progress ?? null }).changes;
    return changed === 1;
  }

  attach(id: string, file: StoredFile): StoredFile | undefined {
    return this.transaction(() => {
      if (this.get(id)?.status !== 'completed') return undefined;
      this.sql('INSERT OR IGNORE INTO job_files (job_id, role, hash, content_type, bytes) VALUES (?, ?, ?, ?, ?)')
        .run(id, file.role, file.hash, file.contentType, file.bytes);
      return this.files(id).find((f) => f.role === file.role);
    });
  }

  complete(id: string, owner: string, result: JobResult, outputs: readonly StoredFile[], retainMs: number | null): JobRecord | undefined {
    return this.transaction(() => {
      // Expiry counts from the completion time itself, so expires_at − completed_at is exactly the retention.
      const now = this.now();
      const changed = this.sql(
        `UPDATE jobs SET status = 'completed', progress = 100, result = @result, completed_at = @now, expires_at = @expiresAt,
                         lease_owner = NULL, lease_expires_at = NULL
         WHERE id = @id AND status = 'in_progress' AND lease_owner = @owner`,
      ).run({ id, owner, result: JSON.stringify(result), now, expiresAt: retainMs === null ? null : now + retainMs }).changes;
      if (changed === 0) return undefined;
      this.insertFiles(id, outputs);
      return this.finish(id, 'completed', owner);
    });
  }

  fail(id: string, owner: string, error: JobError, retryable: boolean, retryDelayMs: number): JobRecord | undefined {
    return this.transaction(() => {
      const job = this.get(id);
      if (!job || job.status !== 'in_progress' || job.leaseOwner !== owner) return undefined;
      if (retryable && job.attempts < job.maxAttempts) {
        this.sql(
          `UPDATE jobs SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, run_after = ?,
                           error_code = ?, error_message = ? WHERE id = ?`,
        ).run(this.now() + retryDelayMs, error.code, error.message, id);
        this.event(id, 'retry', job.attempts, owner, `${error.code}: ${error.message}`);
        return this.get(id);
      }
      this.markFailed(id, error);
      return this.finish(id, 'failed', owner, `${error.code}: ${error.message}`);
    });
  }

  release(id: string, owner: string): boolean {
    return this.transaction(() => {
      const changed = this.sql(
        `UPDATE jobs SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, attempts = MAX(0, attempts - 1)
         WHERE id = ? AND status = 'in_progress' AND lease_owner = ?`,
      ).run(id, owner).changes;
      if (changed === 1) this.event(id, 'released', null, owner);
      return changed === 1;
    });
  }

  cancel(id: string): JobRecord | undefined {
    return this.transaction(() => {
      const changed = this.sql(
        `UPDATE jobs SET status = 'cancelled', completed_at = ?, lease_owner = NULL, lease_expires_at = NULL
         WHERE id = ? AND status IN ('queued', 'in_progress')`,
      ).run(this.now(), id).changes;
      return changed === 1 ? this.finish(id, 'cancelled') : this.get(id);
    });
  }

  remove(id: string): StoredFile[] {
    return this.transaction(() => {
      if (!this.get(id)) return [];
      this.cancel(id);
      const files = this.files(id);
      this.sql('DELETE FROM job_files WHERE job_id = ?').run(id);
      this.sql('DELETE FROM jobs WHERE id = ?').run(id);
      this.event(id, 'deleted');
      return files;
    });
  }

  recoverExpired(): JobRecord[] {
    const now = this.now();
    const expired = this.sql<[number], { id: string }>("SELECT id FROM jobs WHERE status = 'in_progress' AND lease_expires_at < ?")
      .all(now);
    if (expired.length === 0) return []; // the common case: one indexed read, no write lock
    return this.transaction(() =>
      expired.flatMap(({ id }) => {
        const job = this.get(id);
        if (!job || job.status !== 'in_progress' || (job.leaseExpiresAt ?? 0) >= now) return []; // moved on meanwhile
        if (job.attempts < job.maxAttempts) {
          this.sql("UPDATE jobs SET status = 'queued', lease_owner = NULL, lease_expires_at = NULL, run_after = ? WHERE id = ?").run(now, id);
          this.event(id, 'requeued', job.attempts, job.leaseOwner, 'lease expired');
          return [this.get(id)!];
        }
        this.markFailed(id, { code: ERRORS.WORKER_FAILED.code, message: `the job's worker stopped answering ${job.attempts} times` });
        return [this.finish(id, 'failed', job.leaseOwner, 'lease expired, no attempts left')];
      }),
    );
  }

  fileInUse(hash: string): boolean {
    return this.sql<[string], { n: number }>('SELECT 1 AS n FROM job_files WHERE hash = ? LIMIT 1').get(hash) !== undefined;
  }

  expired(limit: number): string[] {
    return this.sql<[number, number], { id: string }>("SELECT id FROM jobs WHERE status = 'completed' AND expires_at IS NOT NULL AND expires_at <= ? LIMIT ?")
      .all(this.now(), limit)
      .map((r) => r.id);
  }

  // --- helpers -----------------------------------------------------------------------------------------

  /** An idempotency key names one request: the same key with different content is a client bug. */
  private sameRequest(existing: JobRecord, job: NewJob): JobRecord {
    if (job.requestHash !== undefined && existing.requestHash !== job.requestHash) {
      throw new CinesimError(
        ERRORS.IDEMPOTENCY_CONFLICT,
        `Idempotency-Key '${job.idempotencyKey}' was used for a different request (video ${existing.id})`,
        { param: 'Idempotency-Key' },
      );
    }
    return existing;
  }

  private markFailed(id: string, error: JobError): void {
    this.sql(
      `UPDATE jobs SET status = 'failed', error_code = ?, error_message = ?, completed_at = ?, lease_owner = NULL, lease_expires_at = NULL
       WHERE id = ?`,
    ).run(error.code, error.message, this.now(), id);
  }

  /** The shared tail of every terminal transition: refund unless completed, history, listeners. */
  private finish(id: string, status: 'completed' | 'failed' | 'cancelled', worker: string | null = null, detail?: string): JobRecord {
    if (status !== 'completed') this.ledger.refund(id);
    const job = this.get(id)!;
    this.event(id, status, job.attempts, worker, detail);
    for (const listener of this.listeners) listener(job);
    return job;
  }

  private insertFiles(jobId: string, files: readonly StoredFile[]): void {
    const insert = this.sql('INSERT OR REPLACE INTO job_files (job_id, role, hash, content_type, bytes) VALUES (?, ?, ?, ?, ?)');
    for (const f of files) insert.run(jobId, f.role, f.hash, f.contentType, f.bytes);
  }

  private event(jobId: string, event: string, attempt: number | null = null, worker: string | null = null, detail: string | null = null): void {
    this.sql('INSERT INTO job_events (job_id, event, attempt, worker, detail, at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(jobId, event, attempt, worker, detail ?? null, this.now());
  }
}

function recordOf(row: JobRow): JobRecord {
  return {
    id: row.id,
    keyId: row.key_id,
    status: row.status,
    progress: row.progress,
    model: row.model,
    // Jobs stored before the API made sound lack `audio`; they get it as every new job does by default.
    params: { audio: true, ...JSON.parse(row.params) },
    cost: row.cost,
    idempotencyKey: row.idempotency_key,
    requestHash: row.request_hash,
    remixedFrom: row.remixed_from,
    callbackUrl: row.callback_url,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    error: row.error_code === null ? null : { code: row.error_code, message: row.error_message ?? '' },
    result: row.result === null ? null : JSON.parse(row.result),
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    expiresAt: row.expires_at,
  };
}
