/**
 * The SQLite job queue on its own, with a controlled clock: leases, heartbeats, expiry and recovery,
 * guarded completion, retries with backoff, cancellation and refunds, per-key concurrency, pagination.
 */
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { CreditLedger, KeyStore, openDatabase, SqliteJobQueue } from '../../src/server/index.ts';
import { newId } from '../../src/server/ids.ts';
import type { JobParams, JobRecord } from '../../src/server/queue/types.ts';
import { tempDir } from './helpers.ts';

const PARAMS: JobParams = {
  prompt: 'a red ball', negativePrompt: '', seed: 1, steps: 4, guidance: 3, shift: 1, sampler: 'euler',
  width: 32, height: 32, fps: 8, frames: 17, seconds: 2, mode: 'none', audio: true, inputs: [],
};
const LEASE = 1000;

let now: number;
let queue: SqliteJobQueue;
let ledger: CreditLedger;
let keys: KeyStore;
let terminal: JobRecord[];

beforeEach(async () => {
  now = 1_000_000;
  const db = openDatabase(join(await tempDir(), 'queue.db'));
  ledger = new CreditLedger(db);
  keys = new KeyStore(db, ledger);
  queue = new SqliteJobQueue(db, ledger, { maxAttempts: 2, now: () => now });
  terminal = [];
  queue.onTerminal((job) => terminal.push(job));
});

function enqueue(keyId: string, cost = 2000, extra: { idempotencyKey?: string; requestHash?: string } = {}) {
  return queue.enqueue({ id: newId('video'), keyId, model: 'tiny', params: PARAMS, cost, inputs: [], ...extra });
}

describe('SqliteJobQueue', () => {
  it('charges at enqueue and refuses what the balance does not cover, leaving no job behind', () => {
    const key = keys.create({ credits: 3 }).info.id;
    enqueue(key);
    expect(() => enqueue(key)).toThrow(expect.objectContaining({ code: 'CINE_ERR_INSUFFICIENT_CREDITS', status: 402 }));
    expect(queue.list(key, { limit: 10, order: 'asc' }).jobs).toHaveLength(1);
    expect(ledger.balance(key)).toBe(1);
  });

  it('makes one job per idempotency key', () => {
    const key = keys.create({ credits: 10 }).info.id;
    const a = enqueue(key, 2000, { idempotencyKey: 'k', requestHash: 'h' });
    const b = enqueue(key, 2000, { idempotencyKey: 'k', requestHash: 'h' });
    expect([a.created, b.created]).toEqual([true, false]);
    expect(b.job.id).toBe(a.job.id);
    expect(() => enqueue(key, 2000, { idempotencyKey: 'k', requestHash: 'other' })).toThrow(expect.objectContaining({ code: 'CINE_ERR_IDEMPOTENCY_CONFLICT' }));
    expect(ledger.balance(key)).toBe(8);
  });

  it('a lease that runs out puts the job back; the old owner can no longer complete it', () => {
    const key = keys.create().info.id;
    const { job } = enqueue(key);
    expect(queue.claim('a', LEASE)?.id).toBe(job.id);
    expect(queue.claim('b', LEASE)).toBeUndefined(); // nothing else is runnable
    now += LEASE / 2;
    expect(queue.heartbeat(job.id, 'a', LEASE, 40)).toBe(true);
    now += LEASE / 2 + 1;
    expect(queue.recoverExpired()).toEqual([]); // the heartbeat extended it
    now += LEASE;
    expect(queue.recoverExpired().map((j) => j.status)).toEqual(['queued']);
    expect(queue.claim('b', LEASE)).toMatchObject({ id: job.id, attempts: 2, progress: 40 });
    expect(queue.heartbeat(job.id, 'a', LEASE)).toBe(false);
    expect(queue.complete(job.id, 'a', { seed: 1, timings: {} }, [], null)).toBeUndefined();
    expect(queue.complete(job.id, 'b', { seed: 1, timings: {} }, [], null)?.status).toBe('completed');
    expect(queue.complete(job.id, 'b', { seed: 1, timings: {} }, [], null)).toBeUndefined(); // never twice
    expect(terminal.map((j) => j.status)).toEqual(['completed']);
    expect(queue.events(job.id).filter((e) => e.event === 'completed')).toHaveLength(1);
  });

  it('fails a job whose lease ran out on its last attempt, and refunds it', () => {
    const key = keys.create({ credits: 2 }).info.id;
    const { job } = enqueue(key);
    for (let attempt = 1; attempt <= 2; attempt++) {
      expect(queue.claim(`w${attempt}`, LEASE)?.attempts).toBe(attempt);
      now += LEASE + 1;
      queue.recoverExpired();
    }
    expect(queue.get(job.id)).toMatchObject({ status: 'failed', error: { code: 'CINE_ERR_WORKER_FAILED' } });
    expect(ledger.balance(key)).toBe(2);
  });

  it('retries after the delay, then fails for good; a final error does not retry', () => {
    const key = keys.create({ credits: 4 }).info.id;
    const { job } = enqueue(key);
    queue.claim('a', LEASE);
    expect(queue.fail(job.id, 'a', { code: 'X', message: 'flaky' }, true, 500)?.status).toBe('queued');
    expect(queue.claim('a', LEASE)).toBeUndefined(); // still waiting
    now += 500;
    expect(queue.claim('a', LEASE)?.id).toBe(job.id);
    expect(queue.fail(job.id, 'a', { code: 'X', message: 'flaky' }, true, 500)?.status).toBe('failed'); // out of attempts
    const other = enqueue(key).job;
    queue.claim('a', LEASE);
    expect(queue.fail(other.id, 'a', { code: 'BAD', message: 'bad input' }, false, 500)?.status).toBe('failed');
    expect(ledger.usage(key)).toMatchObject({ balance: 4, charged: 4, refunded: 4 });
  });

  it('cancels queued and running jobs once, refunding once; a cancelled job cannot complete', () => {
    const key = keys.create({ credits: 2 }).info.id;
    const { job } = enqueue(key);
    queue.claim('a', LEASE);
    expect(queue.cancel(job.id)?.status).toBe('cancelled');
    expect(queue.cancel(job.id)?.status).toBe('cancelled');
    expect(queue.heartbeat(job.id, 'a', LEASE)).toBe(false);
    expect(queue.complete(job.id, 'a', { seed: 1, timings: {} }, [], null)).toBeUndefined();
    expect(ledger.usage(key)).toMatchObject({ balance: 2, refunded: 2 });
    expect(terminal.map((j) => j.status)).toEqual(['cancelled']);
  });

  it('gives a released job back without counting the attempt', () => {
    const { job } = enqueue(keys.create().info.id);
    queue.claim('a', LEASE);
    expect(queue.release(job.id, 'a')).toBe(true);
    expect(queue.get(job.id)).toMatchObject({ status: 'queued', attempts: 0 });
  });

  it('runs at most `concurrency` jobs of a key at once, others keys meanwhile', () => {
    const limited = keys.create({ concurrency: 1 }).info.id;
    const other = keys.create().info.id;
    const a = enqueue(limited).job;
    const b = enqueue(limited).job;
    const c = enqueue(other).job;
    expect(queue.claim('w1', LEASE)?.id).toBe(a.id);
    expect(queue.claim('w2', LEASE)?.id).toBe(c.id); // b waits for a
    expect(queue.claim('w3', LEASE)).toBeUndefined();
    queue.complete(a.id, 'w1', { seed: 1, timings: {} }, [], null);
    expect(queue.claim('w3', LEASE)?.id).toBe(b.id);
  });

  it('pages newest first with an `after` cursor, per key', () => {
    const key = keys.create().info.id;
    const ids = Array.from({ length: 5 }, () => enqueue(key).job.id);
    enqueue(keys.create().info.id);
    const first = queue.list(key, { limit: 2, order: 'desc' });
    expect(first.jobs.map((j) => j.id)).toEqual([ids[4], ids[3]]);
    expect(first.hasMore).toBe(true);
    const rest = queue.list(key, { limit: 10, order: 'desc', after: ids[3] });
    expect(rest.jobs.map((j) => j.id)).toEqual([ids[2], ids[1], ids[0]]);
    expect(rest.hasMore).toBe(false);
  });

  it('removes a job with its files, cancelling (and refunding) it first', () => {
    const key = keys.create({ credits: 2 }).info.id;
    const hash = 'a'.repeat(64);
    const { job } = queue.enqueue({ id: newId('video'), keyId: key, model: 'tiny', params: PARAMS, cost: 2000, inputs: [{ role: 'input:first', hash, contentType: 'image/png', bytes: 3 }] });
    expect(queue.fileInUse(hash)).toBe(true);
    expect(queue.remove(job.id).map((f) => f.hash)).toEqual([hash]);
    expect(queue.get(job.id)).toBeUndefined();
    expect(queue.fileInUse(hash)).toBe(false);
    expect(ledger.balance(key)).toBe(2);
  });
});
