/** /v1/models: the served models with their modes, sizes, durations, defaults and price. */
import type { FastifyInstance } from 'fastify';
import { CinesimError, ERRORS } from '../../errors.ts';
import { MODE_NAMES } from '../jobs/plan.ts';
import type { ServedModel } from '../models/catalog.ts';
import { COMMON_ERRORS } from '../schemas/common.ts';
import { Model, ModelList, ModelParams } from '../schemas/models.ts';
import type { ZodTypeProvider } from '../schemas/zod-fastify.ts';

export default async function modelRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const created = Math.floor(Date.now() / 1000);
  const present = (m: ServedModel): Model => {
    const size = (w: number, h: number) => `${w}x${h}`;
    const [dw, dh] = m.manifest.formats.defaultSize;
    return {
      id: m.name,
      object: 'model',
      created,
      owned_by: 'cinesim',
      description: m.manifest.description ?? null,
      default: m.name === app.catalog.defaultName,
      modes: m.modes.map((mode) => MODE_NAMES[mode]),
      sizes: m.sizes.map((s) => size(s.width, s.height)),
      default_size: size(dw, dh),
      fps: m.manifest.formats.fps,
      seconds: m.durations.map(String),
      default_seconds: String(m.defaultSeconds),
      defaults: { ...m.manifest.sampling },
      max_prompt_tokens: m.manifest.tokenizer.maxTokens - 1, // <bos> takes one
      credits_per_second: app.config.creditsPerSecond,
    };
  };

  app.get('/models', { schema: { summary: 'List models', tags: ['models'], response: { 200: ModelList, ...COMMON_ERRORS } } }, async () => ({
    object: 'list' as const,
    data: app.catalog.list().map(present),
  }));

  app.get(
    '/models/:model',
    { schema: { summary: 'Retrieve a model', tags: ['models'], params: ModelParams, response: { 200: Model, ...COMMON_ERRORS } } },
    async (request) => {
      if (!app.catalog.has(request.params.model)) {
        throw new CinesimError(ERRORS.NOT_FOUND, `no model '${request.params.model}'; this server has: ${app.catalog.names().join(', ')}`, { param: 'model' });
      }
      return present(app.catalog.get(request.params.model));
    },
  );
}
