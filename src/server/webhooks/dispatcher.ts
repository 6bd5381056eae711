/**
 * Webhook delivery through a transactional outbox: when a job with a `callback_url` reaches a final
 * state, a delivery row is written in the same transaction (so a notification exists exactly when the
 * transition does, and survives a crash); a loop then POSTs due deliveries, signed per Standard Webhooks,
 * and reschedules failures with exponential backoff until the schedule runs out.
 *
 * Delivery is at least once: a receiver may see a message twice (a crash after sending, before
 * recording) and should dedupe on the `webhook-id` header, which stays the same across retries.
 */
import type { FastifyBaseLogger } from 'fastify';
import { cachedPrepare, type Db } from '../db/database.ts';
import { newId } from '../ids.ts';
import { safeFetch, type UrlPolicy } from '../net/fetch.ts';
import type { JobRecord } from '../queue/types.ts';
import { signWebhook } from './signature.ts';

export interface WebhookConfig {
  readonly timeoutMs: number;
  readonly retryDelaysMs: readonly number[];
  readonly pollMs: number;
}

export interface DeliveryRecord {
  readonly id: string;
  readonly jobId: string;
  readonly url: string;
  readonly eventType: string;
  readonly status: 'pending' | 'delivered' | 'failed';
  readonly attempts: number;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
}

interface DeliveryRow {
  id: string;
  key_id: string;
  job_id: string;
  url: string;
  event_type: string;
  payload: string;
  status: DeliveryRecord['status'];
  attempts: number;
  last_status: number | null;
  last_error: string | null;
}

export interface WebhookDeps {
  readonly db: Db;
  readonly config: WebhookConfig;
  readonly policy: UrlPolicy;
  /** The signing secret of the key that owns the job. */
  readonly secretFor: (keyId: string) => string | undefined;
  /** The video object sent as the event's data. */
  readonly present: (job: JobRecord) => unknown;
  readonly log: FastifyBaseLogger;
}

const EVENT_TYPES = { completed: 'video.completed', failed: 'video.failed', cancelled: 'video.cancelled' } as const;
/** Deliveries sent at once per pass. */
const BATCH = 16;

export class WebhookDispatcher {
  private timer: NodeJS.Timeout | undefined;
  /** Deliveries being sent by this process (not picked again by the next pass meanwhile). */
  private readonly inFlight = new Map<string, Promise<void>>();

  private readonly sql: Db['prepare'];

  constructor(private readonly deps: WebhookDeps) {
    this.sql = cachedPrepare(deps.db);
  }

  /** The queue's terminal listener: runs inside the job's transition transaction. */
  readonly enqueue = (job: JobRecord): void => {
    if (!job.callbackUrl || !(job.status in EVENT_TYPES)) return;
    const type = EVENT_TYPES[job.status as keyof typeof EVENT_TYPES];
    const now = Date.now();
    const payload = JSON.stringify({ id: newId('evt'), object: 'event', type, created_at: Math.floor(now / 1000), data: this.deps.present(job) });
    this.sql(
      `INSERT INTO webhook_deliveries (id, key_id, job_id, url, event_type, payload, status, next_attempt_at, created_at)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?)`,
    ).run(newId('msg'), job.keyId, job.id, job.callbackUrl, type, payload, now, now);
    setImmediate(() => this.pass()); // after the transaction commits
  };

  start(): void {
    this.timer = setInterval(() => this.pass(), this.deps.config.pollMs);
  }

  /** Stops the loop and waits for deliveries in flight (they are bounded by the request timeout). */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await Promise.all(this.inFlight.values());
  }

  deliveries(jobId: string): DeliveryRecord[] {
    return this.sql<[string], DeliveryRow>('SELECT * FROM webhook_deliveries WHERE job_id = ? ORDER BY created_at')
      .all(jobId)
      .map((r) => ({ id: r.id, jobId: r.job_id, url: r.url, eventType: r.event_type, status: r.status, attempts: r.attempts, lastStatus: r.last_status, lastError: r.last_error }));
  }

  /** Sends every due delivery not already in flight. */
  pass(): void {
    if (!this.timer) return;
    const due = this.sql<[number, number], DeliveryRow>("SELECT * FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?")
      .all(Date.now(), BATCH + this.inFlight.size);
    for (const row of due) {
      if (this.inFlight.has(row.id)) continue;
      const sending = this.deliver(row).finally(() => this.inFlight.delete(row.id));
      this.inFlight.set(row.id, sending);
    }
  }

  private async deliver(row: DeliveryRow): Promise<void> {
    const secret = this.deps.secretFor(row.key_id);
    let status: number | null = null;
    let error: string | null = null;
    if (secret === undefined) {
      error = 'the key that owns this video no longer exists';
    } else {
      const headers = { 'content-type': 'application/json', 'user-agent': 'Cinesim-Webhooks/1', ...signWebhook(secret, row.id, Math.floor(Date.now() / 1000), row.payload) };
      try {
        const response = await safeFetch(row.url, {
          policy: this.deps.policy,
          param: 'callback_url',
          method: 'POST',
          headers,
          body: row.payload,
          maxBytes: 64 * 1024,
          timeoutMs: this.deps.config.timeoutMs,
          maxRedirects: 0, // a redirect is not a delivery
        });
        status = response.status;
        if (status < 200 || status >= 300) error = `answered ${status}`;
      } catch (e) {
        error = (e as Error).message;
      }
    }
    this.record(row, status, error);
  }

  private record(row: DeliveryRow, status: number | null, error: string | null): void {
    const attempts = row.attempts + 1;
    const delays = this.deps.config.retryDelaysMs;
    const now = Date.now();
    if (error === null) {
      this.sql("UPDATE webhook_deliveries SET status = 'delivered', attempts = ?, last_status = ?, last_error = NULL, delivered_at = ? WHERE id = ?").run(attempts, status, now, row.id);
      return;
    }
    const final = attempts > delays.length;
    this.sql('UPDATE webhook_deliveries SET status = ?, attempts = ?, last_status = ?, last_error = ?, next_attempt_at = ? WHERE id = ?')
      .run(final ? 'failed' : 'pending', attempts, status, error, final ? now : now + delays[attempts - 1], row.id);
    this.deps.log[final ? 'error' : 'warn']({ delivery: row.id, job: row.job_id, attempts, error }, final ? 'webhook delivery failed for good' : 'webhook delivery failed; will retry');
  }
}
