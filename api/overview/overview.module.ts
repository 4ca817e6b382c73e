import { Module } from '@nestjs/common';
import { RulesModule } from '../rules/rules.module';
import { RunsModule } from '../runs/runs.module';
import { OverviewController } from './overview.controller';
import { OverviewService } from './overview.service';

/** `GET /v1/overview`. */
@Module({
  imports: [RunsModule, RulesModule],
  controllers: [OverviewController],
  providers: [OverviewService],
})
export class OverviewModule {}
