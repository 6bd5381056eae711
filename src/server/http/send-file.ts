/**
 * Sends a stored file: its hash is the ETag (content never changes under a hash), so a conditional GET
 * answers 304; a single byte range (what video players ask for when seeking) answers 206.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { StoredFile } from '../queue/types.ts';
import type { BlobStore } from '../storage/blob-store.ts';

const EXTENSIONS: Readonly<Record<string, string>> = {
  'video/mp4': 'mp4',
  'image/webp': 'webp',
  'image/png': 'png',
  'image/gif': 'gif',
  'application/zip': 'zip',
  'application/json': 'json',
};

export function sendStoredFile(request: FastifyRequest, reply: FastifyReply, blobs: BlobStore, file: StoredFile, name: string): FastifyReply {
  const etag = `"${file.hash}"`;
  void reply
    .header('etag', etag)
    .header('cache-control', 'private, max-age=31536000, immutable')
    .header('accept-ranges', 'bytes')
    .header('content-disposition', `inline; filename="${name}.${EXTENSIONS[file.contentType] ?? 'bin'}"`)
    .type(file.contentType);
  if (request.headers['if-none-match'] === etag) return reply.status(304).send();

  const range = parseRange(request.headers.range, file.bytes);
  if (range === 'unsatisfiable') return reply.status(416).header('content-range', `bytes */${file.bytes}`).send();
  if (range) {
    return reply
      .status(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${file.bytes}`)
      .header('content-length', range.end - range.start + 1)
      .send(blobs.read(file.hash, range));
  }
  return reply.header('content-length', file.bytes).send(blobs.read(file.hash));
}

/** `bytes=a-b`, `bytes=a-`, `bytes=-n` (one range only; anything else is ignored and the whole file sent). */
function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | undefined {
  const m = header && /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  const start = m[1] === '' ? Math.max(0, size - Number(m[2])) : Number(m[1]);
  const end = m[1] === '' || m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return start > end || start >= size ? 'unsatisfiable' : { start, end };
}
