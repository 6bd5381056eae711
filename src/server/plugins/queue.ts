/**
 * Service: the durable job queue (SQLite) with its change notifications, and the retention sweep that
 * deletes completed videos past their expiry.
 */
import { JobEvents } from '../jobs/events.ts';
import { SqliteJobQueue } from '../queue/sqlite-queue.ts';
import type { JobQueue } from '../queue/types.ts';
import { collectUnused } from '../storage/collect.ts';
import { definePlugin } from './define.ts';

declare module 'fastify' {
  interface FastifyInstance {
    queue: JobQueue;
    jobEvents: JobEvents;
  }
}

/** Expired videos are looked for at least this often (more often when the retention itself is short). */
const SWEEP_MS = 60_000;

export default definePlugin('queue', ['db', 'accounts', 'storage'], async (app) => {
  const queue = new SqliteJobQueue(app.db, app.ledger, { maxAttempts: app.config.queue.maxAttempts });
  const events = new JobEvents();
  app.decorate('queue', queue);
  app.decorate('jobEvents', events);

  if (app.config.retentionSeconds !== null) {
    const sweep = setInterval(() => {
      void (async () => {
        for (const id of queue.expired(100)) {
          await collectUnused(queue.remove(id), queue, app.blobs);
          events.notify(id);
        }
      })().catch((err: unknown) => app.log.error({ err }, 'retention sweep failed'));
    }, Math.min(SWEEP_MS, Math.max(250, (app.config.retentionSeconds * 1000) / 4)));
    app.addHook('onClose', async () => clearInterval(sweep));
  }
});
