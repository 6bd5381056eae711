/**
 * The studio's build: React with Vite's built-in esbuild JSX transform (no plugin needed), output in
 * web/dist, which `cinesim serve` builds on start (src/server/studio/build.ts) and serves at `/`.
 * `npx vite --config web/vite.config.ts` runs a dev server that proxies the API to a local `cinesim serve`.
 *
 * The Play page loads on demand (its own chunk) and runs the world model in a module worker with
 * onnxruntime-web. ORT is resolved with its `onnxruntime-web-use-extern-wasm` condition: its builds that
 * load the WebAssembly runtime at run time from `ort.env.wasm.wasmPaths` (the server's `/ort/<version>/`),
 * instead of the bundling builds that would make Vite copy a 14–28 MB .wasm into every build.
 */
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  esbuild: { jsx: 'automatic' },
  resolve: { conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions] },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The app in one JS and one CSS file, the Play page and its worker in their own chunks.
    chunkSizeWarningLimit: 400,
    reportCompressedSize: false,
  },
  server: {
    // The API and onnxruntime-web's runtime files come from `cinesim serve`; the page is cross-origin
    // isolated as the server's is (multi-threaded WebAssembly).
    proxy: { '/v1': process.env.CINESIM_URL ?? 'http://127.0.0.1:8787', '/ort': process.env.CINESIM_URL ?? 'http://127.0.0.1:8787' },
    headers: { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' },
    fs: { allow: [fileURLToPath(new URL('..', import.meta.url))] },
  },
});
