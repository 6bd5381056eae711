/**
 * /v1/prompts: checking a prompt while it is typed, and the words a model knows. The check gives the verdict
 * `POST /v1/videos` would give (the model's own tokenizer decides), plus where each unknown word sits in
 * the text, so an editor can underline it and offer the suggestions.
 */
import { z } from 'zod';

export const PromptRole = z.enum(['prompt', 'negative_prompt']);
export type PromptRole = z.output<typeof PromptRole>;

export const PromptCheckBody = z
  .strictObject({
    prompt: z.string().meta({ description: 'The text to check (a prompt or a negative prompt).' }),
    model: z.string().optional().meta({ description: 'A model id from GET /v1/models; default the server\'s default model.' }),
    role: PromptRole.default('prompt').meta({
      description: 'Which field of a create request the text is for: a `prompt` must describe something (an object, a motion, a background or a camera move); a `negative_prompt` only needs words the model knows.',
    }),
  })
  .meta({ id: 'PromptCheckRequest' });

export const UnknownWord = z.object({
  word: z.string().meta({ description: 'As the tokenizer reads it (lowercase, NFKC).' }),
  start: z.number().int().nullable().meta({ description: 'UTF-16 offset of the word in the prompt as sent; null when it cannot be placed.' }),
  end: z.number().int().nullable(),
  suggestions: z.array(z.string()).meta({ description: 'Close words the model knows, closest first.' }),
});

export const PromptObjectSpec = z.object({
  shape: z.string().optional(),
  color: z.string().optional(),
  size: z.string().optional(),
  texture: z.string().optional(),
  motion: z.string().optional(),
});

export const PromptCheck = z
  .object({
    object: z.literal('prompt_check'),
    model: z.string(),
    ok: z.boolean().meta({ description: 'Whether POST /v1/videos would accept this prompt.' }),
    error: z.object({ code: z.string(), message: z.string() }).nullable().meta({ description: 'Why not, as POST /v1/videos would say it.' }),
    unknown: z.array(UnknownWord),
    tokens: z.number().int().meta({ description: 'Tokens the prompt takes, <bos> included.' }),
    max_tokens: z.number().int(),
    spec: z
      .object({ objects: z.array(PromptObjectSpec), background: z.string().optional(), camera: z.string().optional() })
      .nullable()
      .meta({ description: 'What Shapes World reads in the prompt (colour, shape, motion, …); null when it reads nothing definite.' }),
    spec_warning: z.string().nullable().meta({ description: 'Why the prompt does not describe one clear scene, when it does not (the video is still made).' }),
  })
  .meta({ id: 'PromptCheck' });
export type PromptCheck = z.input<typeof PromptCheck>;

export const VocabularyQuery = z.object({
  model: z.string().optional(),
});

export const VocabularyValue = z.object({
  id: z.string(),
  en: z.string().meta({ description: 'The canonical English phrase, as captions write it.' }),
  zh: z.string().meta({ description: 'The canonical Chinese phrase.' }),
});

export const Vocabulary = z
  .object({
    object: z.literal('vocabulary'),
    model: z.string(),
    attributes: z.array(
      z.object({
        attribute: z.enum(['color', 'shape', 'size', 'texture', 'motion', 'camera', 'background']),
        values: z.array(VocabularyValue),
      }),
    ),
  })
  .meta({ id: 'Vocabulary' });
export type Vocabulary = z.input<typeof Vocabulary>;
