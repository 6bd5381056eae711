/**
 * Debian's headless Chromium as the studio tests and the browser benchmark launch it. No vitest here, so
 * `bench/` can import it too.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * WebGPU without a GPU: Chromium's software adapter (SwiftShader's Vulkan, {vendor: google, architecture:
 * swiftshader}). --disable-gpu may stay: it turns off hardware acceleration, and this adapter is software.
 * navigator.gpu exists only in a secure context, which http://127.0.0.1 is (a data: URL is not).
 */
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];
