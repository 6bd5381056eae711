/**
 * Credits, idempotency and per-key limits: concurrent creates can never overdraw a key, an idempotency
 * key makes one job however often it is sent, cancellation and failure refund exactly once, and a key's
 * concurrency and rate limits hold.
 */
import { describe, expect, it } from 'vitest';
import type { Video } from '../../src/server/schemas/videos.ts';
import { createVideo, errorOf, PROMPT, startApp, waitFor, waitForStatus } from './helpers.ts';

function ledgerOf(app: Awaited<ReturnType<typeof startApp>>['app'], keyId: string) {
  const balance = app.db.prepare<[string], { balance: number }>('SELECT balance FROM api_keys WHERE id = ?').get(keyId)!.balance;
  const sum = app.db.prepare<[string], { total: number }>('SELECT SUM(amount) AS total FROM ledger WHERE key_id = ?').get(keyId)!.total;
  return { balance, sum };
}

describe('credits under concurrency', () => {
  it('accepts exactly as many of 50 concurrent creates as the credits pay for; the balance never goes negative', async () => {
    const server = await startApp();
    const key = server.key({ credits: 20 }); // 10 videos of 2 s at 1 credit per second
    const balances: number[] = [];
    const requests = Array.from({ length: 50 }, (_, i) =>
      fetch(`${server.url}/v1/videos`, {
        method: 'POST',
        headers: { ...key.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ prompt: PROMPT, seconds: 2, seed: i }),
      }).then(async (r) => {
        balances.push(ledgerOf(server.app, key.id).balance);
        return { status: r.status, body: (await r.json()) as Video & { error?: { code: string } } };
      }),
    );
    const results = await Promise.all(requests);
    const accepted = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status !== 200);
    expect(accepted).toHaveLength(10);
    expect(new Set(accepted.map((r) => r.body.id)).size).toBe(10);
    expect(refused.every((r) => r.status === 402 && r.body.error?.code === 'CINE_ERR_INSUFFICIENT_CREDITS')).toBe(true);
    expect(Math.min(...balances)).toBeGreaterThanOrEqual(0);
    expect(ledgerOf(server.app, key.id)).toEqual({ balance: 0, sum: 0 });

    // Cancel the queued ones (refunds), let the rest finish; the ledger stays consistent throughout.
    for (const { body } of accepted.slice(5)) await server.app.inject({ method: 'POST', url: `/v1/videos/${body.id}/cancel`, headers: key.headers });
    for (const { body } of accepted) await waitForStatus(server.app, body.id, key.headers);
    const usage = (await server.app.inject({ method: 'GET', url: '/v1/usage', headers: key.headers })).json();
    const cancelled = usage.videos.cancelled;
    expect(usage.balance).toBe(2 * cancelled);
    expect(usage.refunded).toBe(2 * cancelled);
    expect(usage.videos.completed + cancelled).toBe(10);
    expect(ledgerOf(server.app, key.id).balance).toBe(ledgerOf(server.app, key.id).sum);
  });
});

describe('idempotency, refunds and limits', () => {
  it('returns the same video for a repeated Idempotency-Key, charged once; a different request with it is a 409', async () => {
    const { app, key } = await startApp({}, { listen: false });
    const k = key({ credits: 10 });
    const body = { prompt: PROMPT, seconds: '2' };
    const responses = await Promise.all([1, 2, 3].map(() => createVideo(app, k.headers, body, { 'idempotency-key': 'abc-123' })));
    const ids = new Set(responses.map((r) => r.json().id));
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(ids.size).toBe(1);
    expect(app.ledger.balance(k.id)).toBe(8);

    const conflict = await createVideo(app, k.headers, { ...body, seed: 1 }, { 'idempotency-key': 'abc-123' });
    expect(conflict.statusCode).toBe(409);
    expect(errorOf(conflict)).toMatchObject({ code: 'CINE_ERR_IDEMPOTENCY_CONFLICT', param: 'Idempotency-Key' });
    // Another key's same Idempotency-Key is its own.
    const other = key({ credits: 10 });
    expect((await createVideo(app, other.headers, body, { 'idempotency-key': 'abc-123' })).json().id).not.toBe([...ids][0]);

    // The video a key would be answered with, asked without creating (or charging) anything; none for a key not used.
    const lookup = async (idempotencyKey: string) =>
      ((await app.inject({ method: 'GET', url: `/v1/videos?idempotency_key=${idempotencyKey}`, headers: k.headers })).json() as { data: Video[]; has_more: boolean });
    expect(await lookup('abc-123')).toMatchObject({ data: [{ id: [...ids][0] }], has_more: false });
    expect((await lookup('never-used')).data).toEqual([]);
    expect(app.ledger.balance(k.id)).toBe(8);
  });

  it('refunds a cancelled video once, however often it is cancelled', async () => {
    const { app, key } = await startApp({ debug: { stepDelayMs: 300 } }, { listen: false });
    const k = key({ credits: 4 });
    const running = (await createVideo(app, k.headers, { prompt: PROMPT })).json() as Video;
    const queued = (await createVideo(app, k.headers, { prompt: PROMPT })).json() as Video;
    expect(app.ledger.balance(k.id)).toBe(0);
    await waitForStatus(app, running.id, k.headers, ['in_progress']);

    for (const id of [queued.id, running.id, running.id]) {
      const response = await app.inject({ method: 'POST', url: `/v1/videos/${id}/cancel`, headers: k.headers });
      expect(response.json().status).toBe('cancelled');
    }
    expect(app.ledger.balance(k.id)).toBe(4);
    expect(app.ledger.usage(k.id)).toMatchObject({ charged: 4, refunded: 4, seconds: 0 });
    // The stopped run does not come back to life.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(app.queue.get(running.id)?.status).toBe('cancelled');
    expect(app.queue.events(running.id).filter((e) => e.event === 'completed')).toHaveLength(0);
  });

  it('retries a failing run, then fails the video with its code and refunds it', async () => {
    const { app, key } = await startApp({ debug: { failAtStep: 2 }, queue: { maxAttempts: 2 } }, { listen: false });
    const k = key({ credits: 2 });
    const video = (await createVideo(app, k.headers, { prompt: PROMPT })).json() as Video;
    const failed = await waitForStatus(app, video.id, k.headers, ['failed']);
    expect(failed.error).toMatchObject({ code: 'CINE_ERR_INTERNAL' });
    expect(failed.attempts).toBe(2);
    expect(app.queue.events(video.id).map((e) => e.event)).toEqual(['created', 'claimed', 'retry', 'claimed', 'failed']);
    expect(app.ledger.balance(k.id)).toBe(2);
  });

  it('runs at most `concurrency` of a key\'s jobs at once', async () => {
    const { app, key } = await startApp({ workers: 2, debug: { stepDelayMs: 100 } }, { listen: false });
    const k = key({ concurrency: 1 });
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await createVideo(app, k.headers, { prompt: PROMPT })).json().id as string);
    let most = 0;
    await waitFor('all three to finish', () => {
      const running = app.queue.countByStatus(k.id).in_progress;
      most = Math.max(most, running);
      return app.queue.countByStatus(k.id).completed === 3 || undefined;
    });
    expect(most).toBe(1);
  });

  it('limits a key\'s request rate with 429 and Retry-After', async () => {
    const { app, key } = await startApp({}, { listen: false });
    const k = key({ rateLimit: 5 });
    const statuses = [];
    for (let i = 0; i < 7; i++) statuses.push((await app.inject({ method: 'GET', url: '/v1/videos', headers: k.headers })).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = await app.inject({ method: 'GET', url: '/v1/models', headers: k.headers });
    expect(errorOf(limited).code).toBe('CINE_ERR_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });
});
