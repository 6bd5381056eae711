/**
 * /v1/world: the world model that the studio's Play page runs in the browser (onnxruntime-web), as
 * read-only files: its manifest, and the ONNX files the manifest lists. The model is the one in the
 * server's config (`--world`, default world-64), found the way every model is found (a name under
 * models/ and $CINESIM_MODELS, or a folder); requests never name a path. It is looked up on each request
 * (a manifest is small), so a world trained while the server runs shows up without a restart.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { CinesimError, ERRORS } from '../../errors.ts';
import { loadManifest, requireKind, resolveModel, type WorldManifest } from '../../engine/manifest.ts';
import { COMMON_ERRORS } from '../schemas/common.ts';
import { World, WorldFileParams } from '../schemas/world.ts';
import type { ZodTypeProvider } from '../schemas/zod-fastify.ts';

const tags = ['world'];

export default async function worldRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<ZodTypeProvider>();

  /** The configured world model's folder and manifest; a 404 that says how to get one when there is none. */
  const locate = async (): Promise<{ dir: string; manifest: WorldManifest }> => {
    const name = app.config.world;
    let dir: string;
    try {
      dir = await resolveModel(name);
    } catch (error) {
      if (error instanceof CinesimError && error.code === ERRORS.MODEL_NOT_FOUND.code) {
        // The server's folders stay out of the message: the client only needs to know what to do.
        throw new CinesimError(
          ERRORS.MODEL_NOT_FOUND,
          `this server has no world model '${basename(name)}': train one (training/, see docs/FORMATS.md "World model") or start the server with --world <folder>`,
          { param: 'world' },
        );
      }
      throw error;
    }
    return { dir, manifest: requireKind(await loadManifest(dir, { logger: app.log }), 'world', basename(dir)) };
  };

  app.get(
    '/world',
    {
      schema: {
        summary: 'The world model the studio plays in the browser',
        description: 'Its manifest (docs/FORMATS.md, "World model") and the addresses of its ONNX files.',
        tags,
        response: { 200: World, ...COMMON_ERRORS },
      },
    },
    async () => {
      const { manifest } = await locate();
      const sessions = manifest.sessions as Record<string, string>;
      return {
        object: 'world' as const,
        id: manifest.name,
        manifest: manifest as Record<string, unknown>,
        files: Object.fromEntries(Object.entries(sessions).map(([role, file]) => [role, `/v1/world/files/${encodeURIComponent(file)}`])),
      };
    },
  );

  app.get(
    '/world/files/:file',
    {
      schema: {
        summary: 'Download one of the world model\'s ONNX files',
        tags,
        params: WorldFileParams,
        produces: ['application/octet-stream'],
        response: { 200: z.file().describe('The ONNX file'), ...COMMON_ERRORS },
      },
    },
    async (request, typed) => {
      const reply = typed as FastifyReply; // a stream or a 304, which the JSON-typed reply does not describe
      const { dir, manifest } = await locate();
      const { file } = request.params;
      // Only the files the manifest lists, by their exact names: nothing else in (or outside) the folder.
      const listed = Object.values(manifest.sessions as Record<string, string>);
      if (!listed.includes(file) || basename(file) !== file) {
        throw new CinesimError(ERRORS.NOT_FOUND, `the world model has no file '${file}'; it has: ${listed.join(', ')}`, { param: 'file' });
      }
      const path = join(dir, file);
      const info = await stat(path);
      // Retraining replaces the file in place: size and time make the tag, and the browser revalidates.
      const etag = `"${info.size.toString(16)}-${Math.floor(info.mtimeMs).toString(16)}"`;
      void reply.header('etag', etag).header('cache-control', 'private, no-cache').type('application/octet-stream');
      if (request.headers['if-none-match'] === etag) return reply.status(304).send();
      return reply.header('content-length', info.size).send(createReadStream(path));
    },
  );
}
