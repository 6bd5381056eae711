/** GET /v1/usage: the calling key's credits, limits and jobs. */
import { z } from 'zod';

export const Usage = z
  .object({
    object: z.literal('usage'),
    key: z.object({ id: z.string(), name: z.string() }),
    balance: z.number().nullable().meta({ description: 'Credits left; null = unmetered.' }),
    granted: z.number(),
    charged: z.number(),
    refunded: z.number(),
    seconds_generated: z.number().meta({ description: 'Seconds of output charged and not refunded.' }),
    credits_per_second: z.number(),
    rate_limit: z.number().int().nullable().meta({ description: 'Requests per minute; null = unlimited.' }),
    concurrency: z.number().int().nullable().meta({ description: 'Jobs running at once; null = unlimited.' }),
    videos: z.object({ queued: z.number(), in_progress: z.number(), completed: z.number(), failed: z.number(), cancelled: z.number() }),
  })
  .meta({ id: 'Usage' });
export type Usage = z.input<typeof Usage>;
