/** Service: webhook deliveries, written by the queue's final transitions and sent by a retrying loop. */
import { presentVideo } from '../jobs/present.ts';
import { WebhookDispatcher } from '../webhooks/dispatcher.ts';
import { definePlugin } from './define.ts';

declare module 'fastify' {
  interface FastifyInstance {
    webhooks: WebhookDispatcher;
  }
}

export default definePlugin('webhooks', ['db', 'accounts', 'queue'], async (app) => {
  const webhooks = new WebhookDispatcher({
    db: app.db,
    config: app.config.webhooks,
    policy: { allowPrivate: app.config.allowPrivateUrls },
    secretFor: (keyId) => app.keys.principal(keyId)?.webhookSecret,
    present: presentVideo,
    log: app.log,
  });
  app.queue.onTerminal(webhooks.enqueue);
  app.decorate('webhooks', webhooks);
  app.addHook('onReady', async () => webhooks.start());
  app.addHook('onClose', async () => webhooks.close());
});
