/**
 * Service: the generation worker threads, the scheduler that feeds them from the queue, and the hub that
 * carries their live previews to watchers. Work starts when the app is ready and, on close, running jobs
 * get the shutdown grace time before being requeued.
 */
import { defaultThreadsPerWorker } from '../config.ts';
import { JobScheduler } from '../engine/scheduler.ts';
import { WorkerPool } from '../engine/worker-pool.ts';
import { PreviewHub } from '../jobs/previews.ts';
import { definePlugin } from './define.ts';

declare module 'fastify' {
  interface FastifyInstance {
    scheduler: JobScheduler;
    previews: PreviewHub;
  }
}

export default definePlugin('runner', ['queue', 'models', 'storage'], async (app) => {
  const { workers, threadsPerWorker } = app.config;
  const pool = new WorkerPool(workers, threadsPerWorker ?? defaultThreadsPerWorker(workers));
  const previews = new PreviewHub();
  const scheduler = new JobScheduler({
    config: app.config,
    queue: app.queue,
    pool,
    blobs: app.blobs,
    catalog: app.catalog,
    events: app.jobEvents,
    previews,
    log: app.log,
  });
  app.decorate('scheduler', scheduler);
  app.decorate('previews', previews);
  app.addHook('onReady', async () => scheduler.start());
  app.addHook('onClose', async () => {
    await scheduler.close();
    await pool.close();
  });
});
