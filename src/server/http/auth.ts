/**
 * Authentication and rate limiting for /v1: `Authorization: Bearer <key>` (what the `openai` client
 * sends) names the key the request acts as; without auth (`--no-auth`, loopback only) every request is
 * the built-in local key. Each key's rate limit is taken here, with OpenAI-style headers.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CinesimError, ERRORS } from '../../errors.ts';
import type { Principal } from '../accounts/keys.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

export function authenticate(app: FastifyInstance): (request: FastifyRequest, reply: FastifyReply) => Promise<void> {
  const local = app.config.auth ? undefined : app.keys.local();
  return async (request, reply) => {
    const principal = local ?? principalOf(app, request.headers.authorization);
    request.principal = principal;
    if (principal.rateLimit === null) return;
    const decision = app.rateLimiter.take(principal.keyId, principal.rateLimit);
    void reply.header('x-ratelimit-limit-requests', decision.limit).header('x-ratelimit-remaining-requests', decision.remaining);
    if (!decision.allowed) {
      void reply.header('retry-after', decision.retryAfter);
      throw new CinesimError(ERRORS.RATE_LIMITED, `rate limit of ${decision.limit} requests per minute reached; retry in ${decision.retryAfter} s`);
    }
  };
}

function principalOf(app: FastifyInstance, header: string | undefined): Principal {
  const match = header && /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new CinesimError(ERRORS.UNAUTHORIZED, 'missing API key: send Authorization: Bearer <key> (create one with `cinesim keys create`)');
  const principal = app.keys.verify(match[1]);
  if (!principal) throw new CinesimError(ERRORS.UNAUTHORIZED, 'invalid or revoked API key');
  return principal;
}
