import { Module } from '@nestjs/common';
import { RunLookup } from './run-lookup.service';
import { RunsController } from './runs.controller';
import { RunsService } from './runs.service';

/** Runs: started by hand, listed, shown, approved and cancelled (read from Temporal). */
@Module({
  controllers: [RunsController],
  providers: [RunLookup, RunsService],
  exports: [RunLookup, RunsService],
})
export class RunsModule {}
