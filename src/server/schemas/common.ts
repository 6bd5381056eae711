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

export const VideoIdParams = z.strictObject({
  video_id: z.string().regex(idPattern('video'), 'not a video id (video_ followed by 24 hex digits)'),
});

/** A number given as JSON or as a multipart form string ("4"). */
export const numberish = z.union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/, 'expected a number').transform(Number)]);
/** A whole number given as JSON or as a form string. */
export const integerish = z.union([z.number().int(), z.string().trim().regex(/^-?\d+$/, 'expected a whole number').transform(Number)]);

/** A yes/no given as JSON or as a form string ("true", "false", "1", "0"). */
export const booleanish = z.union([z.boolean(), z.enum(['true', 'false', '1', '0'], 'expected true or false').transform((v) => v === 'true' || v === '1')]);

/** The error responses every authenticated route can give, for the OpenAPI document. */
export const COMMON_ERRORS = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 429: ErrorBody, 500: ErrorBody } as const;
