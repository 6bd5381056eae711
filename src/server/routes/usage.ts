/** /v1/usage: the calling key's credits (granted, charged, refunded, left), limits and videos by status. */
import type { FastifyInstance } from 'fastify';
import { COMMON_ERRORS } from '../schemas/common.ts';
import { Usage } from '../schemas/usage.ts';
import type { ZodTypeProvider } from '../schemas/zod-fastify.ts';

export default async function usageRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get('/usage', { schema: { summary: 'Credits and limits of your API key', tags: ['account'], response: { 200: Usage, ...COMMON_ERRORS } } }, async (request) => {
    const { keyId, name, rateLimit, concurrency } = request.principal;
    const usage = app.ledger.usage(keyId);
    return {
      object: 'usage' as const,
      key: { id: keyId, name },
      balance: usage.balance,
      granted: usage.granted,
      charged: usage.charged,
      refunded: usage.refunded,
      seconds_generated: usage.seconds,
      credits_per_second: app.config.creditsPerSecond,
      rate_limit: rateLimit,
      concurrency,
      videos: app.queue.countByStatus(keyId),
    };
  });
}
