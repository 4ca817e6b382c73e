import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LogLevel as NestLogLevel } from '@nestjs/common';
import type { Worker, WorkerOptions } from '@temporalio/worker';
import type { DestinationStream } from 'pino';
import type { LogLevel } from '../engine/config';
import { EventStore } from '../engine/ingest/event-store';
import { ActiveRuleCache } from '../engine/registry/active-rules';
import { RuleRegistry } from '../engine/registry/registry';
import { AppModule } from './app.module';
import { ApiKeysService } from './auth/api-keys.service';
import { authenticateBeforeBody } from './auth/early-auth';
import { addBoundedJsonParsers } from './common/json-body';
import { answerMethodNotAllowed } from './common/method-not-allowed';
import { ProblemFilter } from './common/problem.filter';
import {
  RequestLogController,
  addRequestIdHeader,
  createRequestLogger,
  requestId,
} from './common/request-log';
import { ApiMetrics } from './metrics/api-metrics.service';
import { OpenApiSpec } from './openapi/docs.controller';
import { buildOpenApiDocument } from './openapi/openapi-document';
import type { ApiDeps } from './tokens';

/** The largest request body accepted (413 above it): a full batch of events or a rule set. */
export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

/** What the API app is built from. */
export interface ApiAppOptions extends ApiDeps {
  /** Bytes; default `DEFAULT_BODY_LIMIT`. */
  readonly bodyLimit?: number;
  /** The active rules, shared with a router in the same process. */
  readonly rules?: ActiveRuleCache;
  /** Called after events were stored, e.g. to wake the router of this process. */
  readonly onEventsStored?: () => void;
  /**
   * Nest's log levels (default errors and warnings); `false` for none, which also turns the
   * request log off unless `logStream` is given.
   */
  readonly logLevels?: NestLogLevel[] | false;
  /** Where the request log goes (default stdout). */
  readonly logStream?: DestinationStream;
  /** The request log's level; default `config.logLevel`. */
  readonly logLevel?: LogLevel;
  /**
   * A Temporal worker the app runs while it is up, and shuts down (awaiting its run) on close;
   * given as options, the app creates it. The client of `ApiDeps` is never closed by the app.
   */
  readonly worker?: Worker | WorkerOptions;
  /** Called for every route Fastify registers (Nest's and the docs'), e.g. to check the spec. */
  readonly onRoute?: (route: { readonly method: string; readonly url: string }) => void;
}

/**
 * Builds and initialises the API on the Fastify adapter (chosen for ingest throughput; the
 * numbers are in docs/api.md, from `npm run bench:adapter`). It does not listen: the caller calls
 * `listen`, or tests inject requests.
 */
export async function createApiApp(options: ApiAppOptions): Promise<NestFastifyApplication> {
  const { db, client, taskQueue, config } = options;
  const rules = options.rules ?? new ActiveRuleCache(db);
  const engine = {
    rules,
    store: new EventStore(db, {
      rules,
      maxCausalDepth: config.maxCausalDepth,
      unknownTypes: config.undeclaredEvents,
      ...(options.onEventsStored ? { onStored: options.onEventsStored } : {}),
    }),
    registry: new RuleRegistry(db),
    metrics: new ApiMetrics(),
  };
  const quiet = options.logLevels === false && options.logStream === undefined;
  const requestLog = createRequestLogger(
    quiet ? 'silent' : (options.logLevel ?? config.logLevel),
    options.logStream,
  );
  const adapter = new FastifyAdapter({
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    loggerInstance: requestLog,
    logController: new RequestLogController(),
    genReqId: requestId,
  });
  const fastify = adapter.getInstance();
  if (options.onRoute) {
    const onRoute = options.onRoute;
    fastify.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) onRoute({ method, url: route.url });
    });
  }
  addRequestIdHeader(fastify);
  answerMethodNotAllowed(fastify);
  // The log is written asynchronously: what is buffered goes out before the process ends.
  fastify.addHook('onClose', (_instance, done) => {
    requestLog.flush();
    done();
  });
  // Every answered request, 404s and errors included, by its route pattern (not its path).
  fastify.addHook('onResponse', (request, reply, done) => {
    engine.metrics.observeRequest(
      request.method,
      request.routeOptions.url,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
  // Before the body is read: an anonymous body costs no parse.
  authenticateBeforeBody(fastify, new ApiKeysService({ db, client, taskQueue, config }));
  // JSON only: text/plain would reach the routes as a string; anything but JSON is a 415.
  fastify.removeContentTypeParser('text/plain');
  // JSON (CloudEvents' structured and batched modes too), bounded in nesting depth.
  addBoundedJsonParsers(fastify);
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ db, client, taskQueue, config }, engine, {
      client,
      ...(options.worker ? { worker: options.worker } : {}),
    }),
    adapter,
    // Fastify's own JSON parser (and the ones above) only: Nest would add url-encoded forms.
    { logger: options.logLevels ?? ['error', 'warn'], abortOnError: false, bodyParser: false },
  );
  app.useGlobalFilters(new ProblemFilter());
  // From the controllers' metadata, once; served by the docs module.
  app.get(OpenApiSpec).set(buildOpenApiDocument(app));
  await app.init();
  await fastify.ready();
  return app;
}
