import { Module } from '@nestjs/common';
import { SchedulesController } from './schedules.controller';

/** The Temporal Schedules of scheduled rules; every action on them is audited. */
@Module({ controllers: [SchedulesController], providers: [] })
export class SchedulesModule {}
