import { Module } from '@nestjs/common';
import { MetricsController } from './metrics.controller';

/** `GET /metrics` (the metrics object is in the core module: the request hook feeds it too). */
@Module({ controllers: [MetricsController], providers: [] })
export class MetricsModule {}
