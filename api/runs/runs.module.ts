import { Module } from '@nestjs/common';
import { RunsController } from './runs.controller';
import { RunsService } from './runs.service';

/** Runs: started by hand, listed, shown, approved and cancelled (read from Temporal). */
@Module({ controllers: [RunsController], providers: [RunsService] })
export class RunsModule {}
