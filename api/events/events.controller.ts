import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { EventStore } from '../../engine/ingest/event-store';
import { RequireRole } from '../auth/role.decorator';
import { ApiMetrics } from '../metrics/api-metrics.service';
import { EventsService, type EventView } from './events.service';

/** One result of `POST /v1/events`. */
export interface IngestResult {
  readonly id: string;
  readonly duplicate: boolean;
}

/** Events in (`ingest`), and what became of them (`viewer`). */
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
  @RequireRole('ingest')
  async ingest(@Body() body: unknown): Promise<IngestResult | { results: IngestResult[] }> {
    const stored = await this.store.ingest(body);
    const results = stored.map((e) => ({ id: e.id, duplicate: e.duplicate }));
    this.metrics.countIngested(results);
    return Array.isArray(body) ? { results } : results[0];
  }

  /** The event, its routing status and the outcome for each rule it concerned. */
  @Get(':id')
  @RequireRole('viewer')
  find(@Param('id') id: string): Promise<EventView> {
    return this.events.find(id);
  }
}
