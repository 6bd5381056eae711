/**
 * `buildApp(config)`: the whole service as a Fastify instance, without listening (tests drive it with
 * `inject()` or listen on an ephemeral port; `startServer` in ./server.ts is the only process entry).
 *
 * Plugins, in order: external (the database), services (accounts, storage, models, queue, webhooks,
 * the generation runner, the jobs service), routes. Services decorate the instance and declare what they
 * depend on; each closes its own resources on close. There is no module-level state: two apps on two
 * data folders run side by side in one process.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { resolveServerConfig, type ServerConfig, type ServerConfigInput } from './config.ts';
import { errorHandler, notFoundHandler } from './http/errors.ts';
import { OpenApiCollector } from './http/openapi.ts';
import accounts from './plugins/accounts.ts';
import database from './plugins/database.ts';
import jobs from './plugins/jobs.ts';
import models from './plugins/models.ts';
import queue from './plugins/queue.ts';
import runner from './plugins/runner.ts';
import storage from './plugins/storage.ts';
import webhooks from './plugins/webhooks.ts';
import routes from './routes/index.ts';
import studioRoutes from './routes/studio.ts';
import { jsonSerializerCompiler, zodValidatorCompiler } from './schemas/zod-fastify.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: ServerConfig;
    openapi: OpenApiCollector;
  }
}

export async function buildApp(input: ServerConfigInput = {}): Promise<FastifyInstance> {
  const config = resolveServerConfig(input);
  const app = Fastify({
    logger: config.logLevel === 'silent' ? false : { level: config.logLevel, stream: process.stderr },
    logController: new LogController({ disableRequestLogging: true }),
    // JSON bodies stay small; the create routes raise their own limit for inline images.
    bodyLimit: 1024 * 1024,
    return503OnClosing: true,
    requestTimeout: 120_000,
    // Keep-alive connections of idle clients are closed on shutdown; open event streams are ended by the jobs plugin.
    forceCloseConnections: 'idle',
  });
  app.decorate('config', config);
  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(jsonSerializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  app.removeContentTypeParser('text/plain'); // a JSON API: plain text is a 415, not a string body

  const openapi = new OpenApiCollector();
  app.decorate('openapi', openapi);
  app.addHook('onRoute', openapi.onRoute);

  // external
  await app.register(database);
  // services
  await app.register(accounts);
  await app.register(storage);
  await app.register(models);
  await app.register(queue);
  await app.register(webhooks);
  await app.register(runner);
  await app.register(jobs);
  // routes
  await app.register(routes);
  await app.register(studioRoutes); // the web studio's built files at /
  return app;
}
