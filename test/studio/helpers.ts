/**
 * Shared by the studio tests: a real server on the tiny model (on a loopback port, restartable on the
 * same data folder and port), the studio's production build, a fresh headless Debian Chromium driven by
 * playwright-core (optionally with WebGPU on SwiftShader, a software GPU), and screenshots saved as test
 * artefacts (test-artifacts/studio/*.png).
 */
import { createServer } from 'node:http';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { buildApp, type ServerConfigInput } from '../../src/server/index.ts';
import { ensureStudioBuilt } from '../../src/server/studio/build.ts';
import { ROOT, testConfig } from '../server/helpers.ts';
import { CHROMIUM, CHROMIUM_FLAGS, HAS_CHROMIUM, WEBGPU_FLAGS } from './chromium.ts';

export { CHROMIUM, HAS_CHROMIUM, WEBGPU_FLAGS } from './chromium.ts';

export const ARTIFACTS = join(ROOT, 'test-artifacts', 'studio');

export interface StudioServer {
  readonly app: FastifyInstance;
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The API and the studio on the tiny model, listening on 127.0.0.1 (`port` 0: any free port). */
export async function startStudioServer(dataDir: string, overrides: ServerConfigInput = {}, port = 0): Promise<StudioServer> {
  const app = await buildApp(testConfig(dataDir, { auth: false, ...overrides }));
  await app.listen({ host: '127.0.0.1', port });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  let closed: Promise<void> | undefined;
  return { app, url: `http://127.0.0.1:${bound}`, port: bound, close: () => (closed ??= app.close()) };
}

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export interface BrowserOptions {
  /** WebGPU on SwiftShader (WEBGPU_FLAGS); off by default. */
  readonly webgpu?: boolean;
}

/** Debian's Chromium, headless, with a fresh profile (its own --user-data-dir) that is deleted afterwards. */
export async function launchBrowser(viewport = { width: 1366, height: 768 }, options: BrowserOptions = {}): Promise<Browser> {
  const profile = await mkdtemp(join(tmpdir(), 'cinesim-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: options.webgpu ? [...CHROMIUM_FLAGS, ...WEBGPU_FLAGS] : CHROMIUM_FLAGS,
    viewport,
    locale: 'en-US',
    timeout: 30_000,
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/**
 * The WebGPU adapter Chromium offers with WEBGPU_FLAGS ("google swiftshader"), or why there is none: a
 * blank page on a loopback server asks navigator.gpu for one.
 */
export async function webgpuAdapter(): Promise<{ adapter: string } | { missing: string }> {
  if (!HAS_CHROMIUM) return { missing: `${CHROMIUM} is missing` };
  const server = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>gpu</title>'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const browser = await launchBrowser(undefined, { webgpu: true });
  try {
    const page = await browser.context.newPage();
    await page.goto(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/`);
    const found = await page.evaluate<string>(`(async () => {
      if (!navigator.gpu) return 'missing: navigator.gpu is undefined';
      const adapter = await navigator.gpu.requestAdapter();
      return adapter ? 'adapter: ' + adapter.info.vendor + ' ' + adapter.info.architecture : 'missing: requestAdapter() gave none';
    })()`);
    return found.startsWith('adapter: ') ? { adapter: found.slice('adapter: '.length) } : { missing: found.slice('missing: '.length) };
  } finally {
    await browser.close();
    server.close();
  }
}

/** What a browser test block opens: the studio on a server, a fresh browser, one page and its errors. */
export interface StudioPage {
  readonly server: StudioServer;
  readonly browser: Browser;
  readonly page: Page;
  readonly errors: string[];
}

/**
 * The studio built (the production build, made once), a server on `dataDir`, a fresh Chromium and one page
 * whose errors are collected; `closeStudioPage` ends them. For a describe block's beforeAll / afterAll.
 */
export async function openStudioPage(
  dataDir: string,
  options: { server?: ServerConfigInput; viewport?: { width: number; height: number }; browser?: BrowserOptions } = {},
): Promise<StudioPage> {
  const build = await ensureStudioBuilt();
  if (build.error) throw new Error(`the studio did not build: ${build.error}`);
  const server = await startStudioServer(dataDir, options.server);
  const browser = await launchBrowser(options.viewport, options.browser);
  const page = await browser.context.newPage();
  return { server, browser, page, errors: watchErrors(page) };
}

export async function closeStudioPage(opened: Partial<StudioPage> | undefined): Promise<void> {
  await opened?.browser?.close();
  await opened?.server?.close();
}

/**
 * Collects errors in the page: uncaught exceptions and console errors. Chromium also logs every non-2xx
 * response as a console error; those are the API answering (401 before a key is given, 400 for a bad
 * prompt) and are checked where they matter, so they are left out.
 */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(`console: ${m.text()}`);
  });
  return errors;
}

/**
 * Polls an expression in the page until it is truthy. (Playwright's waitForFunction evaluates strings
 * with eval inside the page, which the studio's Content-Security-Policy forbids, as it should.)
 */
export async function waitUntil(page: Page, expression: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate<boolean>(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting in the page for: ${expression}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? false, animations: 'disabled' });
  return path;
}

/** A page script that drops a 64x64 PNG (a yellow square on dark blue, drawn on a canvas) onto the image drop zone. */
export function dropImage(fileName: string): string {
  return `(async () => {
  const canvas = document.createElement('canvas');
  canvas.width = 64;
  canvas.height = 64;
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#102040';
  ctx.fillRect(0, 0, 64, 64);
  ctx.fillStyle = '#f5d515';
  ctx.fillRect(24, 24, 16, 16);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/png'));
  const transfer = new DataTransfer();
  transfer.items.add(new File([blob], ${JSON.stringify(fileName)}, { type: 'image/png' }));
  document.querySelector('.drop-zone').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
})()`;
}
