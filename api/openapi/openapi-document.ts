import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { projectRoot } from '../../engine/paths';
import { BEARER_SCHEME } from './api-route.decorator';

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
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    // `EventsController_ingest` rather than a bare method name, which repeats across controllers.
    operationIdFactory: (controller, method) => `${controller.replace(/Controller$/, '')}_${method}`,
  });
  return withoutSchemaSuffix({ ...document, paths: literalColonPaths(document.paths) });
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
