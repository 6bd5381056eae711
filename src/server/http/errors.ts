/**
 * One error handler for the whole API: whatever was thrown becomes an HTTP status and
 * `{error: {code, message, param}}`. CinesimErrors carry their own; Fastify's own errors (body too large,
 * malformed JSON, unsupported content type) are mapped onto the catalog; anything else is a 500 whose
 * message is logged but not shown (it may hold paths or internals), with the request id to find it.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { CinesimError, ERRORS, isCinesimError, type ErrorKind } from '../../errors.ts';

/** Fastify's client errors by status. */
const BY_STATUS: Readonly<Record<number, ErrorKind>> = {
  404: ERRORS.NOT_FOUND,
  413: ERRORS.PAYLOAD_TOO_LARGE,
  415: ERRORS.UNSUPPORTED_MEDIA_TYPE,
  429: ERRORS.RATE_LIMITED,
};

export function toCinesimError(error: unknown): CinesimError {
  if (isCinesimError(error)) return error;
  const e = error as Partial<FastifyError>;
  const status = e.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const kind = BY_STATUS[status] ?? { ...ERRORS.INVALID_ARGUMENT, status };
    return new CinesimError(kind, clientMessage(e), { param: status === 413 || status === 415 ? 'body' : undefined, cause: error });
  }
  return new CinesimError(ERRORS.INTERNAL, (error as Error)?.message ?? String(error), { cause: error });
}

function clientMessage(e: Partial<FastifyError>): string {
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return `malformed request body: ${e.message}`;
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'the request body is empty; send a JSON object';
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'the request body is larger than this server accepts';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `unsupported Content-Type; send application/json or multipart/form-data`;
    default:
      return e.message ?? 'bad request';
  }
}

export function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const e = toCinesimError(error);
  if (e.status >= 500) {
    request.log.error({ err: error }, 'request failed');
    const hidden = new CinesimError({ code: e.code, status: e.status, exitCode: 1 }, `internal error (request ${request.id})`);
    void reply.status(e.status).send(hidden.toJSON());
    return;
  }
  if (e.status === 401) void reply.header('www-authenticate', 'Bearer');
  void reply.status(e.status).send(e.toJSON());
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  const e = new CinesimError(ERRORS.NOT_FOUND, `no route ${request.method} ${request.url.split('?')[0].slice(0, 200)}`);
  void reply.status(404).send(e.toJSON());
}
