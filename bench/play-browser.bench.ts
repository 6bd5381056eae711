/**
 * The studio's Play page in headless Chromium (Debian's /usr/bin/chromium, no GPU): frames per second and
 * input-to-frame latency of the world model running in the browser, on onnxruntime-web's WebAssembly
 * backend, then on its WebGPU backend over Chromium's software adapter (SwiftShader, on the same CPU), against
 * a live `cinesim serve` in a child process. Model: $CINESIM_BENCH_WORLD (a world model folder) when set,
 * else models/world-64 when present, else the tiny random test model (the notes say which).
 * $CINESIM_BENCH_PLAY=wasm or webgpu runs one backend only.
 *
 * For each thread setting (automatic = the cores but one, at most 4; then 1 and 2 where they differ):
 * - unpaced play ("as fast as it can") for a few seconds while a key is pressed and released every
 *   250 ms: frames per second (frames drawn over the time), and the page's own latency readout (from the
 *   key event to the display frame after the first generated frame that used it), mean and p95;
 * - paced play at the model's frame rate, the same keys: latency as a player feels it at that rate.
 * WebGPU on SwiftShader: unpaced play only, for longer (GPU_PLAY_SECONDS; a frame takes longer than the
 * frame period, so paced play would be the same), and skipped with a message where Chromium has no adapter.
 *
 * Targets (issue #7): ≥ 24 frames/s and latency under 100 ms.
 *
 *   npm run bench -- play-browser
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { ensureStudioBuilt } from '../src/server/studio/build.ts';
import { CHROMIUM, CHROMIUM_FLAGS, WEBGPU_FLAGS } from '../test/studio/chromium.ts';
import type { BenchRow } from './table.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WORLD_64 = join(ROOT, 'models', 'world-64');
const TINY_WORLD = join(ROOT, 'test', 'fixtures', 'tiny-world');
const TINY_VIDEO = join(ROOT, 'test', 'fixtures', 'tiny-model');
const PLAY_SECONDS = 10;
/** Software WebGPU makes a few frames a second at best: longer, for enough frames and inputs. */
const GPU_PLAY_SECONDS = 30;
const KEY_EVERY_MS = 250;

export async function run(): Promise<BenchRow[]> {
  if (!existsSync(CHROMIUM)) {
    console.error('play-browser: /usr/bin/chromium is missing (./setup.sh --dev installs it); skipped');
    return [];
  }
  const chosen = process.env.CINESIM_BENCH_WORLD;
  const world = chosen ?? (existsSync(join(WORLD_64, 'manifest.json')) ? WORLD_64 : TINY_WORLD);
  const modelNote = chosen ? basename(chosen) : world === WORLD_64 ? 'world-64' : 'tiny random model (models/world-64 missing)';
  const built = await ensureStudioBuilt();
  if (built.error) throw new Error(built.error);

  const only = process.env.CINESIM_BENCH_PLAY;
  const dataDir = await mkdtemp(join(tmpdir(), 'cinesim-bench-play-'));
  const server = await startServer(dataDir, world);
  const rows: BenchRow[] = [];
  try {
    if (only !== 'webgpu') rows.push(...(await wasmRows(server.url, modelNote)));
    if (only !== 'wasm') rows.push(...(await webgpuRows(server.url, modelNote)));
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    await rm(dataDir, { recursive: true, force: true });
  }
  return rows;
}

/** WebAssembly: automatic threads, then 1 and 2 where automatic chose otherwise; unpaced and paced. */
async function wasmRows(url: string, modelNote: string): Promise<BenchRow[]> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  const rows: BenchRow[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}/#/play`);
    // Automatic first, then 1 and 2 threads where automatic chose otherwise.
    await page.locator('details.play-engine').evaluate((d) => ((d as unknown as { open: boolean }).open = true));
    const measured = new Set<string>();
    for (const threads of ['0', '1', '2']) {
      const expected = threads === '0' ? 'WASM' : threads === '1' ? 'WASM · 1 thread' : `WASM · ${threads} threads`;
      if (measured.has(expected)) continue;
      await page.selectOption('#play-threads', threads);
      await page.locator('#play-runtime', { hasText: expected }).waitFor({ timeout: 120_000 });
      const runtime = ((await page.locator('#play-runtime').textContent()) ?? '').replace(/\s+/g, ' ').trim();
      measured.add(runtime);
      const group = `browser ${runtime}${threads === '0' ? ' (automatic)' : ''}`;
      const note = `${modelNote}; ${availableParallelism()} cores shared with the server`;

      await setSpeed(page, 'max');
      const fast = await play(page);
      rows.push(
        { group, name: 'frames/s, as fast as it can', value: fast.fps, unit: 'frames/s', note: `${note}; target ≥ 24` },
        { group, name: 'input-to-frame latency, mean', value: fast.mean, unit: 'ms', note: `${fast.inputs} inputs; target < 100` },
        { group, name: 'input-to-frame latency, p95', value: fast.p95, unit: 'ms' },
      );
      await setSpeed(page, 'paced');
      const paced = await play(page);
      const fps = await page.locator('select[aria-label="Speed"] option[value=paced]').textContent();
      rows.push(
        { group, name: 'frames/s, paced at the model’s rate', value: paced.fps, unit: 'frames/s', note: fps?.replace(/^.*\((.*)\)$/, 'model: $1') },
        { group, name: 'input-to-frame latency paced, mean', value: paced.mean, unit: 'ms', note: `${paced.inputs} inputs` },
        { group, name: 'input-to-frame latency paced, p95', value: paced.p95, unit: 'ms' },
      );
    }
    if (errors.length > 0) throw new Error(`errors in the page: ${errors.join('; ')}`);
  } finally {
    await browser.close();
  }
  return rows;
}

/** WebGPU on SwiftShader (a software GPU on the same cores): unpaced play, longer. */
async function webgpuRows(url: string, modelNote: string): Promise<BenchRow[]> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS, ...WEBGPU_FLAGS] });
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${url}/#/play`);
    const adapter = await page.evaluate<string | null>(
      `navigator.gpu ? navigator.gpu.requestAdapter().then((a) => a && a.info.vendor + ' ' + a.info.architecture) : null`,
    );
    if (!adapter) {
      console.error(`play-browser: Chromium with ${WEBGPU_FLAGS.join(' ')} has no WebGPU adapter; WebGPU skipped`);
      return [];
    }
    await page.locator('#play-runtime', { hasText: /WebGPU|WASM/ }).waitFor({ timeout: 120_000 });
    const runtime = ((await page.locator('#play-runtime').textContent()) ?? '').trim();
    if (runtime !== 'WebGPU') throw new Error(`the page runs on ${runtime}, not WebGPU: ${await page.locator('#play-gpu-problem').textContent().catch(() => '')}`);
    const group = `browser WebGPU (${adapter}, software)`;
    await setSpeed(page, 'max');
    const fast = await play(page, GPU_PLAY_SECONDS);
    if (errors.length > 0) throw new Error(`errors in the page: ${errors.join('; ')}`);
    return [
      { group, name: 'frames/s, as fast as it can', value: fast.fps, unit: 'frames/s', note: `${modelNote}; ${availableParallelism()} cores shared with the server and the GPU` },
      { group, name: 'input-to-frame latency, mean', value: fast.mean, unit: 'ms', note: `${fast.inputs} inputs over ${GPU_PLAY_SECONDS} s` },
      { group, name: 'input-to-frame latency, p95', value: fast.p95, unit: 'ms' },
    ];
  } finally {
    await browser.close();
  }
}

async function setSpeed(page: Page, speed: 'max' | 'paced'): Promise<void> {
  await page.selectOption('select[aria-label="Speed"]', speed);
}

/** Restarts, lets it warm up, then plays `seconds` pressing and releasing keys; frames/s and the latency readout. */
async function play(page: Page, seconds = PLAY_SECONDS): Promise<{ fps: number; mean: number; p95: number; inputs: number }> {
  const frame = () => page.evaluate<number>(`Number(document.querySelector('#play-canvas').dataset.frame)`);
  if (await page.getByRole('button', { name: 'Resume', exact: true }).isVisible()) await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await page.getByRole('button', { name: 'Restart', exact: true }).click(); // also clears the latency figures
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const f0 = await frame();
  const t0 = performance.now();
  const keys = ['ArrowRight', 'ArrowUp', 'ArrowLeft', 'ArrowDown'];
  let inputs = 0;
  for (let k = 0; performance.now() - t0 < seconds * 1000; k++) {
    const key = keys[Math.floor(k / 2) % keys.length];
    await (k % 2 === 0 ? page.keyboard.down(key) : page.keyboard.up(key));
    inputs++;
    await new Promise((resolve) => setTimeout(resolve, KEY_EVERY_MS));
  }
  const fps = ((await frame()) - f0) / ((performance.now() - t0) / 1000);
  await new Promise((resolve) => setTimeout(resolve, 600)); // the last inputs' frames
  const latency = (await page.locator('#play-latency').textContent()) ?? '';
  const m = /^(\d+) ms · p95 (\d+) ms$/.exec(latency.trim());
  if (!m) throw new Error(`no latency readout after ${inputs} inputs: "${latency}"`);
  return { fps, mean: Number(m[1]), p95: Number(m[2]), inputs };
}

interface Server {
  readonly url: string;
  readonly child: ChildProcess;
}

async function startServer(dataDir: string, world: string): Promise<Server> {
  const args = ['bin/cinesim.mjs', 'serve', '--port', '0', '--data', dataDir, '--quiet', '--no-auth', '--model', TINY_VIDEO, '--world', world];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`cinesim serve exited with ${code}`)));
  });
  return { url, child };
}
