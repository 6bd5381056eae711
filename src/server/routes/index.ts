/**
 * The route tree: public routes (docs, health, share links) at the root, and the /v1 API in its own
 * scope behind authentication and rate limiting.
 */
import type { FastifyInstance } from 'fastify';
import { authenticate } from '../http/auth.ts';
import docsRoutes from './docs.ts';
import modelRoutes from './models.ts';
import promptRoutes from './prompts.ts';
import sharedRoutes from './shared.ts';
import storyRoutes from './stories.ts';
import usageRoutes from './usage.ts';
import videoRoutes from './videos.ts';
import worldRoutes from './world.ts';

export default async function routes(app: FastifyInstance): Promise<void> {
  await app.register(docsRoutes);
  await app.register(sharedRoutes);
  await app.register(
    async (v1) => {
      v1.addHook('onRequest', authenticate(v1));
      await v1.register(videoRoutes);
      await v1.register(storyRoutes);
      await v1.register(modelRoutes);
      await v1.register(usageRoutes);
      await v1.register(promptRoutes);
      await v1.register(worldRoutes);
    },
    { prefix: '/v1' },
  );
}
