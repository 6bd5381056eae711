/** GET /v1/models: what each served model can make, so clients can offer valid choices (and prices) up front. */
import { z } from 'zod';
import { VideoMode } from './videos.ts';

export const Model = z
  .object({
    id: z.string(),
    object: z.literal('model'),
    created: z.number().int(),
    owned_by: z.string(),
    description: z.string().nullable(),
    default: z.boolean(),
    modes: z.array(VideoMode),
    sizes: z.array(z.string()).meta({ description: 'Allowed `size` values, WIDTHxHEIGHT.' }),
    default_size: z.string(),
    fps: z.number(),
    seconds: z.array(z.string()).meta({ description: 'Allowed `seconds` values at the model\'s fps.' }),
    default_seconds: z.string(),
    defaults: z.object({ steps: z.number().int(), guidance: z.number(), shift: z.number(), sampler: z.string() }),
    max_prompt_tokens: z.number().int(),
    credits_per_second: z.number(),
  })
  .meta({ id: 'Model' });
export type Model = z.input<typeof Model>;

export const ModelList = z.object({ object: z.literal('list'), data: z.array(Model) }).meta({ id: 'ModelList' });

export const ModelParams = z.strictObject({ model: z.string().max(200) });
