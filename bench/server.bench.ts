/**
 * The service under load, against a live `cinesim serve` in a child process (so the server and the load
 * generator are separate processes, as in production; on a small machine they still share the cores,
 * which the rows say).
 *
 * Rows:
 * - status polling (GET /v1/videos/{id}, authenticated, keep-alive, 32 concurrent clients, a few
 *   seconds): requests per second and p50/p99 latency, with the workers idle and while a CPU-heavy job
 *   runs (shapes-64 at many steps when present, else the tiny model in a loop);
 * - jobs per minute with the tiny test model (engine overhead, encoding, storage and queue: the
 *   service's own cost per job), one worker, and the median time from create to completed;
 * - a story over the API on shapes-64 (STORY.md's script): the whole film, then a remake with its last line
 *   edited (`reuse_video_id`), create to completed and what each is charged.
 *
 *   npm run bench -- server
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { access, mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CreditLedger, DATABASE_FILE, KeyStore, openDatabase } from '../src/server/index.ts';
import type { Video } from '../src/server/schemas/videos.ts';
import { SCRIPT as STORY_SCRIPT } from './story.bench.ts';
import type { BenchRow } from './table.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TINY = fileURLToPath(new URL('../test/fixtures/tiny-model', import.meta.url));
const SHAPES = fileURLToPath(new URL('../models/shapes-64', import.meta.url));
const CONCURRENCY = 32;
const POLL_SECONDS = 4;
const JOBS = 30;
const PROMPT = 'a small red ball bounces on green grass';

interface Server {
  readonly url: string;
  readonly child: ChildProcess;
}

async function startServer(dataDir: string, models: string[]): Promise<Server> {
  const child = spawn(process.execPath, ['bin/cinesim.mjs', 'serve', '--port', '0', '--data', dataDir, '--quiet', '--model', ...models], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`cinesim serve exited with ${code}`)));
  });
  return { url, child };
}

function createKey(dataDir: string): string {
  const db = openDatabase(join(dataDir, DATABASE_FILE));
  try {
    return new KeyStore(db, new CreditLedger(db)).create({ name: 'bench' }).key;
  } finally {
    db.close();
  }
}

/** One keep-alive HTTP exchange; resolves with the status and body. */
function call(agent: Agent, url: URL, key: string, method = 'GET', body?: object): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = body && JSON.stringify(body);
    const req = request(url, { method, agent, headers: { authorization: `Bearer ${key}`, ...(payload ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

async function createVideo(agent: Agent, server: Server, key: string, body: object, path = '/v1/videos'): Promise<Video> {
  const response = await call(agent, new URL(path, server.url), key, 'POST', body);
  if (response.status !== 200) throw new Error(`create failed: ${response.status} ${response.body}`);
  return JSON.parse(response.body) as Video;
}

async function waitCompleted(agent: Agent, server: Server, key: string, id: string): Promise<Video> {
  for (;;) {
    const video = JSON.parse((await call(agent, new URL(`/v1/videos/${id}`, server.url), key)).body) as Video;
    if (video.status === 'completed' || video.status === 'failed') return video;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** CONCURRENCY clients polling one video for POLL_SECONDS: requests/s and latency percentiles. */
async function poll(agent: Agent, server: Server, key: string, id: string): Promise<{ rps: number; p50: number; p99: number; errors: number }> {
  const url = new URL(`/v1/videos/${id}`, server.url);
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + POLL_SECONDS * 1000;
  const client = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      const { status } = await call(agent, url, key);
      latencies.push(performance.now() - t0);
      if (status !== 200) errors++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: CONCURRENCY }, client));
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return { rps: latencies.length / seconds, p50: at(0.5), p99: at(0.99), errors };
}

export async function run(): Promise<BenchRow[]> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cinesim-bench-server-'));
  const hasShapes = await access(join(SHAPES, 'manifest.json')).then(() => true, () => false);
  const server = await startServer(dataDir, hasShapes ? [TINY, SHAPES] : [TINY]);
  const key = createKey(dataDir);
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const rows: BenchRow[] = [];
  const machine = `${availableParallelism()} cores shared by server and load generator`;
  try {
    // A finished video to poll.
    const target = await waitCompleted(agent, server, key, (await createVideo(agent, server, key, { model: 'tiny-random', prompt: PROMPT })).id);

    const idle = await poll(agent, server, key, target.id);
    // A CPU-heavy job while polling: the engine runs in a worker thread, off the HTTP loop.
    const heavy = hasShapes
      ? { model: 'shapes-64', prompt: PROMPT, steps: 100 }
      : { model: 'tiny-random', prompt: PROMPT, seconds: '12', steps: 100 };
    const busyJob = await createVideo(agent, server, key, heavy);
    await waitFor(async () => JSON.parse((await call(agent, new URL(`/v1/videos/${busyJob.id}`, server.url), key)).body).status === 'in_progress');
    const busy = await poll(agent, server, key, target.id);
    const busyState = JSON.parse((await call(agent, new URL(`/v1/videos/${busyJob.id}`, server.url), key)).body) as Video;
    await call(agent, new URL(`/v1/videos/${busyJob.id}/cancel`, server.url), key, 'POST');

    const note = `${CONCURRENCY} keep-alive clients, ${POLL_SECONDS} s; ${machine}`;
    const heavyNote = `${heavy.model} ${heavy.steps} steps ${busyState.status === 'in_progress' ? 'running throughout' : `(${busyState.status} before the end)`}`;
    rows.push(
      { group: 'status polling', name: 'workers idle', value: idle.rps, unit: 'req/s', note },
      { group: 'status polling', name: 'workers idle p50', value: idle.p50, unit: 'ms' },
      { group: 'status polling', name: 'workers idle p99', value: idle.p99, unit: 'ms' },
      { group: 'status polling', name: 'while a job runs', value: busy.rps, unit: 'req/s', note: heavyNote },
      { group: 'status polling', name: 'while a job runs p50', value: busy.p50, unit: 'ms' },
      { group: 'status polling', name: 'while a job runs p99', value: busy.p99, unit: 'ms', note: `errors: ${idle.errors + busy.errors}` },
    );

    // Jobs per minute, tiny model: all created at once, one worker drains the queue.
    const t0 = performance.now();
    const created = await Promise.all(Array.from({ length: JOBS }, (_, i) => createVideo(agent, server, key, { model: 'tiny-random', prompt: PROMPT, seed: i })));
    const done = await Promise.all(created.map((v) => waitCompleted(agent, server, key, v.id)));
    const minutes = (performance.now() - t0) / 60_000;
    const failed = done.filter((v) => v.status !== 'completed').length;
    const single: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s0 = performance.now();
      await waitCompleted(agent, server, key, (await createVideo(agent, server, key, { model: 'tiny-random', prompt: PROMPT })).id);
      single.push(performance.now() - s0);
    }
    single.sort((a, b) => a - b);
    rows.push(
      { group: 'jobs', name: 'tiny model, 1 worker', value: JOBS / minutes, unit: 'jobs/min', note: `${JOBS} queued at once, 2 s clips (generate + H.264 + thumbnail + spritesheet + store)${failed ? `; ${failed} failed` : ''}` },
      { group: 'jobs', name: 'create → completed (tiny, idle queue)', value: single[2] / 1000, unit: 's', note: 'median of 5, polling every 20 ms' },
    );

    if (hasShapes) {
      const film = async (script: string, reuse?: string) => {
        const s0 = performance.now();
        const created = await createVideo(agent, server, key, { model: 'shapes-64', script, ...(reuse ? { reuse_video_id: reuse } : {}) }, '/v1/stories');
        const video = await waitCompleted(agent, server, key, created.id);
        return { video, seconds: (performance.now() - s0) / 1000 };
      };
      const whole = await film(STORY_SCRIPT);
      const remake = await film(STORY_SCRIPT.replace('Ruby falls at night', 'Ruby moves right at night'), whole.video.id);
      const kept = remake.video.story?.shots.filter((s) => s.reused).length ?? 0;
      const group = `story over the API: shapes-64, 4 shots, ${whole.video.seconds} s of film`;
      rows.push(
        { group, name: 'whole film, create → completed', value: whole.seconds, unit: 's', note: `${whole.video.cost} credits` },
        { group, name: 'remake, last line edited', value: remake.seconds, unit: 's', note: `${remake.video.cost} credits; ${kept} of 4 shots kept` },
      );
    }
  } finally {
    agent.destroy();
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  }
  return rows;
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}
