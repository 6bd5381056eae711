/**
 * The one place that listens: builds the app, listens, and shuts down gracefully on SIGINT/SIGTERM
 * (stop accepting, end event streams, let the running job finish within the grace time or requeue it,
 * close the database). A second signal exits at once; the queue makes that safe too (the job's lease
 * runs out and the next start picks it up).
 */
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app.ts';
import type { ServerConfigInput } from './config.ts';

export interface RunningServer {
  readonly app: FastifyInstance;
  /** http://host:port, with the port actually bound (for port 0). */
  readonly url: string;
  close(): Promise<void>;
}

export async function startServer(input: ServerConfigInput, options: { handleSignals?: boolean } = {}): Promise<RunningServer> {
  const app = await buildApp(input);
  const { host, port } = app.config;
  await app.listen({ host, port });
  const address = app.server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${bound}`;

  let closing: Promise<void> | undefined;
  const close = () => (closing ??= app.close());
  if (options.handleSignals) {
    const onSignal = (signal: NodeJS.Signals) => {
      if (closing) {
        app.log.warn(`${signal} again: exiting now`);
        process.exit(130);
      }
      app.log.info(`${signal}: shutting down (the running job gets ${app.config.queue.shutdownGraceMs} ms to finish)`);
      void close().then(() => process.exit(0));
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  return { app, url, close };
}
