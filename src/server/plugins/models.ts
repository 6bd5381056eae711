/** Service: the table of served models (manifests and tokenizers; sessions load in the workers). */
import { ModelCatalog } from '../models/catalog.ts';
import { definePlugin } from './define.ts';

declare module 'fastify' {
  interface FastifyInstance {
    catalog: ModelCatalog;
  }
}

export default definePlugin('models', [], async (app) => {
  const { models, defaultModel, limits } = app.config;
  app.decorate('catalog', await ModelCatalog.load({ models, defaultModel, maxSeconds: limits.maxSeconds }));
});
