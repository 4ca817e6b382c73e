import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LogLevel } from '@nestjs/common';
import { EventStore } from '../engine/ingest/event-store';
import { ActiveRuleCache } from '../engine/registry/active-rules';
import { RuleRegistry } from '../engine/registry/registry';
import { AppModule } from './app.module';
import { ProblemFilter } from './common/problem.filter';
import { ApiMetrics } from './metrics/api-metrics.service';
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
  /** Nest's log levels (default errors and warnings); `false` for none. */
  readonly logLevels?: LogLevel[] | false;
}

/**
 * Builds and initialises the API on the Fastify adapter (chosen for ingest throughput; the
 * number belongs to the ingest benchmark). It does not listen: the caller calls `listen`, or
 * tests inject requests.
 */
export async function createApiApp(options: ApiAppOptions): Promise<NestFastifyApplication> {
  const { db, client, taskQueue, config } = options;
  const rules = options.rules ?? new ActiveRuleCache(db);
  const engine = {
    rules,
    store: new EventStore(db, {
      rules,
      maxCausalDepth: config.maxCausalDepth,
      ...(options.onEventsStored ? { onStored: options.onEventsStored } : {}),
    }),
    registry: new RuleRegistry(db),
    metrics: new ApiMetrics(),
  };
  const adapter = new FastifyAdapter({ bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT });
  const fastify = adapter.getInstance();
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
  // JSON only: text/plain would reach the routes as a string; anything but JSON is a 415.
  fastify.removeContentTypeParser('text/plain');
  // CloudEvents' structured and batched modes are JSON too.
  fastify.addContentTypeParser(
    ['application/cloudevents+json', 'application/cloudevents-batch+json'],
    { parseAs: 'string' },
    fastify.getDefaultJsonParser('error', 'error'),
  );
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot({ db, client, taskQueue, config }, engine),
    adapter,
    // Fastify's own JSON parser (and the ones above) only: Nest would add url-encoded forms.
    { logger: options.logLevels ?? ['error', 'warn'], abortOnError: false, bodyParser: false },
  );
  app.useGlobalFilters(new ProblemFilter());
  await app.init();
  await fastify.ready();
  return app;
}
