/** /v1/prompts: live prompt checking for editors, and the words a model knows (for hints). */
import type { FastifyInstance } from 'fastify';
import { checkPrompt, modelVocabulary } from '../jobs/prompt-check.ts';
import { COMMON_ERRORS } from '../schemas/common.ts';
import { PromptCheck, PromptCheckBody, Vocabulary, VocabularyQuery } from '../schemas/prompts.ts';
import type { ZodTypeProvider } from '../schemas/zod-fastify.ts';

const tags = ['prompts'];

export default async function promptRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  app.post(
    '/prompts/check',
    {
      schema: {
        summary: 'Check a prompt',
        description:
          'Says whether POST /v1/videos would accept the prompt, where each unknown word is (with suggestions), and what the prompt describes. A rejected prompt is a 200 with `ok: false`.',
        tags,
        body: PromptCheckBody,
        response: { 200: PromptCheck, ...COMMON_ERRORS },
      },
    },
    async (request) => checkPrompt(app.catalog.get(request.body.model), request.body.prompt, app.config.limits.maxPromptChars, request.body.role),
  );

  app.get(
    '/prompts/vocabulary',
    {
      schema: {
        summary: 'The words a model knows',
        description: 'Every colour, shape, size, texture, motion, camera move and background, with its canonical English and Chinese phrase.',
        tags,
        querystring: VocabularyQuery,
        response: { 200: Vocabulary, ...COMMON_ERRORS },
      },
    },
    async (request) => modelVocabulary(app.catalog.get(request.query.model)),
  );
}
