import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The route label of a request no route matched (404s), so unknown paths make no new series. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * The API's Prometheus metrics, in a registry of its own per app (two apps in one process, as in
 * the tests, do not share counters): HTTP requests by route and status, events ingested, and
 * Node's default process metrics.
 */
export class ApiMetrics {
  /** Where every metric below is registered; `GET /metrics` renders it. */
  readonly registry = new Registry();

  private readonly requests = new Counter({
    name: 'opsflow_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  private readonly duration = new Histogram({
    name: 'opsflow_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  private readonly ingested = new Counter({
    name: 'opsflow_events_ingested_total',
    help: 'Events accepted by POST /v1/events: result is new, or duplicate (an id seen before).',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    // Present from the start, so a rate() over them has a baseline.
    this.ingested.inc({ result: 'new' }, 0);
    this.ingested.inc({ result: 'duplicate' }, 0);
  }

  /** One answered request; `route` is the route's pattern (`/v1/runs/:runId`), not the path. */
  observeRequest(method: string, route: string | undefined, status: number, seconds: number): void {
    const labels = { method, route: route ?? UNMATCHED_ROUTE, status: String(status) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }

  /** Events just stored by the ingest route. */
  countIngested(results: readonly { readonly duplicate: boolean }[]): void {
    const duplicates = results.filter((r) => r.duplicate).length;
    if (results.length > duplicates) this.ingested.inc({ result: 'new' }, results.length - duplicates);
    if (duplicates > 0) this.ingested.inc({ result: 'duplicate' }, duplicates);
  }

  /** The Prometheus text exposition of every metric. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** The content type of `render()`'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }
}
