/** /v1/shared/{id}/{variant}: downloads through signed, expiring links (no API key; the signature is the permission). */
import type { FastifyInstance } from 'fastify';
import { sendStoredFile } from '../http/send-file.ts';
import { ErrorBody } from '../schemas/common.ts';
import { SharedParams, SharedQuery } from '../schemas/videos.ts';
import type { ZodTypeProvider } from '../schemas/zod-fastify.ts';
import { z } from 'zod';

export default async function sharedRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  app.get(
    '/v1/shared/:video_id/:variant',
    {
      schema: {
        summary: 'Download through a share link',
        tags: ['videos'],
        public: true,
        params: SharedParams,
        querystring: SharedQuery,
        produces: ['video/mp4', 'image/webp', 'image/png', 'image/gif', 'application/zip', 'application/json'],
        response: { 200: z.file().describe('The file'), 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      const { video_id: id, variant } = request.params;
      app.signer.verify(id, variant, request.query.expires, request.query.signature);
      return sendStoredFile(request, reply, app.blobs, await app.jobs.contentById(id, variant), `${id}-${variant}`);
    },
  );
}
