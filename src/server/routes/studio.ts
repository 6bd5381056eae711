/**
 * The web studio at `/`: the files of its production build (web/dist), made by `cinesim serve` on start
 * (src/server/studio/build.ts). The studio is a client of the public API like any other; these routes
 * only hand out its static files. Asset names carry a content hash, so they are cached for good; the page
 * itself is revalidated, so a rebuild shows up on the next load.
 *
 * `/ort/<version>/<file>` serves onnxruntime-web's WebAssembly runtime (the Play page runs the world model
 * in the browser) from the installed package, so the large .wasm is neither bundled nor copied. The page
 * is cross-origin isolated (COOP + COEP), which multi-threaded WebAssembly needs (SharedArrayBuffer); every
 * file it loads is this server's own, so isolation costs the studio nothing.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { STUDIO_DIST, studioBuilding } from '../studio/build.ts';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Cross-origin isolation: the page (COOP + COEP) and every script or worker it loads (COEP, CORP). */
const ISOLATION = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
} as const;

/** The page talks only to this server; media it shows come as blob: URLs (fetched with the API key) or data: URIs (previews). */
const CSP = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "style-src 'self'",
  // 'wasm-unsafe-eval' lets WebAssembly compile (the Play page's onnxruntime-web), and nothing else.
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Built asset names: letters, digits, dots, dashes and underscores; nothing that could leave the folder. */
const ASSET_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export default async function studioRoutes(app: FastifyInstance, options: { dist?: string } = {}): Promise<void> {
  const dist = options.dist ?? STUDIO_DIST;

  const page = async (_request: unknown, reply: FastifyReply) => {
    const html = await readFile(join(dist, 'index.html'), 'utf8').catch(() => undefined);
    void reply.header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff');
    if (html === undefined) return reply.status(503).type(TYPES['.html']).send((await studioBuilding()) ? BUILDING : NOT_BUILT);
    return reply.header('content-security-policy', CSP).header('referrer-policy', 'no-referrer').headers(ISOLATION).type(TYPES['.html']).send(html);
  };
  app.get('/', { schema: { hide: true } }, page);
  app.get('/index.html', { schema: { hide: true } }, page);

  app.get<{ Params: { file: string } }>('/assets/:file', { schema: { hide: true } }, async (request, reply) => {
    const { file } = request.params;
    const type = TYPES[extname(file)];
    const path = join(dist, 'assets', file);
    if (!ASSET_NAME.test(file) || !type || !(await stat(path).then((s) => s.isFile(), () => false))) {
      return reply.callNotFound();
    }
    return reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      .header('x-content-type-options', 'nosniff')
      .headers(ISOLATION)
      .type(type)
      .send(await readFile(path));
  });

  const ort = onnxRuntimeWeb();
  app.get<{ Params: { version: string; file: string } }>('/ort/:version/:file', { schema: { hide: true } }, async (request, reply) => {
    const { version, file } = request.params;
    if (!ort || version !== ort.version || !ORT_FILE.test(file)) return reply.callNotFound();
    const path = join(ort.dir, file);
    const size = await stat(path).then((s) => (s.isFile() ? s.size : undefined), () => undefined);
    if (size === undefined) return reply.callNotFound();
    return reply
      .header('cache-control', 'public, max-age=31536000, immutable') // the version is in the path
      .header('x-content-type-options', 'nosniff')
      .header('content-length', size)
      .headers(ISOLATION)
      .type(file.endsWith('.wasm') ? 'application/wasm' : TYPES['.js'])
      .send(createReadStream(path));
  });
}

/** onnxruntime-web's runtime files: the WebAssembly builds (plain, JSEP, asyncify for WebGPU, JSPI) and their loaders. */
const ORT_FILE = /^ort-wasm-simd-threaded(\.jsep|\.asyncify|\.jspi)?\.(mjs|wasm)$/;

/** Where the installed onnxruntime-web keeps those files, and its version; undefined when it is not installed. */
function onnxRuntimeWeb(): { dir: string; version: string } | undefined {
  try {
    const dir = dirname(createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
    return { dir, version: (JSON.parse(readFileSync(join(dir, '..', 'package.json'), 'utf8')) as { version: string }).version };
  } catch {
    return undefined;
  }
}

const HEAD = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Cinesim Studio</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:.1rem .3rem}</style>`;

const BUILDING = `${HEAD}
<meta http-equiv="refresh" content="2">
</head><body>
<h1>The studio is being built…</h1>
<p>This takes a few seconds on the first start; the page reloads by itself.</p>
</body></html>`;

const NOT_BUILT = `${HEAD}
</head><body>
<h1>The studio is not built yet</h1>
<p><code>cinesim serve</code> builds it when it starts; this server could not (see its log).
Build it with <code>npx vite build --config web/vite.config.ts</code> and reload this page.</p>
<p>The API works meanwhile: <a href="/docs">/docs</a>.</p>
</body></html>`;
