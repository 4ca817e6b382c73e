import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { projectRoot } from '../../engine/paths';
import { BEARER_SCHEME, ROLE_EXTENSION } from './api-route.decorator';
import { eventsRequestContent, type DeclaredEvent } from './event-schemas';

/** The OpenAPI 3 document of the app, generated from its controllers and schema classes. */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('opsflow API')
    .setVersion(packageVersion())
    .setDescription(
      'Rules, events, runs and schedules of the opsflow engine. Every error is ' +
        '`application/problem+json`. Each operation names its least role in `x-opsflow-role` ' +
        '(`viewer` < `operator` < `editor` < `admin`; `ingest` may only post events). See docs/api.md.',
    )
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'opaque',
        description: 'The admin token or an API key (`POST /v1/keys`).',
      },
      BEARER_SCHEME,
    )
    .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
    // Relative: the API serves its own spec, so the server is wherever the spec came from.
    .addServer('/', 'The server this document was fetched from')
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    // `EventsController_ingest` rather than a bare method name, which repeats across controllers.
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  const paths = withEventsBody(publicWithoutSecurity(literalColonPaths(document.paths)), undefined);
  // Every operation needs the bearer token unless it says `security: []` (the public ones).
  return closedRequestBodies(
    withoutSchemaSuffix({ ...document, security: [{ [BEARER_SCHEME]: [] }], paths }),
  );
}

/**
 * `additionalProperties: false` on the schemas of request bodies (and the objects they hold):
 * the body readers refuse unknown fields, so the spec says so. Free-form values (`input`, `data`)
 * say `additionalProperties: true` themselves and are left alone.
 */
function closedRequestBodies(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Record<string, unknown>>;
  const names = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref === 'string') {
      const name = ref.replace('#/components/schemas/', '');
      if (!names.has(name) && schemas[name]) {
        names.add(name);
        visit(schemas[name]);
      }
    }
    Object.values(node).forEach(visit);
  };
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) visit((item[method] as { requestBody?: unknown } | undefined)?.requestBody);
  }
  const closed = Object.fromEntries(
    Object.entries(schemas).map(([name, schema]) => [
      name,
      names.has(name) && schema.type === 'object' && schema.additionalProperties === undefined
        ? { ...schema, additionalProperties: false }
        : schema,
    ]),
  );
  return { ...document, components: { ...document.components, schemas: closed } };
}

/**
 * The document as one API process serves it: `POST /v1/events` takes the event types the
 * deployed rules declare, each with its data's fields (and any type as well when undeclared types
 * are stored).
 */
export function withDeclaredEvents(
  document: OpenAPIObject,
  declared: readonly DeclaredEvent[],
  acceptUndeclared: boolean,
): OpenAPIObject {
  return { ...document, paths: withEventsBody(document.paths, acceptUndeclared ? undefined : declared) };
}

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;

/** `security: []` on the operations that need no token, so the root `security` does not apply. */
function publicWithoutSecurity(paths: OpenAPIObject['paths']): OpenAPIObject['paths'] {
  return mapOperations(paths, (op) =>
    (op as Operation & { [ROLE_EXTENSION]?: string })[ROLE_EXTENSION] === 'public'
      ? { ...op, security: [] }
      : op,
  );
}

/** The request body of `POST /v1/events`: every content mode of the CloudEvents HTTP binding. */
function withEventsBody(
  paths: OpenAPIObject['paths'],
  declared: readonly DeclaredEvent[] | undefined,
): OpenAPIObject['paths'] {
  return mapOperations(paths, (op, path, method) =>
    path === '/v1/events' && method === 'post'
      ? {
          ...op,
          requestBody: {
            required: true,
            description:
              'One event or a batch: opsflow JSON (a CloudEvent or the short form, or an array of them), a CloudEvent in structured mode, or a CloudEvents batch. Binary mode also works: the attributes as `ce-*` headers (`ce-specversion: 1.0`, `ce-id`, `ce-type`, `ce-source`, …), the data as a JSON body.',
            content: eventsRequestContent(declared),
          },
        }
      : op,
  );
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function mapOperations(
  paths: OpenAPIObject['paths'],
  fn: (op: Operation, path: string, method: string) => Operation,
): OpenAPIObject['paths'] {
  return Object.fromEntries(
    Object.entries(paths).map(([path, item]) => {
      const mapped = { ...item };
      for (const method of METHODS) {
        const op = item[method];
        if (op) mapped[method] = fn(op, path, method);
      }
      return [path, mapped];
    }),
  );
}

/**
 * The route `rules::validate` (a literal colon, Google-style custom method) comes out of the
 * scanner as a parameter; in the spec it is the literal path `/v1/rules:validate`.
 */
function literalColonPaths(paths: OpenAPIObject['paths']): OpenAPIObject['paths'] {
  return Object.fromEntries(
    Object.entries(paths).map(([path, item]) => [path.replace(/:\{([A-Za-z]+)\}/g, ':$1'), item]),
  );
}

/**
 * The schema classes are named `…Schema` so they do not shadow the engine's types of the same
 * name; in the spec they are `RunSummary`, `Problem`, ….
 */
function withoutSchemaSuffix(document: OpenAPIObject): OpenAPIObject {
  const text = JSON.stringify(document).replace(
    /"#\/components\/schemas\/(\w+)Schema"/g,
    '"#/components/schemas/$1"',
  );
  const renamed = JSON.parse(text) as OpenAPIObject;
  const schemas = renamed.components?.schemas ?? {};
  return {
    ...renamed,
    components: {
      ...renamed.components,
      schemas: Object.fromEntries(
        Object.entries(schemas).map(([name, s]) => [name.replace(/Schema$/, ''), s]),
      ),
    },
  };
}

function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}
