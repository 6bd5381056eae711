/** /v1/videos: create (JSON or multipart), list, retrieve, delete, cancel, remix, extend, content, live events, share. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CinesimError, ERRORS } from '../../errors.ts';
import { idempotencyKey } from '../http/idempotency.ts';
import { acceptMultipart } from '../http/multipart.ts';
import { sendStoredFile } from '../http/send-file.ts';
import { presentVideo } from '../jobs/present.ts';
import { TERMINAL_STATUSES } from '../queue/types.ts';
import { COMMON_ERRORS, ErrorBody, VideoIdParams } from '../schemas/common.ts';
import {
  ContentQuery,
  CreateVideoBody,
  DeletedVideo,
  EventsQuery,
  ExtendVideoBody,
  ListVideosQuery,
  RemixVideoBody,
  ShareBody,
  ShareLinkBody,
  Video,
  VideoList,
} from '../schemas/videos.ts';
import type { ZodTypeProvider } from '../schemas/zod-fastify.ts';

const tags = ['videos'];
const CREATE_ERRORS = { ...COMMON_ERRORS, 402: ErrorBody, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody };

export default async function videoRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const { bodyLimit } = acceptMultipart(fastify);

  app.post(
    '/videos',
    {
      bodyLimit,
      schema: {
        summary: 'Create a video',
        description: 'Queues a generation job and returns at once. Send an `Idempotency-Key` header to make retries safe.',
        tags,
        multipart: true,
        body: CreateVideoBody,
        response: { 200: Video, ...CREATE_ERRORS },
      },
    },
    async (request) => {
      const { job } = await app.jobs.create(request.principal, request.body, { idempotencyKey: idempotencyKey(request) });
      return presentVideo(job);
    },
  );

  app.post(
    '/videos/extensions',
    {
      bodyLimit,
      schema: { summary: 'Extend a completed video', tags, multipart: true, body: ExtendVideoBody, response: { 200: Video, ...CREATE_ERRORS } },
    },
    async (request) => {
      const { video, ...fields } = request.body;
      if (video instanceof File) {
        throw new CinesimError(ERRORS.INVALID_ARGUMENT, 'video: uploading a video to extend is not supported; give {id} of a completed video', { param: 'video' });
      }
      const { job } = await app.jobs.create(request.principal, { ...fields, extend_video_id: video.id }, { idempotencyKey: idempotencyKey(request) });
      return presentVideo(job);
    },
  );

  app.get(
    '/videos',
    {
      schema: {
        summary: 'List your videos',
        description:
          'Newest first by default; page with `after` = the last id of the previous page. ' +
          'With `idempotency_key`, only the video created under that `Idempotency-Key` (an empty list when there is none): what a create with it would be answered with, asked without creating.',
        tags,
        querystring: ListVideosQuery,
        response: { 200: VideoList, ...COMMON_ERRORS },
      },
    },
    async (request) => {
      const { idempotency_key: idempotencyKey, ...paging } = request.query;
      const page = app.jobs.list(request.principal, { ...paging, idempotencyKey });
      const data = page.jobs.map(presentVideo);
      return { object: 'list' as const, data, has_more: page.hasMore, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
    },
  );

  app.get(
    '/videos/:video_id',
    { schema: { summary: 'Retrieve a video', tags, params: VideoIdParams, response: { 200: Video, ...COMMON_ERRORS } } },
    async (request) => presentVideo(app.jobs.get(request.principal, request.params.video_id)),
  );

  app.delete(
    '/videos/:video_id',
    { schema: { summary: 'Delete a video and its files', description: 'An unfinished video is cancelled (and refunded) first.', tags, params: VideoIdParams, response: { 200: DeletedVideo, ...COMMON_ERRORS } } },
    async (request) => {
      await app.jobs.delete(request.principal, request.params.video_id);
      return { id: request.params.video_id, object: 'video.deleted' as const, deleted: true as const };
    },
  );

  app.post(
    '/videos/:video_id/cancel',
    { schema: { summary: 'Cancel a queued or running video', description: 'Refunds its credits. A finished video is returned unchanged.', tags, params: VideoIdParams, response: { 200: Video, ...COMMON_ERRORS } } },
    async (request) => presentVideo(app.jobs.cancel(request.principal, request.params.video_id)),
  );

  app.post(
    '/videos/:video_id/remix',
    {
      schema: { summary: 'Remix: the same settings (seed included) with a new prompt', tags, multipart: true, params: VideoIdParams, body: RemixVideoBody, response: { 200: Video, ...CREATE_ERRORS } },
    },
    async (request) => {
      const { job } = await app.jobs.remix(request.principal, request.params.video_id, request.body, { idempotencyKey: idempotencyKey(request) });
      return presentVideo(job);
    },
  );

  app.get(
    '/videos/:video_id/content',
    {
      schema: {
        summary: 'Download a video, its thumbnail, spritesheet, metadata, GIF, animated WebP or frames (ZIP of PNGs)',
        tags,
        params: VideoIdParams,
        querystring: ContentQuery,
        produces: ['video/mp4', 'image/webp', 'image/png', 'image/gif', 'application/zip', 'application/json'],
        response: { 200: z.file().describe('The file'), ...COMMON_ERRORS, 409: ErrorBody },
      },
    },
    async (request, reply) => {
      const { video_id: id } = request.params;
      const file = await app.jobs.content(request.principal, id, request.query.variant);
      return sendStoredFile(request, reply, app.blobs, file, `${id}-${request.query.variant}`);
    },
  );

  app.get(
    '/videos/:video_id/events',
    {
      schema: {
        summary: 'Live progress (Server-Sent Events)',
        description:
          'Sends the video object (`event: video`) now and on every change; the stream ends when the video is completed, failed or cancelled. ' +
          'With `previews=true`, also `event: preview` while it renders: `{step, total, frames, image, width, height}`, `image` a WebP data URI.',
        tags,
        params: VideoIdParams,
        querystring: EventsQuery,
        produces: ['text/event-stream'],
        response: { 200: Video.describe('A stream of video objects'), ...COMMON_ERRORS },
      },
    },
    async (request, reply) => {
      const { principal } = request;
      const { video_id: id } = request.params;
      app.jobs.get(principal, id); // 404 before the stream starts
      app.streams.stream(reply, {
        read: () => {
          const job = app.queue.get(id);
          return job && job.keyId === principal.keyId ? presentVideo(job) : undefined;
        },
        isFinal: (video) => TERMINAL_STATUSES.includes(video.status),
        subscribe: (listener) => app.jobEvents.subscribe(id, listener),
        extra: request.query.previews ? (emit) => app.previews.watch(id, (preview) => emit('preview', JSON.stringify(preview))) : undefined,
      });
      return reply;
    },
  );

  app.post(
    '/videos/:video_id/share',
    {
      schema: {
        summary: 'Create a signed, expiring download link',
        description: 'Anyone with the link can download the variant until it expires; no API key needed.',
        tags,
        params: VideoIdParams,
        body: ShareBody,
        response: { 200: ShareLinkBody, ...COMMON_ERRORS, 409: ErrorBody },
      },
    },
    async (request) => {
      const { variant, expires_in } = request.body;
      const link = app.jobs.share(request.principal, request.params.video_id, variant, expires_in);
      const origin = app.config.publicUrl?.replace(/\/$/, '') ?? `${request.protocol}://${request.host}`;
      return { object: 'video.share_link' as const, url: origin + link.path, variant, expires_at: link.expiresAt };
    },
  );
}
