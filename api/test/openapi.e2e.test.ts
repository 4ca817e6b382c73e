import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { projectRoot } from '../../engine/paths';
import { buildOpenApiDocument } from '../openapi/openapi-document';
import { ROLE_EXTENSION } from '../openapi/api-route.decorator';
import { startApiHarness, type ApiHarness } from './api-harness';

interface Operation {
  readonly security?: unknown[];
  readonly responses: Record<string, { content?: Record<string, unknown> }>;
  readonly [ROLE_EXTENSION]?: string;
}
type Paths = Record<string, Record<string, Operation>>;

/**
 * Routes that serve the spec itself, the console's files (api/console/) or the root's redirect to
 * the console: not part of the spec.
 */
const DOC_ROUTES = new Set([
  'GET /openapi.json',
  'GET /docs',
  'GET /docs/init.js',
  'GET /docs/{asset}',
  'GET /console',
  'GET /console/*',
  'GET /',
]);

/** `/v1/rules/:name` → `/v1/rules/{name}`; `::` is Fastify's escaped (literal) colon. */
function specPath(fastifyUrl: string): string {
  return fastifyUrl
    .split('::')
    .map((part) => part.replace(/:([A-Za-z0-9_]+)/g, '{$1}'))
    .join(':');
}

// The spec generated from the code, the checked-in docs/openapi.json and the routes Fastify
// really registered must all agree, so a route or schema change without `npm run openapi` fails.
describe('OpenAPI', () => {
  let h: ApiHarness;
  const routes = new Set<string>();

  beforeAll(async () => {
    h = await startApiHarness({
      app: {
        onRoute: ({ method, url }) => {
          // Fastify adds a HEAD route for each GET by itself.
          if (method !== 'HEAD') routes.add(`${method} ${specPath(url)}`);
        },
      },
    });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('is the checked-in docs/openapi.json (run npm run openapi)', () => {
    const generated: unknown = JSON.parse(JSON.stringify(buildOpenApiDocument(h.app)));
    const checkedIn: unknown = JSON.parse(readFileSync(`${projectRoot()}/docs/openapi.json`, 'utf8'));
    if (!isDeepStrictEqual(generated, checkedIn)) {
      throw new Error('docs/openapi.json differs from the spec generated from the code: run npm run openapi');
    }
  });

  it('documents every registered route, and nothing else, with the same method and path', async () => {
    const spec = (await h.http().get('/openapi.json')).body as { paths: Paths };
    const documented = new Set(
      Object.entries(spec.paths).flatMap(([path, item]) =>
        Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
    const served = [...routes].filter((r) => !DOC_ROUTES.has(r));
    expect(served.length).toBeGreaterThan(20);
    expect(served.filter((r) => !documented.has(r))).toEqual([]);
    expect([...documented].filter((r) => !routes.has(r))).toEqual([]);
  });

  it('names the role of every operation, and the guard enforces what it says', async () => {
    const spec = (await h.http().get('/openapi.json')).body as { paths: Paths };
    for (const [path, item] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const role = op[ROLE_EXTENSION];
        const where = `${method.toUpperCase()} ${path}`;
        expect({ where, role }).toEqual({
          where,
          role: expect.stringMatching(/^(public|authenticated|ingest|viewer|operator|editor|admin)$/),
        });
        expect({ where, problem500: op.responses['500']?.content }).toEqual({
          where,
          problem500: { 'application/problem+json': expect.anything() },
        });
        const url = path.replace(/\{[^}]+\}/g, 'x');
        const res = await h.http()[method as 'get' | 'post' | 'delete'](url);
        if (role === 'public') {
          expect({ where, status: res.status }).not.toEqual({ where, status: 401 });
          // `security: []` overrides the document's bearer requirement.
          expect({ where, security: op.security }).toEqual({ where, security: [] });
        } else {
          expect({ where, status: res.status }).toEqual({ where, status: 401 });
          expect({ where, security: op.security }).toEqual({ where, security: [{ bearer: [] }] });
          expect({ where, has401: '401' in op.responses }).toEqual({ where, has401: true });
        }
      }
    }
  });

  it('answers 405 with Allow for a known path and an unknown method, 404 for an unknown path', async () => {
    for (const method of ['TRACE', 'QUERY', 'PUT', 'PATCH']) {
      const res = await h.app.inject({
        method: method as 'PUT',
        url: '/v1/events/x',
        headers: { 'content-type': 'text/plain' },
      });
      expect({ method, status: res.statusCode, allow: res.headers.allow }).toEqual({
        method,
        status: 405,
        allow: 'GET, HEAD',
      });
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(res.body)).toEqual(
        expect.objectContaining({ type: 'https://opsflow.dev/problems/method-not-allowed', status: 405 }),
      );
    }
    const literal = await h.app.inject({ method: 'GET', url: '/v1/rules:validate' });
    expect({ status: literal.statusCode, allow: literal.headers.allow }).toEqual({
      status: 405,
      allow: 'POST',
    });
    const events = await h.app.inject({ method: 'DELETE', url: '/v1/events' });
    expect(events.headers.allow).toBe('GET, HEAD, POST');
    expect((await h.app.inject({ method: 'PATCH', url: '/v1/nothing/here' })).statusCode).toBe(404);
  });

  it('states its server, bearer security for all but the public routes, and the CloudEvents media types', async () => {
    const spec = (await h.http().get('/openapi.json')).body as {
      servers: unknown;
      security: unknown;
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
    };
    expect(spec.servers).toEqual([expect.objectContaining({ url: '/' })]);
    expect(spec.security).toEqual([{ bearer: [] }]);
    expect(Object.keys(spec.paths['/v1/events'].post.requestBody?.content ?? {}).sort()).toEqual([
      'application/cloudevents+json',
      'application/cloudevents-batch+json',
      'application/json',
    ]);
  });

  it('serves the spec and Swagger UI without a token', async () => {
    const json = await h.http().get('/openapi.json');
    expect(json.status).toBe(200);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    const spec = JSON.parse(json.text) as { openapi: string; info: { title: string } };
    expect(spec.openapi).toMatch(/^3\.\d+\.\d+$/);
    expect(spec.info.title).toBe('opsflow API');

    const docs = await h.http().get('/docs');
    expect(docs.status).toBe(200);
    expect(docs.headers['content-type']).toMatch(/^text\/html/);
    expect(docs.text).toContain('<div id="swagger-ui">');
    const bundle = await h.http().get('/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/^application\/javascript/);
    expect((await h.http().get('/docs/init.js')).text).toContain("url: '/openapi.json'");
    expect((await h.http().get('/docs/package.json')).status).toBe(404);
    expect((await h.http().get('/docs/..%2Fpackage.json')).status).toBe(404);
  });
});
