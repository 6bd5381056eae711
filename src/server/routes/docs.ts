/** /openapi.json (OpenAPI 3.1, generated from the route schemas) and /docs, a small page listing the endpoints. */
import type { FastifyInstance } from 'fastify';
import { cinesimVersion } from '../../media/metadata.ts';

const INFO = {
  title: 'Cinesim API',
  description: 'Self-hosted AI video generation. `/v1/videos` keeps the shape of OpenAI\'s Videos API. Errors are `{error: {code, message, param}}`.',
};

export default async function docsRoutes(app: FastifyInstance): Promise<void> {
  const document = () => app.openapi.document({ ...INFO, version: cinesimVersion() });
  let cached: Record<string, unknown> | undefined; // routes are fixed once the app is ready

  app.get('/openapi.json', { schema: { hide: true } }, async () => (cached ??= document()));

  app.get('/docs', { schema: { hide: true } }, async (_request, reply) => reply.type('text/html; charset=utf-8').send(page((cached ??= document()))));

  app.get('/healthz', { schema: { summary: 'Liveness', tags: ['service'], public: true } }, async () => ({
    status: 'ok',
    models: app.catalog.names(),
    running: app.scheduler.activeJobs.length,
  }));
}

interface Operation {
  summary?: string;
  description?: string;
  security?: unknown[];
}

function page(doc: Record<string, unknown>): string {
  const paths = doc.paths as Record<string, Record<string, Operation>>;
  const rows = Object.entries(paths)
    .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op })))
    .map(
      ({ path, method, op }) =>
        `<tr><td class="m ${method}">${method.toUpperCase()}</td><td><code>${escape(path)}</code>${op.security ? ' <small>(no key)</small>' : ''}</td>` +
        `<td>${escape(op.summary ?? '')}${op.description ? `<br><small>${escape(op.description)}</small>` : ''}</td></tr>`,
    )
    .join('\n');
  const info = doc.info as { title: string; version: string; description: string };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(info.title)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
table{border-collapse:collapse;width:100%}td{border-top:1px solid #ddd;padding:.4rem .5rem;vertical-align:top}
.m{font:600 12px monospace;width:4rem}.get{color:#06c}.post{color:#080}.delete{color:#c00}small{color:#666}
pre{background:#f5f5f5;padding:.8rem;overflow:auto}
</style></head><body>
<h1>${escape(info.title)} <small>${escape(info.version)}</small></h1>
<p>${escape(info.description)} The full description is <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<p>Authenticate with <code>Authorization: Bearer &lt;key&gt;</code>; create keys with <code>cinesim keys create</code>.</p>
<pre>curl -s $URL/v1/videos -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \\
  -d '{"prompt": "a small red ball bounces on green grass", "seconds": "2"}'</pre>
<table>${rows}</table>
</body></html>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
