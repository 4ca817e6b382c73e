import { Controller, Get, Header, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ApiRoute } from '../openapi/api-route.decorator';
import { ApiMetrics } from './api-metrics.service';

/** The content type of Prometheus' text format, version 0.0.4 (what prom-client renders). */
const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * `GET /metrics` in the Prometheus text format, for role `viewer`: the API listens on every
 * interface, and request counts by route tell outsiders what is used. A scrape job sends a
 * viewer key (`authorization: {credentials: <key>}` in Prometheus' scrape config).
 */
@ApiTags('metrics')
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(ApiMetrics) private readonly metrics: ApiMetrics) {}

  /** Every metric of this API process. */
  @Get()
  @ApiRoute({
    access: 'viewer',
    summary: 'Prometheus metrics of this API process',
    response: { type: 'string' },
    produces: PROMETHEUS_CONTENT_TYPE,
  })
  @Header('content-type', PROMETHEUS_CONTENT_TYPE)
  render(): Promise<string> {
    return this.metrics.render();
  }
}
