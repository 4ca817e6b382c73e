import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { JobRunnerHost } from './job-runner.host';
import { RecoveryController } from './recovery.controller';
import { RecoveryService } from './recovery.service';

/** Rerun, retry and bulk rerun of runs, and the loop that runs bulk jobs. */
@Module({
  imports: [RunsModule],
  controllers: [RecoveryController],
  providers: [RecoveryService, JobRunnerHost],
})
export class RecoveryModule {}
