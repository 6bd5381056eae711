/**
 * Durability: `cinesim serve` killed with SIGKILL in the middle of a job, then started again on the
 * same data folder: the job's lease runs out, it is queued again and completes, exactly once, charged
 * once. And SIGTERM: the server shuts down gracefully, giving a running job back to the queue.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { CreditLedger, DATABASE_FILE, KeyStore, openDatabase, SqliteJobQueue } from '../../src/server/index.ts';
import type { Video } from '../../src/server/schemas/videos.ts';
import { PROMPT, ROOT, TINY_MODEL, tempDir, waitFor } from './helpers.ts';

const children = new Set<ChildProcess>();
afterAll(() => children.forEach((c) => c.kill('SIGKILL')));

/** Starts `cinesim serve` on an ephemeral port; resolves with its URL (the first line it prints). */
async function serve(dataDir: string, extra: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['bin/cinesim.mjs', 'serve', '--port', '0', '--data', dataDir, '--model', TINY_MODEL, '--threads', '1', '--lease-ms', '1500', '--quiet', ...extra],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`cinesim serve exited with ${code}: ${stderr}`)));
  });
  return { child, url };
}

function exited(child: ChildProcess): Promise<number | null> {
  return child.exitCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', resolve));
}

/** Opens the data folder's database beside the server (WAL allows it), runs `fn`, closes. */
function inDatabase<T>(dataDir: string, fn: (stores: { keys: KeyStore; ledger: CreditLedger; queue: SqliteJobQueue }) => T): T {
  const db = openDatabase(join(dataDir, DATABASE_FILE));
  try {
    const ledger = new CreditLedger(db);
    return fn({ keys: new KeyStore(db, ledger), ledger, queue: new SqliteJobQueue(db, ledger, { maxAttempts: 3 }) });
  } finally {
    db.close();
  }
}

async function api(url: string, key: string, path: string, body?: object): Promise<Video> {
  const response = await fetch(url + path, {
    method: body ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body && JSON.stringify(body),
  });
  return (await response.json()) as Video;
}

describe('restart after kill -9', () => {
  it('finishes the job that was running, exactly once, charged once', async () => {
    const dataDir = await tempDir();
    const { key, id: keyId } = inDatabase(dataDir, ({ keys }) => {
      const created = keys.create({ credits: 10 });
      return { key: created.key, id: created.info.id };
    });

    // A slowed job (0.5 s per denoising step) so the kill lands in the middle of it.
    const first = await serve(dataDir, ['--debug-step-delay-ms', '500']);
    const video = await api(first.url, key, '/v1/videos', { prompt: PROMPT, seconds: '2' });
    await waitFor('denoising to start', async () => {
      const v = await api(first.url, key, `/v1/videos/${video.id}`);
      return v.status === 'in_progress' && v.progress > 5 ? v : undefined;
    });
    first.child.kill('SIGKILL');
    expect(await exited(first.child)).toBe(null); // killed by the signal: no clean-up ran
    expect(inDatabase(dataDir, ({ queue }) => queue.get(video.id)?.status)).toBe('in_progress');

    const second = await serve(dataDir);
    const done = await waitFor('the job to complete after the restart', async () => {
      const v = await api(second.url, key, `/v1/videos/${video.id}`);
      return v.status === 'completed' || v.status === 'failed' ? v : undefined;
    }, 30_000);
    expect(done.status).toBe('completed');
    expect(done.attempts).toBe(2);
    const content = await fetch(`${second.url}/v1/videos/${video.id}/content`, { headers: { authorization: `Bearer ${key}` } });
    expect(content.status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 300)); // anything late would show now
    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);
    inDatabase(dataDir, ({ queue, ledger }) => {
      const events = queue.events(video.id).map((e) => e.event);
      expect(events).toEqual(['created', 'claimed', 'requeued', 'claimed', 'completed']);
      expect(ledger.usage(keyId)).toMatchObject({ balance: 8, charged: 2, refunded: 0 });
    });
  }, 60_000);
});

describe('graceful shutdown', () => {
  it('gives a job that cannot finish in the grace time back to the queue; the next start runs it', async () => {
    const dataDir = await tempDir();
    const key = inDatabase(dataDir, ({ keys }) => keys.create().key);
    const first = await serve(dataDir, ['--debug-step-delay-ms', '1000', '--shutdown-grace-ms', '200']);
    const video = await api(first.url, key, '/v1/videos', { prompt: PROMPT });
    await waitFor('the job to start', async () => ((await api(first.url, key, `/v1/videos/${video.id}`)).status === 'in_progress') || undefined);
    first.child.kill('SIGTERM');
    expect(await exited(first.child)).toBe(0);
    const state = inDatabase(dataDir, ({ queue }) => queue.get(video.id)!);
    expect(state).toMatchObject({ status: 'queued', attempts: 0 });

    const second = await serve(dataDir);
    const done = await waitFor('the job to complete', async () => {
      const v = await api(second.url, key, `/v1/videos/${video.id}`);
      return v.status === 'completed' ? v : undefined;
    });
    expect(done.attempts).toBe(1);
    second.child.kill('SIGTERM');
    await exited(second.child);
  }, 60_000);
});
