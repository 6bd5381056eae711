/**
 * /v1/stories: a script in, one video out — the film of its shots, made in order and cut together (src/story);
 * /v1/stories/check says what that film would be and cost, without making it. Both take JSON, or
 * multipart/form-data with the same fields and the pictures the script's `image` shots open on
 * (`images[<path>]`), read as /v1/videos reads its uploads.
 */
import type { FastifyInstance } from 'fastify';
import { CinesimError, ERRORS } from '../../errors.ts';
import { idempotencyKey } from '../http/idempotency.ts';
import { acceptMultipart } from '../http/multipart.ts';
import { presentVideo } from '../jobs/present.ts';
import { COMMON_ERRORS, ErrorBody } from '../schemas/common.ts';
import { CreateStoryBody, StoryPlan, Video, type StoryRequest } from '../schemas/videos.ts';
import type { ZodTypeProvider } from '../schemas/zod-fastify.ts';

export default async function storyRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { bodyLimit } = acceptMultipart(fastify);
  const pictures =
    ' A script with `image` shots is sent as multipart/form-data: these fields as form fields, and one file part per picture named ' +
    '`images[<the path as the script writes it>]`; a picture not uploaded (in a remake: nor the earlier film\'s), or an upload no shot names, is a 400.';
  app.post(
    '/stories',
    {
      bodyLimit,
      schema: {
        summary: 'Make a film from a story script',
        description:
          'Checks the whole script first (a mistake is a 400 naming its line), charges the film\'s seconds, and queues one job that makes ' +
          'every shot in order (a `continue` shot opens on the frame before it) and cuts them together with their sound. The answer is a ' +
          'video (`mode: "story"`, `story.shots`), followed like any other; its spritesheet is the storyboard (the first frame of every shot).' +
          pictures,
        tags: ['videos'],
        multipart: true,
        body: CreateStoryBody,
        response: { 200: Video, ...COMMON_ERRORS, 402: ErrorBody, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody },
      },
    },
    async (request) => {
      const { job } = await app.jobs.createStory(request.principal, await withScriptText(request.body), { idempotencyKey: idempotencyKey(request) });
      return presentVideo(job);
    },
  );

  app.post(
    '/stories/check',
    {
      bodyLimit,
      schema: {
        summary: 'Check a story script',
        description:
          'Plans the script exactly as `POST /v1/stories` would (the same 400 for a mistake, naming its line; its pictures read and checked) and says what the film would be and cost. ' +
          'Nothing is charged, queued or stored.' +
          pictures,
        tags: ['videos'],
        multipart: true,
        body: CreateStoryBody,
        response: { 200: StoryPlan, ...COMMON_ERRORS, 413: ErrorBody, 415: ErrorBody },
      },
    },
    async (request) => app.jobs.checkStory(request.principal, await withScriptText(request.body)),
  );
}

/** The script given as a file part (`-F script=@story.txt`), read as UTF-8 text. */
async function withScriptText(body: CreateStoryBody): Promise<StoryRequest> {
  if (!(body.script instanceof File)) return { ...body, script: body.script };
  try {
    return { ...body, script: new TextDecoder('utf-8', { fatal: true }).decode(await body.script.arrayBuffer()) };
  } catch (cause) {
    throw new CinesimError(ERRORS.INPUT_UNREADABLE, 'script: the uploaded script is not UTF-8 text', { param: 'script', cause });
  }
}
