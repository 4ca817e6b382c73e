import { Module } from '@nestjs/common';
import { RuleHistoryController } from './rule-history.controller';
import { RulesController } from './rules.controller';

/** Rules, their history and switches, and deployments of rule sets. */
@Module({ controllers: [RulesController, RuleHistoryController], providers: [] })
export class RulesModule {}
