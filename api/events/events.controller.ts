import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  UseGuards,
} from '@nestjs/common';
import { EventStore } from '../../engine/ingest/event-store';
import { ApiQuery, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { PERMISSIONS } from '../auth/permissions';
import { ApiRoute } from '../openapi/api-route.decorator';
import { ApiMetrics } from '../metrics/api-metrics.service';
import {
  EventListSchema,
  EventViewSchema,
  IngestBatchResultSchema,
  IngestResultSchema,
} from './events.schemas';
import { EventsService, MAX_EVENT_PAGE, type EventSummary, type EventView } from './events.service';
import { readHttpEvents } from './cloudevents-http';
import { IngestRateLimitGuard } from './ingest-rate-limit.guard';

/** One result of `POST /v1/events`. */
export interface IngestResult {
  readonly id: string;
  readonly duplicate: boolean;
}

/** Events in (`ingest`), and what became of them (`viewer`). */
@ApiTags('events')
@Controller('v1/events')
export class EventsController {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(EventsService) private readonly events: EventsService,
    @Inject(ApiMetrics) private readonly metrics: ApiMetrics,
  ) {}

  /**
   * One event (→ `{id, duplicate}`) or an array (→ `{results: [...]}`), answered 202 once stored.
   * A refused event (envelope or schema) is a 422 naming its fields; a batch is all or nothing.
   */
  @Post()
  @HttpCode(202)
  @ApiRoute({
    access: 'ingest',
    summary: 'Store one event or a batch',
    status: 202,
    response: {
      oneOf: [{ $ref: getSchemaPath(IngestResultSchema) }, { $ref: getSchemaPath(IngestBatchResultSchema) }],
    },
    models: [IngestResultSchema, IngestBatchResultSchema],
    errors: [400, 413, 415, 422, 429],
    description:
      'Answered 202 once stored (then routed to the rules it triggers). CloudEvents binary, structured and batched modes, or opsflow JSON. A type no deployed rule declares is refused (422 `unknown-event-type`, with the closest declared type). A batch is stored all or nothing. Rate limited per key by `OPSFLOW_INGEST_RATE_LIMIT`.',
  })
  // The request body (three media types) is written by openapi-document.ts: see withEventsBody.
  @UseGuards(IngestRateLimitGuard)
  async ingest(
    @Body() body: unknown,
    @Headers() headers: Readonly<Record<string, string | string[] | undefined>>,
  ): Promise<IngestResult | { results: IngestResult[] }> {
    const request = readHttpEvents(headers, body);
    const stored = await this.store.ingest(request.body);
    const results = stored.map((e) => ({ id: e.id, duplicate: e.duplicate }));
    this.metrics.countIngested(results);
    return request.batch ? { results } : results[0];
  }

  /** `?type=&limit=&cursor=`: stored events, newest first, without their data. */
  @Get()
  @ApiRoute({
    access: PERMISSIONS['events.read'],
    summary: 'Stored events, newest first, a page at a time',
    response: EventListSchema,
    errors: [404, 422],
  })
  @ApiQuery({ name: 'type', required: false, schema: { type: 'string', minLength: 1 } })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_EVENT_PAGE, default: 50 },
  })
  @ApiQuery({
    name: 'cursor',
    required: false,
    type: String,
    description: 'The `nextCursor` of a page (empty: the first page; unknown: 404).',
  })
  list(
    @Query() query: { type?: unknown; limit?: unknown; cursor?: unknown },
  ): Promise<{ events: EventSummary[]; nextCursor: string | null }> {
    return this.events.list(query);
  }

  /** The event, its routing status and the outcome for each rule it concerned. */
  @Get(':id')
  @ApiRoute({
    access: 'viewer',
    summary: 'An event, its routing and its outcome per rule',
    response: EventViewSchema,
    errors: [404],
  })
  find(@Param('id') id: string): Promise<EventView> {
    return this.events.find(id);
  }
}
