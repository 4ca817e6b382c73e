/**
 * The API's request log: Fastify's pino logger, one JSON line per answered request with its
 * method, route pattern, path, status, duration and request id. Never headers, query strings or
 * bodies: tokens travel in headers (and a client may put one in a query), events carry
 * customer data.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { LogController, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from '../../engine/config';

/** A request id a client may send in `x-request-id` (otherwise one is made up). */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Paths pino blanks out should a request or its headers ever reach a log line (Fastify's own
 * error lines, a future `log.info({req})`): the lines below carry none of them by design.
 */
export const REDACTED_PATHS: readonly string[] = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  'req.body',
  'req.query',
  'body',
];

/**
 * The pino logger of the API; `stream` defaults to stdout, written asynchronously (pino's
 * sonic-boom buffers lines and writes them in chunks) so an ingest burst does not pay one
 * blocking write per request. `createApiApp` flushes it when the app closes.
 */
export function createRequestLogger(level: LogLevel, stream?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'opsflow-api' },
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    // Fastify serialises `req` on some of its own lines: keep method, path and id only.
    serializers: {
      req: (req: { method?: string; url?: string; id?: string }) => ({
        method: req.method,
        path: pathOf(req.url),
        id: req.id,
      }),
    },
  };
  return pino(options, stream ?? pino.destination({ dest: 1, sync: false }));
}

/** The id of a request: the client's `x-request-id` when it is short and plain, else a UUID. */
export function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/**
 * Fastify's request log lines, replaced: none when a request comes in (Fastify's would carry the
 * URL with its query), one when it is answered.
 */
export class RequestLogController extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = {
      method: request.method,
      // The pattern (`/v1/runs/:runId`) groups requests; the path without its query says which.
      route: request.routeOptions.url ?? null,
      path: pathOf(request.url),
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
    };
    if (error) request.log.error({ ...line, error: error.message }, 'request failed');
    else request.log.info(line, 'request');
  }
}

/** Echoes the request id in `x-request-id`, so a client can quote it. */
export function addRequestIdHeader(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header('x-request-id', request.id);
    done();
  });
}

function pathOf(url: string | undefined): string | undefined {
  return url?.split('?', 1)[0];
}
