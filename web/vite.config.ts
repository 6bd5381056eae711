/**
 * The studio's build: React with Vite's built-in esbuild JSX transform (no plugin needed), output in
 * web/dist, which `cinesim serve` builds on start (src/server/studio/build.ts) and serves at `/`.
 * `npx vite --config web/vite.config.ts` runs a dev server that proxies the API to a local `cinesim serve`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // One small app: a single JS file and a single CSS file.
    chunkSizeWarningLimit: 400,
    reportCompressedSize: false,
  },
  server: {
    proxy: { '/v1': process.env.CINESIM_URL ?? 'http://127.0.0.1:8787' },
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
  },
});
