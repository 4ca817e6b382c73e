import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { RuleCompiler } from './rule-compiler.service';
import { RuleHistoryController } from './rule-history.controller';
import { RuleViews } from './rule-views.service';
import { RulesController } from './rules.controller';

/** Rules, their history and switches (enable, disable, pause, resume, rollback), deployments. */
@Module({
  imports: [RunsModule],
  controllers: [RulesController, RuleHistoryController],
  providers: [RuleViews, RuleCompiler],
  exports: [RuleViews],
})
export class RulesModule {}
