/**
 * The catalog of Cinesim's errors. Every error a user can meet is defined once here with a stable code
 * (`CINE_ERR_*`), an HTTP status for the API and an exit code for the CLI; the data about what went wrong
 * (`param`, `details`) stays separate from the human message. Retired codes are never reused.
 */
export interface ErrorKind {
  readonly code: string;
  readonly status: number;
  readonly exitCode: number;
}

const kind = (code: string, status: number, exitCode = 1): ErrorKind => ({ code, status, exitCode });

export const ERRORS = {
  /** A flag or field has a bad value (bad size, negative seconds, unknown option). */
  INVALID_ARGUMENT: kind('CINE_ERR_INVALID_ARGUMENT', 400, 2),
  /** A prompt uses words outside the vocabulary, or says something contradictory. */
  PROMPT_UNKNOWN_WORDS: kind('CINE_ERR_PROMPT_UNKNOWN_WORDS', 400, 2),
  PROMPT_INVALID: kind('CINE_ERR_PROMPT_INVALID', 400, 2),
  /** An input file (image, clip, dataset) cannot be read or is the wrong kind. */
  INPUT_UNREADABLE: kind('CINE_ERR_INPUT_UNREADABLE', 400, 2),
  /** A model folder or manifest is missing or malformed. */
  MODEL_INVALID: kind('CINE_ERR_MODEL_INVALID', 500, 1),
  MODEL_NOT_FOUND: kind('CINE_ERR_MODEL_NOT_FOUND', 404, 2),
  /** An external tool (ffmpeg) is missing or failed. */
  TOOL_FAILED: kind('CINE_ERR_TOOL_FAILED', 500, 1),
  CANCELLED: kind('CINE_ERR_CANCELLED', 499, 130),
  INTERNAL: kind('CINE_ERR_INTERNAL', 500, 1),

  // --- the service (src/server) and its client ---------------------------------------------------------
  /** No API key, or one that is unknown or revoked. */
  UNAUTHORIZED: kind('CINE_ERR_UNAUTHORIZED', 401, 2),
  /** The key's credits do not cover the job. */
  INSUFFICIENT_CREDITS: kind('CINE_ERR_INSUFFICIENT_CREDITS', 402, 1),
  /** A shared link whose signature does not match, or whose time is up. */
  LINK_INVALID: kind('CINE_ERR_LINK_INVALID', 403, 2),
  LINK_EXPIRED: kind('CINE_ERR_LINK_EXPIRED', 403, 2),
  /** No such route, video or variant (for this key). */
  NOT_FOUND: kind('CINE_ERR_NOT_FOUND', 404, 2),
  /** The video exists but has no content yet (queued, running, failed, cancelled). */
  NOT_READY: kind('CINE_ERR_NOT_READY', 409, 1),
  /** An Idempotency-Key reused with a different request. */
  IDEMPOTENCY_CONFLICT: kind('CINE_ERR_IDEMPOTENCY_CONFLICT', 409, 2),
  /** A request body, upload or image (bytes or pixels) over the server's limits. */
  PAYLOAD_TOO_LARGE: kind('CINE_ERR_PAYLOAD_TOO_LARGE', 413, 2),
  UNSUPPORTED_MEDIA_TYPE: kind('CINE_ERR_UNSUPPORTED_MEDIA_TYPE', 415, 2),
  /** A URL the server will not fetch (private, loopback or link-local address, bad scheme). */
  URL_FORBIDDEN: kind('CINE_ERR_URL_FORBIDDEN', 400, 2),
  /** An input URL that could not be fetched (status, timeout, too many redirects). */
  FETCH_FAILED: kind('CINE_ERR_FETCH_FAILED', 400, 1),
  RATE_LIMITED: kind('CINE_ERR_RATE_LIMITED', 429, 1),
  /** A generation worker died or stopped answering; the job is retried when attempts remain. */
  WORKER_FAILED: kind('CINE_ERR_WORKER_FAILED', 500, 1),
  /** The server is shutting down or cannot be reached. */
  UNAVAILABLE: kind('CINE_ERR_UNAVAILABLE', 503, 1),
} as const satisfies Record<string, ErrorKind>;

export class CinesimError extends Error {
  readonly code: string;
  readonly status: number;
  readonly exitCode: number;
  /** The flag or request field at fault, when there is one. */
  readonly param: string | undefined;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(
    kind: ErrorKind,
    message: string,
    options: { param?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CinesimError';
    this.code = kind.code;
    this.status = kind.status;
    this.exitCode = kind.exitCode;
    this.param = options.param;
    this.details = options.details;
  }

  /** The API's error body: `{error:{code,message,param}}`. */
  toJSON(): { error: { code: string; message: string; param: string | null } } {
    return { error: { code: this.code, message: this.message, param: this.param ?? null } };
  }
}

export function isCinesimError(e: unknown): e is CinesimError {
  return e instanceof CinesimError;
}

/**
 * The same error said of where it happened: `prefix` before its message (`suffix` after), under `param`, with
 * its kind, details (and `details` added) and itself as the cause. Anything but a CinesimError is returned as
 * it is. A script's line (`story.txt:4: `) or a request field (`negative_prompt: `) is put on a check that does
 * not know where its input came from.
 */
export function rephrased(error: unknown, where: { prefix: string; suffix?: string; param: string; details?: Record<string, unknown> }): unknown {
  if (!isCinesimError(error)) return error;
  const kind = { code: error.code, status: error.status, exitCode: error.exitCode };
  return new CinesimError(kind, `${where.prefix}${error.message}${where.suffix ?? ''}`, {
    param: where.param,
    details: error.details || where.details ? { ...error.details, ...where.details } : undefined,
    cause: error,
  });
}

export function invalidArgument(param: string, message: string): CinesimError {
  return new CinesimError(ERRORS.INVALID_ARGUMENT, message, { param });
}
