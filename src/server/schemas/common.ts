/** Schemas shared by every route: the error body, ids in paths, numbers that may arrive as form strings. */
import { z } from 'zod';
import { idPattern } from '../ids.ts';

export const ErrorBody = z
  .object({
    error: z.object({
      code: z.string().meta({ example: 'CINE_ERR_INVALID_ARGUMENT' }),
      message: z.string(),
      param: z.string().nullable(),
    }),
  })
  .meta({ id: 'Error' });

// Messages a schema writes itself are predicates that follow the field's name ("seconds must be a number"):
// zod-fastify.ts `issueMessage` puts the name before them and what was sent after.

/** A video id, in a path or a body. */
export const videoId = z.string().regex(idPattern('video'), 'must be a video id (video_ followed by 24 hex digits)');

export const VideoIdParams = z.strictObject({ video_id: videoId });

/** A number given as JSON or as a multipart form string ("4"). */
export const numberish = z.union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/).transform(Number)], { error: 'must be a number' });
/** A whole number given as JSON or as a form string. */
export const integerish = z.union([z.number().int(), z.string().trim().regex(/^-?\d+$/).transform(Number)], { error: 'must be a whole number' });

/** A yes/no given as JSON or as a form string ("true", "false", "1", "0"). */
export const booleanish = z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')], {
  error: 'must be true or false',
});

/** The error responses every authenticated route can give, for the OpenAPI document. */
export const COMMON_ERRORS = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 429: ErrorBody, 500: ErrorBody } as const;
