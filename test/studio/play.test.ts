/**
 * The studio's Play page in a real browser (Debian's Chromium, headless) against a real server whose world
 * model is the tiny random one (test/fixtures/tiny-world): the page loads the model into onnxruntime-web
 * (WebAssembly, threads under cross-origin isolation), renders frames with a frame rate readout; keys and
 * the on-screen buttons drive the model (the same seed and keys give the same frame, another key another
 * one); typed events go through the world's parser (an unknown word shows its message); a play starts from
 * a scene prompt or a dropped picture; Chinese strings. Also the server side: /v1/world, its files (and
 * nothing else), onnxruntime-web's runtime files and the isolation headers. Then the same page on WebGPU
 * (Chromium's software adapter, SwiftShader; skipped, saying why, where Chromium offers none): the runtime
 * says WebGPU, frames render, keys drive the model, and the frames are those the engine makes in Node
 * within a stated tolerance. Screenshots in test-artifacts/studio/play-*.png.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { WorldModel } from '../../src/engine/world/session.ts';
import { gameStart } from '../../src/engine/world/start.ts';
import { ensureStudioBuilt } from '../../src/server/studio/build.ts';
import { startApp, tempDir } from '../server/helpers.ts';
import {
  closeStudioPage,
  dropImage,
  HAS_CHROMIUM,
  launchBrowser,
  openStudioPage,
  screenshot,
  startStudioServer,
  waitUntil,
  webgpuAdapter,
  WEBGPU_FLAGS,
  type Browser,
  type StudioServer,
} from './helpers.ts';

/** Tall enough to show the whole Play card. */
const VIEWPORT = { width: 1366, height: 1000 };
/** The Play page's first start. */
const DEFAULT_PROMPT = 'a red ball on green grass';
const DEFAULT_SEED = 7;
const TINY_WORLD = fileURLToPath(new URL('../fixtures/tiny-world/', import.meta.url));
const ORT_VERSION = (JSON.parse(await readFile(fileURLToPath(new URL('../../node_modules/onnxruntime-web/package.json', import.meta.url)), 'utf8')) as { version: string }).version;

// In-page scripts (strings: this project type-checks without the DOM library).
/** A hash of the canvas's pixels. */
const CANVAS_HASH = `(() => {
  const c = document.querySelector('#play-canvas');
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let h = 2166136261;
  for (let i = 0; i < d.length; i++) { h ^= d[i]; h = Math.imul(h, 16777619); }
  return (h >>> 0).toString(16);
})()`;
/** The canvas's pixels as RGB bytes, row by row (the stepper's frame layout). */
const CANVAS_RGB = `(() => {
  const c = document.querySelector('#play-canvas');
  return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data).filter((_, i) => i % 4 !== 3);
})()`;
/** The canvas's pixel at (x, y) as [r, g, b]. */
const pixel = (x: number, y: number) => `Array.from(document.querySelector('#play-canvas').getContext('2d').getImageData(${x}, ${y}, 1, 1).data.slice(0, 3))`;
/** Frames since the start, as the page last drew. */
const FRAME = `Number(document.querySelector('#play-canvas').dataset.frame)`;

const buttonIn = (page: Page, name: string) => page.getByRole('button', { name, exact: true });

/** Pauses (a frame in flight is dropped by the restart, or a step waits for it) and goes back to the start frame. */
async function pauseAtStart(page: Page): Promise<void> {
  if (await buttonIn(page, 'Pause').isVisible()) await buttonIn(page, 'Pause').click();
  await buttonIn(page, 'Resume').waitFor();
  await new Promise((resolve) => setTimeout(resolve, 300)); // a frame in flight lands before the restart
  await buttonIn(page, 'Restart').click();
  await waitUntil(page, `${FRAME} === 0`);
}

/** Frame number `index` while holding `key` (paused: One frame); the canvas's hash afterwards. */
async function frameWithKey(page: Page, key: string, index = 1, timeoutMs = 15_000): Promise<string> {
  await page.keyboard.down(key);
  await buttonIn(page, 'One frame').click();
  await waitUntil(page, `${FRAME} === ${index}`, timeoutMs);
  await page.keyboard.up(key);
  return page.evaluate<string>(CANVAS_HASH);
}

/** The scene start and the frames the engine makes in Node (onnxruntime-node) from it with these actions. */
async function nodeFrames(actions: readonly string[]): Promise<{ start: Uint8Array; frames: Uint8Array[] }> {
  const model = await WorldModel.load(TINY_WORLD, { threads: 1 });
  try {
    const stepper = model.stepper({ seed: DEFAULT_SEED });
    const start = gameStart({ seed: DEFAULT_SEED, prompt: DEFAULT_PROMPT }, model.spec).frame;
    stepper.reset(start);
    const frames: Uint8Array[] = [];
    for (const action of actions) frames.push(await stepper.step(action));
    return { start, frames };
  } finally {
    await model.dispose();
  }
}

/** How far a frame from the page is from Node's: the largest difference (of 255 levels) and how many values differ. */
function frameDiff(browser: readonly number[], node: Uint8Array): { max: number; differing: number } {
  let max = 0;
  let differing = 0;
  for (let i = 0; i < node.length; i++) {
    const d = Math.abs(browser[i] - node[i]);
    if (d > max) max = d;
    if (d > 0) differing++;
  }
  return { max, differing };
}

describe('the world model over HTTP', () => {
  it('serves the configured world: manifest, its ONNX file and nothing else', async () => {
    const { app, key } = await startApp({ world: TINY_WORLD }, { listen: false });
    // Behind the API's keys like the rest of /v1.
    expect((await app.inject({ method: 'GET', url: '/v1/world' })).statusCode).toBe(401);
    const { headers } = key();
    const world = await app.inject({ method: 'GET', url: '/v1/world', headers });
    expect(world.statusCode).toBe(200);
    const body = world.json<{ object: string; id: string; manifest: { kind: string; sessions: { denoiser: string } }; files: { denoiser: string } }>();
    expect(body).toMatchObject({ object: 'world', manifest: { kind: 'world' } });
    expect(body.files.denoiser).toBe(`/v1/world/files/${body.manifest.sessions.denoiser}`);

    const file = await app.inject({ method: 'GET', url: body.files.denoiser, headers });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-type']).toBe('application/octet-stream');
    expect(file.rawPayload.equals(await readFile(join(TINY_WORLD, body.manifest.sessions.denoiser)))).toBe(true);
    const again = await app.inject({ method: 'GET', url: body.files.denoiser, headers: { ...headers, 'if-none-match': String(file.headers.etag) } });
    expect(again.statusCode).toBe(304);

    for (const url of ['/v1/world/files/manifest.json', '/v1/world/files/..%2F..%2Fpackage.json', '/v1/world/files/%2Fetc%2Fpasswd']) {
      const refused = await app.inject({ method: 'GET', url, headers });
      expect(refused.statusCode, url).toBe(404);
      expect(refused.json<{ error: { message: string } }>().error.message).toMatch(/has no file/);
    }
  });

  it('is in the OpenAPI document', async () => {
    const { app } = await startApp({ world: TINY_WORLD }, { listen: false });
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } }>();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/world', '/v1/world/files/{file}']));
    expect(doc.components.schemas).toHaveProperty('World');
    expect(JSON.stringify(doc)).not.toContain('/ort/');
  });

  it('says how to get a world model when the server has none', async () => {
    const { app } = await startApp({ world: 'no-such-world', auth: false }, { listen: false });
    const response = await app.inject({ method: 'GET', url: '/v1/world' });
    expect(response.statusCode).toBe(404);
    const { error } = response.json<{ error: { code: string; message: string } }>();
    expect(error.code).toBe('CINE_ERR_MODEL_NOT_FOUND');
    expect(error.message).toMatch(/no world model 'no-such-world'.*--world/);
    expect(error.message).not.toContain('/work'); // no server paths
  });

  it('serves onnxruntime-web’s runtime files, and isolates the studio page', async () => {
    const { app } = await startApp({ world: TINY_WORLD }, { listen: false });
    const wasm = await app.inject({ method: 'GET', url: `/ort/${ORT_VERSION}/ort-wasm-simd-threaded.wasm` });
    expect(wasm.statusCode).toBe(200);
    expect(wasm.headers['content-type']).toBe('application/wasm');
    expect(wasm.headers['cross-origin-embedder-policy']).toBe('require-corp');
    expect(wasm.rawPayload.subarray(0, 4).toString('latin1')).toBe('\0asm');
    const loader = await app.inject({ method: 'GET', url: `/ort/${ORT_VERSION}/ort-wasm-simd-threaded.mjs` });
    expect(loader.headers['content-type']).toMatch(/^text\/javascript/);
    // The WebGPU build's runtime (onnxruntime-web/webgpu loads the asyncify one).
    for (const file of ['ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm']) {
      expect((await app.inject({ method: 'GET', url: `/ort/${ORT_VERSION}/${file}` })).statusCode, file).toBe(200);
    }
    for (const url of ['/ort/0.0.1/ort-wasm-simd-threaded.wasm', `/ort/${ORT_VERSION}/ort.min.mjs`, `/ort/${ORT_VERSION}/..%2Fpackage.json`]) {
      expect((await app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }

    expect((await ensureStudioBuilt()).error).toBeUndefined();
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers).toMatchObject({ 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    expect(page.headers['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
  });
});

if (!HAS_CHROMIUM) console.warn('studio browser tests skipped: /usr/bin/chromium is missing (./setup.sh --dev installs it)');

describe.skipIf(!HAS_CHROMIUM)('the Play page in a browser', { timeout: 60_000 }, () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ server, browser, page, errors } = await openStudioPage(await tempDir('cinesim-play-'), { server: { world: TINY_WORLD }, viewport: VIEWPORT }));
  }, 120_000);

  afterAll(() => closeStudioPage({ browser, server }));

  const button = (name: string) => buttonIn(page, name);
  /** The whole page from its top (a full-page shot of a scrolled page repeats the sticky header mid-page). */
  const shot = async (name: string) => {
    await page.evaluate('window.scrollTo(0, 0)');
    return screenshot(page, name, { fullPage: true });
  };
  const text = async (selector: string) => (await page.locator(selector).textContent())?.trim() ?? '';

  it('loads the model into onnxruntime-web and renders frames, with a frame rate', async () => {
    await page.goto(`${server.url}/#/play`);
    await page.locator('#play-runtime', { hasText: 'WASM' }).waitFor({ timeout: 30_000 });
    // Cross-origin isolated, so WebAssembly runs on more than one thread where there are cores for it.
    expect(await page.evaluate<boolean>('crossOriginIsolated')).toBe(true);
    expect(await text('#play-runtime')).toMatch(/^WASM · \d+ threads?$/);
    // The picture and the frame it shows, read together: under load the page may be many frames in already.
    const [first, shownAt] = await page.evaluate<[string, number]>(`[${CANVAS_HASH}, ${FRAME} || 0]`);
    await waitUntil(page, `${FRAME} >= ${shownAt + 6}`, 20_000);
    expect(await page.evaluate<string>(CANVAS_HASH)).not.toBe(first);
    await waitUntil(page, `/^\\d+\\.\\d$/.test(document.querySelector('#play-fps').textContent)`);
    expect(Number(await text('#play-fps'))).toBeGreaterThan(0);
    expect(await text('#play-step')).toMatch(/^\d+ ms$/);
    expect(await page.evaluate<string>(`getComputedStyle(document.querySelector('#play-canvas')).imageRendering`)).toBe('pixelated');
    await shot('play-01-running');
  });

  it('keys drive the model: the same seed and key give the same frame, another key another frame', async () => {
    await pauseAtStart(page);
    const right = await frameWithKey(page, 'ArrowRight');
    await button('Restart').click();
    await waitUntil(page, `${FRAME} === 0`);
    const left = await frameWithKey(page, 'ArrowLeft');
    await button('Restart').click();
    await waitUntil(page, `${FRAME} === 0`);
    expect(await frameWithKey(page, 'KeyD')).toBe(right); // D is right, too
    expect(left).not.toBe(right);

    // Playing on: a key press is answered by a frame, and the latency readout shows it.
    await button('Resume').click();
    await page.keyboard.down('ArrowUp');
    await waitUntil(page, `/ms/.test(document.querySelector('#play-latency').textContent)`);
    await page.keyboard.up('ArrowUp');
    expect(await text('#play-latency')).toMatch(/^\d+ ms · p95 \d+ ms$/);
  });

  it('shows the frames the engine makes in Node from the same seed, scene and key', async () => {
    await pauseAtStart(page);
    const start = await page.evaluate<number[]>(CANVAS_RGB);
    await frameWithKey(page, 'ArrowRight');
    const browserFrame = await page.evaluate<number[]>(CANVAS_RGB);

    const node = await nodeFrames(['right']);
    expect(start).toEqual(Array.from(node.start)); // the same game, the same scene
    // onnxruntime-web's WebAssembly and onnxruntime-node round floats their own ways: a value may land
    // one step of 255 apart, no more.
    const { max, differing } = frameDiff(browserFrame, node.frames[0]);
    expect(max).toBeLessThanOrEqual(1);
    expect(differing).toBeLessThan(node.frames[0].length * 0.01);
  });

  it('the on-screen buttons hold their action like the keys', async () => {
    await pauseAtStart(page);
    const right = await frameWithKey(page, 'ArrowRight');
    await button('Restart').click();
    await waitUntil(page, `${FRAME} === 0`);
    const pad = page.locator('.touch-right');
    await pad.hover();
    await page.mouse.down();
    expect(await pad.getAttribute('aria-pressed')).toBe('true');
    // The mouse holds the button down; the keyboard asks for the frame.
    await button('One frame').focus();
    await page.keyboard.press('Enter');
    await waitUntil(page, `${FRAME} === 1`);
    expect(await page.evaluate<string>(CANVAS_HASH)).toBe(right);
    await page.mouse.up();
    expect(await pad.getAttribute('aria-pressed')).toBe('false');
  });

  it('reads events with the world’s parser: an unknown word shows its message, a known event is sent', async () => {
    await button('Resume').click();
    await page.fill('input[name=event]', 'a blue bal falls from the sky');
    await button('Make it happen').click();
    const alert = page.locator('.event-error');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/bal.*ball/);
    expect(await page.locator('input[name=event]').getAttribute('aria-invalid')).toBe('true');
    await shot('play-02-unknown-event');

    await page.getByRole('button', { name: 'night falls', exact: true }).click();
    expect(await page.inputValue('input[name=event]')).toBe('night falls');
    await button('Make it happen').click();
    await page.locator('.event-sent', { hasText: 'Now: night falls' }).waitFor();
    expect(await alert.count()).toBe(0);
    const frame = await page.evaluate<number>(FRAME);
    await waitUntil(page, `${FRAME} > ${frame + 2}`); // still playing
  });

  it('starts from a scene prompt (refusing unknown words) or from a dropped picture', async () => {
    await pauseAtStart(page);
    await page.fill('#play-prompt', 'a purple star on the oshen');
    await button('Start').click();
    await page.locator('.play-start [role=alert]', { hasText: 'oshen' }).waitFor();

    // Another scene: another start frame, the same one each time for the same seed.
    await page.fill('#play-prompt', 'a purple star at night');
    await button('Start').click();
    await waitUntil(page, `${FRAME} === 0`);
    const night = await page.evaluate<string>(CANVAS_HASH);
    await page.fill('.play-start input[type=number]', '8');
    await button('Start').click();
    await waitUntil(page, `(${CANVAS_HASH}) !== '${night}'`);
    await page.fill('.play-start input[type=number]', '7');
    await button('Start').click();
    await waitUntil(page, `(${CANVAS_HASH}) === '${night}'`);

    await page.locator('label.mode-option', { hasText: 'A picture' }).click();
    await page.evaluate(dropImage('start.png'));
    await page.locator('.drop-zone.filled').waitFor();
    await button('Start').click();
    await waitUntil(page, `${FRAME} === 0 && (${pixel(32, 32)})[0] > 200`);
    const [r, g, b] = await page.evaluate<number[]>(pixel(32, 32));
    expect([r, g, b]).toEqual([0xf5, 0xd5, 0x15]); // the picture's yellow square, as the first frame
    expect(await page.evaluate<number[]>(pixel(2, 2))).toEqual([0x10, 0x20, 0x40]);
    await button('Resume').click();
    await waitUntil(page, `${FRAME} >= 2`);
    await shot('play-03-from-picture');
  });

  it('speaks Chinese', async () => {
    await page.selectOption('#lang-select', 'zh');
    await page.getByRole('heading', { name: '游玩', exact: true }).waitFor();
    expect(await page.getByRole('link', { name: '游玩' }).getAttribute('aria-current')).toBe('page');
    expect(await page.locator('.touch-pad').textContent()).toContain('跳跃');
    await shot('play-04-chinese');
    await page.selectOption('#lang-select', 'en');
    await page.getByRole('heading', { name: 'Play', exact: true }).waitFor();
  });

  it('fits a phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('.touch-pad').waitFor();
    expect(await page.evaluate<boolean>('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    await shot('play-05-phone');
    await page.setViewportSize(VIEWPORT);
  });

  it('shows no errors in the page', () => {
    expect(errors).toEqual([]);
  });
});

describe.skipIf(!HAS_CHROMIUM)('the Play page without a world model', { timeout: 60_000 }, () => {
  it('says so, and how to get one', async () => {
    expect((await ensureStudioBuilt()).error).toBeUndefined();
    const server = await startStudioServer(await tempDir('cinesim-play-'), { world: 'no-such-world' });
    const browser = await launchBrowser();
    try {
      const page = await browser.context.newPage();
      await page.goto(`${server.url}/#/play`);
      const problem = page.locator('.play-problem');
      await problem.waitFor();
      expect(await problem.textContent()).toMatch(/No world model to play.*--world/);
    } finally {
      await browser.close();
      await server.close();
    }
  });
});

/**
 * WebGPU without a GPU: Chromium's SwiftShader adapter (WEBGPU_FLAGS). A software GPU on a shared CPU takes
 * one to three seconds a frame on the tiny model, so these tests step a few frames with long waits.
 */
const WEBGPU = HAS_CHROMIUM ? await webgpuAdapter() : { missing: '/usr/bin/chromium is missing' };
if (HAS_CHROMIUM && 'missing' in WEBGPU) {
  console.warn(`Play page WebGPU tests skipped: Chromium with ${WEBGPU_FLAGS.join(' ')} has no WebGPU adapter (${WEBGPU.missing})`);
}
/** A frame on SwiftShader, with room for a loaded machine. */
const GPU_FRAME_MS = 30_000;

describe.skipIf(!('adapter' in WEBGPU))('the Play page on WebGPU (SwiftShader, a software GPU)', { timeout: 120_000 }, () => {
  let server: StudioServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ server, browser, page, errors } = await openStudioPage(await tempDir('cinesim-play-gpu-'), {
      server: { world: TINY_WORLD },
      viewport: VIEWPORT,
      browser: { webgpu: true },
    }));
  }, 120_000);

  afterAll(() => closeStudioPage({ browser, server }));

  const button = (name: string) => buttonIn(page, name);

  it('runs the model on WebGPU: the page says so, and frames render', async () => {
    await page.goto(`${server.url}/#/play`);
    await page.locator('#play-runtime', { hasText: /WebGPU|WASM/ }).waitFor({ timeout: 60_000 });
    // Not the WebAssembly fallback (which would say why WebGPU did not run the model).
    expect(await page.locator('#play-gpu-problem').count()).toBe(0);
    expect((await page.locator('#play-runtime').textContent())?.trim()).toBe('WebGPU');
    const [first, shownAt] = await page.evaluate<[string, number]>(`[${CANVAS_HASH}, ${FRAME} || 0]`);
    await waitUntil(page, `${FRAME} >= ${shownAt + 2}`, 2 * GPU_FRAME_MS);
    expect(await page.evaluate<string>(CANVAS_HASH)).not.toBe(first);
    await waitUntil(page, `/^\\d+\\.\\d$/.test(document.querySelector('#play-fps').textContent)`, GPU_FRAME_MS);
    expect((await page.locator('#play-step').textContent())?.trim()).toMatch(/^\d+ ms$/);
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'play-06-webgpu', { fullPage: true });
  });

  it('keys drive the model: the same seed and key give the same frame, another key another frame', async () => {
    await pauseAtStart(page);
    const right = await frameWithKey(page, 'ArrowRight', 1, GPU_FRAME_MS);
    await button('Restart').click();
    await waitUntil(page, `${FRAME} === 0`);
    const left = await frameWithKey(page, 'ArrowLeft', 1, GPU_FRAME_MS);
    await button('Restart').click();
    await waitUntil(page, `${FRAME} === 0`);
    expect(await frameWithKey(page, 'KeyD', 1, GPU_FRAME_MS)).toBe(right);
    expect(left).not.toBe(right);

    // Playing on: a key press is answered by a frame, and the latency readout shows it.
    await button('Resume').click();
    await page.keyboard.down('ArrowUp');
    await waitUntil(page, `/ms/.test(document.querySelector('#play-latency').textContent)`, 2 * GPU_FRAME_MS);
    await page.keyboard.up('ArrowUp');
    expect((await page.locator('#play-latency').textContent())?.trim()).toMatch(/^\d+ ms · p95 \d+ ms$/);
  });

  it('shows the frames the engine makes in Node, within GPU float rounding', async () => {
    await pauseAtStart(page);
    const keys = ['ArrowRight', 'ArrowRight', 'ArrowUp'];
    const start = await page.evaluate<number[]>(CANVAS_RGB);
    const browserFrames: number[][] = [];
    for (const [i, key] of keys.entries()) {
      await frameWithKey(page, key, i + 1, GPU_FRAME_MS);
      browserFrames.push(await page.evaluate<number[]>(CANVAS_RGB));
    }
    const node = await nodeFrames(['right', 'right', 'up']);
    expect(start).toEqual(Array.from(node.start));
    // The GPU computes in its own order (convolution sums, sin/cos of the noise-level embedding 2·10⁻⁴ off),
    // so now and then a value rounds to the next of 255 levels, and that frame is the next one's context:
    // the differences grow slowly with the frames. Measured on SwiftShader: frames 1–3 at most 1 level
    // apart in 1, 19 and 44 of 12 288 values; 2 levels first at frame 6. Allowed: 2 levels, 1 % of values.
    // (A real fault is far outside this: with the provider's default NHWC layout 4 399 values were off, by
    // up to 212 levels, at frame 4; world.worker.ts.)
    for (const [i, frame] of browserFrames.entries()) {
      const { max, differing } = frameDiff(frame, node.frames[i]);
      expect(max, `frame ${i + 1}`).toBeLessThanOrEqual(2);
      expect(differing, `frame ${i + 1}`).toBeLessThan(node.frames[i].length * 0.01);
    }
  });

  it('shows no errors in the page', () => {
    expect(errors).toEqual([]);
  });
});
