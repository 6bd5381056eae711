/** Service: what the video routes do (create, remix, cancel, delete, content, share), and their live streams. */
import { SseStreams } from '../http/sse.ts';
import { JobService } from '../jobs/service.ts';
import { definePlugin } from './define.ts';

declare module 'fastify' {
  interface FastifyInstance {
    jobs: JobService;
    streams: SseStreams;
  }
}

export default definePlugin('jobs', ['queue', 'models', 'storage', 'runner'], async (app) => {
  app.decorate(
    'jobs',
    new JobService({
      config: app.config,
      queue: app.queue,
      blobs: app.blobs,
      catalog: app.catalog,
      events: app.jobEvents,
      signer: app.signer,
      wake: () => app.scheduler.wake(),
      stopRunning: (id) => app.scheduler.stop(id),
    }),
  );
  const streams = new SseStreams();
  app.decorate('streams', streams);
  app.addHook('preClose', async () => streams.closeAll()); // open streams would keep the server from closing
});
