import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';

/** Liveness and readiness probes. */
@Module({ controllers: [HealthController], providers: [] })
export class HealthModule {}
