import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';
import { IngestRateLimitGuard } from './ingest-rate-limit.guard';

/** Events: ingest (rate limited per key) and the event log. */
@Module({ controllers: [EventsController], providers: [EventsService, IngestRateLimitGuard] })
export class EventsModule {}
