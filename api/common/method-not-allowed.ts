/**
 * 405 Method Not Allowed, with `Allow`, for a path the API serves under other methods (RFC 9110
 * §15.5.6); a path it does not serve at all stays a 404. Answered in `onRequest`, before a body
 * is read, so a method Fastify has no route for (TRACE, QUERY, ...) never reaches the body parser.
 */
import type { FastifyInstance } from 'fastify';
import { PROBLEM_TYPE_BASE } from './problems';

interface RoutePattern {
  readonly pattern: RegExp;
  readonly methods: Set<string>;
}

/** The routes Fastify registered, by path pattern, with their methods. */
export class RouteTable {
  private readonly routes = new Map<string, RoutePattern>();

  /** Records a route as Fastify's `onRoute` hook reports it (`/v1/rules/:name`, `/v1/rules::validate`). */
  add(method: string, url: string): void {
    let route = this.routes.get(url);
    if (!route) {
      route = { pattern: patternOf(url), methods: new Set() };
      this.routes.set(url, route);
    }
    route.methods.add(method.toUpperCase());
  }

  /** The methods a concrete path is served with, sorted; empty for a path no route has. */
  allowed(path: string): string[] {
    const methods = new Set<string>();
    for (const route of this.routes.values()) {
      if (route.pattern.test(path)) for (const m of route.methods) methods.add(m);
    }
    return [...methods].sort();
  }
}

/** `/v1/rules/:name` → `^/v1/rules/[^/]+$`; `::` is Fastify's escaped (literal) colon. */
function patternOf(url: string): RegExp {
  const source = url
    .split('::')
    .map((part) =>
      part
        .split(/(:[A-Za-z0-9_]+)/)
        .map((piece, i) => (i % 2 === 1 ? '[^/]+' : piece.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
        .join(''),
    )
    .join(':');
  return new RegExp(`^${source}/?$`);
}

/** Registers the route table and the 405 answer on a Fastify instance (before its routes). */
export function answerMethodNotAllowed(fastify: FastifyInstance): RouteTable {
  const table = new RouteTable();
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) table.add(method, route.url);
  });
  fastify.addHook('onRequest', (request, reply, done) => {
    if (!request.is404) {
      done();
      return;
    }
    const path = request.url.split('?')[0];
    const allowed = table.allowed(path);
    if (allowed.length === 0) {
      done();
      return;
    }
    const body = {
      type: `${PROBLEM_TYPE_BASE}method-not-allowed`,
      title: 'Method not allowed',
      status: 405,
      detail: `${path} does not take ${request.method}; it takes ${allowed.join(', ')}`,
    };
    void reply
      .code(405)
      .header('allow', allowed.join(', '))
      .header('content-type', 'application/problem+json')
      .send(JSON.stringify(body));
  });
  return table;
}
