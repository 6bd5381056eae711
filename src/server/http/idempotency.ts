/** The `Idempotency-Key` header of a create request (videos, stories): a retry with the same key and body returns the same video. */
import type { FastifyRequest } from 'fastify';
import { CinesimError, ERRORS } from '../../errors.ts';

export const MAX_IDEMPOTENCY_KEY = 255;

export function idempotencyKey(request: FastifyRequest): string | undefined {
  const value = request.headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_IDEMPOTENCY_KEY) {
    throw new CinesimError(ERRORS.INVALID_ARGUMENT, `Idempotency-Key must be one header of 1 to ${MAX_IDEMPOTENCY_KEY} characters`, { param: 'Idempotency-Key' });
  }
  return value;
}
