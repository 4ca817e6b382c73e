import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Controller, Get, Header, Inject, Injectable, Param, Res } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../auth/role.decorator';
import { NotFoundProblem } from '../common/problems';
import { BUILTIN_EVENT_SCHEMAS, declaredSchemas } from '../../engine/ingest/event-store';
import { ActiveRuleCache, type RuleIndex } from '../../engine/registry/active-rules';
import { API_DEPS, type ApiDeps } from '../tokens';
import { withDeclaredEvents } from './openapi-document';

/** The spec of this app, set by `createApiApp` once every module is known (before `init`). */
@Injectable()
export class OpenApiSpec {
  private document: OpenAPIObject | undefined;

  set(document: OpenAPIObject): void {
    this.document = document;
  }

  get(): OpenAPIObject {
    if (!this.document) throw new Error('the OpenAPI document was not built');
    return this.document;
  }
}

/** The Swagger UI files served under `/docs/`, with their content types: nothing else is. */
const UI_ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/** Starts Swagger UI on the spec (a file, not inline: a CSP without `unsafe-inline` still works). */
const INIT_JS = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });\n`;

const DOCS_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>opsflow API</title>
    <link rel="stylesheet" href="/docs/swagger-ui.css" />
    <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/swagger-ui-bundle.js"></script>
    <script src="/docs/init.js"></script>
  </body>
</html>
`;

/**
 * `GET /openapi.json` and Swagger UI at `GET /docs`, without a token: they describe the API
 * and hold no data (docs/api.md).
 *
 * Served by this controller rather than `SwaggerModule.setup`, whose UI needs `@fastify/static`:
 * that plugin requires `content-disposition` 3, an ES module, which Node 20.19+ loads but Jest's
 * module runtime on Node 20 cannot, so the app would not start in the end-to-end tests. The UI
 * files come from the `swagger-ui-dist` that `@nestjs/swagger` itself depends on.
 */
@ApiExcludeController()
@Controller()
@Public()
export class DocsController {
  private readonly assets = new Map<string, Buffer>();
  /** The served document per rule index (a new index after every deployment). */
  private readonly served = new WeakMap<RuleIndex, OpenAPIObject>();

  constructor(
    @Inject(OpenApiSpec) private readonly spec: OpenApiSpec,
    @Inject(ActiveRuleCache) private readonly rules: ActiveRuleCache,
    @Inject(API_DEPS) private readonly deps: ApiDeps,
  ) {}

  /** The spec with the event types the deployed rules declare (rebuilt when they change). */
  @Get('openapi.json')
  async openapi(): Promise<OpenAPIObject> {
    const index = await this.rules.get();
    const cached = this.served.get(index);
    if (cached) return cached;
    const declared = [
      ...index.eventTypes.map((type) => ({ type, fields: declaredSchemas(index, type)[0].fields })),
      ...Object.values(BUILTIN_EVENT_SCHEMAS).map((s) => ({ type: s.name, fields: s.fields })),
    ];
    const document = withDeclaredEvents(
      this.spec.get(),
      declared,
      this.deps.config.undeclaredEvents === 'store',
    );
    this.served.set(index, document);
    return document;
  }

  @Get('docs')
  @Header('content-type', 'text/html; charset=utf-8')
  docs(): string {
    return DOCS_HTML;
  }

  @Get('docs/init.js')
  @Header('content-type', 'application/javascript; charset=utf-8')
  init(): string {
    return INIT_JS;
  }

  @Get('docs/:asset')
  async asset(@Param('asset') name: string, @Res() reply: FastifyReply): Promise<void> {
    const type = Object.hasOwn(UI_ASSETS, name) ? UI_ASSETS[name] : undefined;
    if (type === undefined) throw new NotFoundProblem(`no file ${name} in the API docs`);
    let content = this.assets.get(name);
    if (!content) {
      content = await readFile(join(swaggerUiDir(), name));
      this.assets.set(name, content);
    }
    await reply.type(type).header('cache-control', 'public, max-age=86400').send(content);
  }
}

/** The folder of the `swagger-ui-dist` that `@nestjs/swagger` resolves. */
function swaggerUiDir(): string {
  const swagger = require.resolve('@nestjs/swagger');
  return dirname(require.resolve('swagger-ui-dist/package.json', { paths: [swagger] }));
}
