/**
 * The /v1/videos request and response shapes. They keep the shape of OpenAI's Videos API (`id`,
 * `object: "video"`, `status`, `progress`, `seconds` as a string, `size` as "WxH", `error`,
 * `remixed_from_video_id`, list pages with `data` / `has_more` / `last_id`, `after` cursors), so the
 * official `openai` client works against Cinesim; Cinesim's own fields (seed, steps, guidance, negative
 * prompt, fps, keyframes, callback_url, …) sit beside them.
 */
import { z } from 'zod';
import { booleanish, integerish, numberish, videoId } from './common.ts';
import { MAX_IDEMPOTENCY_KEY } from '../http/idempotency.ts';
import { fieldWords } from './zod-fastify.ts';

const Sampler = z.enum(['euler', 'heun']);

/** An image given as an upload, a URL or data URI, or a frame of an earlier video. */
export const ImageInput = z.union(
  [
    z.file().meta({ description: 'An uploaded PNG, JPEG or WebP (multipart/form-data).' }),
    z.string().min(1).meta({ description: 'An http(s) URL or a data: URI of a PNG, JPEG or WebP.' }),
    z.strictObject({ image_url: z.string().min(1) }).meta({ description: 'OpenAI style: a URL or data: URI.' }),
    z.strictObject({ file_id: z.string() }).meta({ description: 'OpenAI style file reference (not supported: upload the file instead).' }),
    z
      .strictObject({ video_id: videoId, frame: z.enum(['first', 'last']).default('last') })
      .meta({ description: 'A frame of an earlier video of yours (default its last frame, for continuing a shot).' }),
  ],
  { error: 'must be an uploaded file, a URL or data: URI, {image_url}, or {video_id, frame}' },
);
export type ImageInput = z.output<typeof ImageInput>;

export const Keyframe = z.strictObject({
  role: z.enum(['first', 'last']),
  image: ImageInput,
});

const generationFields = {
  prompt: z
    .string()
    .meta({ description: 'What to show, in English or Chinese (the model\'s vocabulary).' })
    .register(fieldWords, { what: "a description in the model's words" }),
  negative_prompt: z.string().optional().meta({ description: 'What to steer away from (used when guidance ≠ 1).' }),
  model: z.string().optional().meta({ description: 'A model id from GET /v1/models; default the server\'s default model.' }),
  seconds: numberish.optional().meta({ description: 'Clip length in seconds, one of the model\'s durations (GET /v1/models).' }),
  size: z.string().optional().meta({ description: 'WIDTHxHEIGHT, one of the model\'s sizes (GET /v1/models).', example: '64x64' }),
  fps: integerish.optional(),
  seed: integerish.optional().meta({ description: 'Noise seed in [0, 2^32); default random, reported in the video.' }),
  steps: integerish.optional(),
  guidance: numberish.optional().meta({ description: 'Classifier-free guidance scale; 1 = off.' }),
  shift: numberish.optional(),
  sampler: Sampler.optional(),
  audio: booleanish.optional().meta({ description: 'A soundtrack heard from the frames (impacts, whooshes, an ambient bed), muxed into the MP4; default true.' }),
  callback_url: z.string().optional().meta({ description: 'Receives a signed POST (Standard Webhooks) when the video finishes.' }),
};

export const CreateVideoBody = z
  .strictObject({
    ...generationFields,
    input_reference: ImageInput.optional().meta({ description: 'OpenAI style: the first frame (image-to-video).' }),
    keyframes: z.array(Keyframe).max(2).optional().meta({ description: 'Images with roles: first (image-to-video), first + last.' }),
    extend_video_id: videoId.optional().meta({ description: 'Continue an earlier video: its last frames open the new clip.' }),
  })
  .meta({ id: 'CreateVideo' });
export type CreateVideoBody = z.output<typeof CreateVideoBody>;

/** POST /v1/stories: a script (docs/STORY.md) and the settings every shot shares. */
export const CreateStoryBody = z
  .strictObject({
    script: z
      .union([
        z.string().meta({
          description: 'The story script: optional title and seed, a cast (`Name: description`), then shots (`- 2s: Ruby bounces on green grass`, `- 2s continue: …`, `- 2s image board/04.png: …`).',
          example: 'title: Ruby\ncast:\n  Ruby: a small red striped ball\nshots:\n  - 2s: Ruby bounces on green grass\n  - 2s continue: Ruby moves left on green grass',
        }),
        z.file().meta({ description: 'In multipart/form-data, the script may also be a file part (UTF-8 text): `-F script=@story.txt`.' }),
      ])
      .register(fieldWords, { what: 'a story script: a cast, then its shots, as docs/STORY.md describes' }),
    negative_prompt: generationFields.negative_prompt,
    model: generationFields.model,
    size: generationFields.size,
    fps: generationFields.fps,
    seed: integerish.optional().meta({ description: 'The story seed (each shot\'s seed derives from it) when the script has no `seed:` line; default random.' }),
    steps: generationFields.steps,
    guidance: generationFields.guidance,
    shift: generationFields.shift,
    sampler: generationFields.sampler,
    audio: generationFields.audio,
    callback_url: generationFields.callback_url,
    images: z
      .record(z.string(), z.file())
      .optional()
      .meta({
        description:
          'The pictures the script\'s `image` shots open on (multipart/form-data only): one file part per path, named `images[<the path as the script writes it>]`, ' +
          'e.g. `images[board/04.png]`. Every image shot needs its upload (in a remake, a path not uploaded is the earlier film\'s picture for it), and every upload a shot ' +
          'that names it. Each is fitted (cover) to the film\'s frame.',
      }),
    reuse_video_id: videoId.optional().meta({
      description:
        'A remake: an earlier film of this script (yours, completed). Its shots that the edited script leaves unchanged (text, length, seed, ' +
        'settings, its picture, and for a `continue` shot the shot before it) are taken from it, not made or charged again; its seed is the default story seed; ' +
        'a picture the request does not upload is its picture for that path.',
    }),
  })
  .meta({ id: 'CreateStory' });
export type CreateStoryBody = z.output<typeof CreateStoryBody>;
/** A story request as the service takes it: a script given as a file part already read as text. */
export type StoryRequest = Omit<CreateStoryBody, 'script'> & { readonly script: string };

/** POST /v1/videos/extensions, as OpenAI's `videos.extend`. */
export const ExtendVideoBody = z.strictObject({
  ...generationFields,
  video: z.union([z.strictObject({ id: videoId }), z.file()], { error: 'must be {id} of a completed video' }),
});
export type ExtendVideoBody = z.output<typeof ExtendVideoBody>;

export const RemixVideoBody = z.strictObject({
  prompt: generationFields.prompt,
  callback_url: z.string().optional(),
});

export const ListVideosQuery = z.strictObject({
  after: videoId.optional(),
  limit: integerish.pipe(z.number().int().min(1).max(100)).default(20),
  order: z.enum(['asc', 'desc']).default('desc'),
  /** Only the video created under this `Idempotency-Key` (none or one): what a create with it would be answered with. */
  idempotency_key: z.string().min(1).max(MAX_IDEMPOTENCY_KEY).optional(),
});

export const VARIANTS = ['video', 'thumbnail', 'spritesheet', 'metadata', 'gif', 'webp', 'frames'] as const;
export type Variant = (typeof VARIANTS)[number];

export const ContentQuery = z.strictObject({
  variant: z.enum(VARIANTS).default('video'),
});

export const EventsQuery = z.object({
  previews: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional()
    .meta({ description: 'Also send `event: preview` while the video renders: a strip of its frames so far (WebP data URI), every few steps.' }),
});

export const ShareBody = z.strictObject({
  variant: z.enum(VARIANTS).default('video'),
  expires_in: z.number().int().positive().register(fieldWords, { unit: 'seconds' }).optional().meta({ description: 'Seconds the link stays valid.' }),
});

export const SharedParams = z.strictObject({
  video_id: videoId,
  variant: z.enum(VARIANTS),
});

export const SharedQuery = z.strictObject({
  expires: integerish,
  signature: z.string().max(128),
});

export const VideoStatus = z.enum(['queued', 'in_progress', 'completed', 'failed', 'cancelled']);
export const VideoMode = z.enum(['text-to-video', 'image-to-video', 'first-last-frame', 'extend', 'story']);

export const StoryShot = z.object({
  index: z.number().int(),
  text: z.string().meta({ description: 'The shot as the script says it.' }),
  prompt: z.string().meta({ description: 'What the model was asked: the text with each character\'s description in place of its name.' }),
  seconds: z.number(),
  transition: z.enum(['cut', 'continue']),
  seed: z.number().int(),
  image: z.string().optional().meta({ description: 'The picture the shot opens on, as the script names it (its upload `images[<path>]`).' }),
  reused: z.boolean().meta({ description: 'Taken unchanged from the film given as `reuse_video_id`: not made again, not charged.' }),
});
export type StoryShot = z.input<typeof StoryShot>;

export const Video = z
  .object({
    id: z.string(),
    object: z.literal('video'),
    status: VideoStatus,
    progress: z.number().int().min(0).max(100),
    created_at: z.number().int().meta({ description: 'Unix seconds.' }),
    completed_at: z.number().int().nullable(),
    expires_at: z.number().int().nullable(),
    model: z.string(),
    prompt: z.string().nullable(),
    seconds: z.string(),
    size: z.string(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    remixed_from_video_id: z.string().nullable(),
    // Cinesim's fields
    negative_prompt: z.string(),
    seed: z.number().int(),
    steps: z.number().int(),
    guidance: z.number(),
    shift: z.number(),
    sampler: Sampler,
    fps: z.number(),
    frames: z.number().int(),
    audio: z.boolean().meta({ description: 'Whether the MP4 carries a soundtrack heard from its frames.' }),
    mode: VideoMode,
    inputs: z.array(z.object({ role: z.string(), source: z.string() })),
    cost: z.number().meta({ description: 'Credits charged (refunded when the video fails or is cancelled).' }),
    attempts: z.number().int(),
    started_at: z.number().int().nullable(),
    story: z
      .object({ title: z.string(), shots: z.array(StoryShot) })
      .nullable()
      .meta({ description: 'A film made from a story (POST /v1/stories): its shots in order; null for other videos.' }),
  })
  .meta({ id: 'Video' });
export type Video = z.input<typeof Video>;

/** POST /v1/stories/check: what POST /v1/stories would make, and charge, for a script. */
export const StoryPlan = z
  .object({
    object: z.literal('story.plan'),
    model: z.string(),
    title: z.string(),
    seed: z.number().int(),
    seconds: z.number().meta({ description: 'Seconds of film (what is charged).' }),
    frames: z.number().int(),
    cost: z.number().meta({ description: 'Credits the film would be charged.' }),
    shots: z.array(StoryShot),
  })
  .meta({ id: 'StoryPlan' });
export type StoryPlan = z.input<typeof StoryPlan>;

export const VideoList = z
  .object({
    object: z.literal('list'),
    data: z.array(Video),
    has_more: z.boolean(),
    first_id: z.string().nullable(),
    last_id: z.string().nullable(),
  })
  .meta({ id: 'VideoList' });
export type VideoList = z.input<typeof VideoList>;

export const DeletedVideo = z.object({ id: z.string(), object: z.literal('video.deleted'), deleted: z.literal(true) }).meta({ id: 'DeletedVideo' });

export const ShareLinkBody = z
  .object({ object: z.literal('video.share_link'), url: z.string(), variant: z.enum(VARIANTS), expires_at: z.number().int() })
  .meta({ id: 'ShareLink' });
export type ShareLinkBody = z.input<typeof ShareLinkBody>;
