/**
 * Authentication before the body is read: a request that carries a body must carry a valid token
 * too, checked in Fastify's `onRequest` hook, so an anonymous caller cannot make the server read
 * and parse megabytes of JSON only to be told 401. (No public route takes a body.) Requests
 * without a body are left to `AuthGuard`, which also checks the role of every request; the
 * principal found here is handed to it, so the token is looked up once.
 */
import type { FastifyInstance } from 'fastify';
import { PROBLEM_TYPE_BASE } from '../common/problems';
import type { ApiKeysService } from './api-keys.service';
import { bearerToken } from './bearer';
import type { AuthenticatedRequest } from './role.decorator';

/** Does the request announce a body (a non-zero length, or a chunked one)? */
function hasBody(headers: AuthenticatedRequest['headers']): boolean {
  const length = headers['content-length'];
  return (length !== undefined && length !== '0') || headers['transfer-encoding'] !== undefined;
}

/** Adds the hook; `keys` authenticates tokens as `AuthGuard` does. */
export function authenticateBeforeBody(fastify: FastifyInstance, keys: ApiKeysService): void {
  fastify.addHook('onRequest', async (request: AuthenticatedRequest, reply) => {
    if (!hasBody(request.headers)) return;
    const token = bearerToken(request.headers.authorization);
    const principal = token === undefined ? undefined : await keys.authenticate(token);
    if (principal) {
      request.principal = principal;
      return;
    }
    const detail =
      token === undefined
        ? 'send `Authorization: Bearer <token>` (the admin token or an API key)'
        : 'the bearer token is not valid (unknown or revoked)';
    // The body is never read: the connection closes after the answer rather than drain it.
    await reply
      .status(401)
      .header('www-authenticate', 'Bearer')
      .header('connection', 'close')
      .header('content-type', 'application/problem+json')
      .send(
        JSON.stringify({
          type: `${PROBLEM_TYPE_BASE}unauthorized`,
          title: 'Unauthorized',
          status: 401,
          detail,
        }),
      );
  });
}
