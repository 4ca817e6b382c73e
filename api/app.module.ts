import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { EventStore } from '../engine/ingest/event-store';
import { ActiveRuleCache } from '../engine/registry/active-rules';
import { RuleRegistry } from '../engine/registry/registry';
import { AuditController } from './audit/audit.controller';
import { ApiKeysService } from './auth/api-keys.service';
import { AuthGuard } from './auth/auth.guard';
import { EventsController } from './events/events.controller';
import { EventsService } from './events/events.service';
import { HealthController } from './health/health.controller';
import { KeysController } from './keys/keys.controller';
import { ApiMetrics } from './metrics/api-metrics.service';
import { MetricsController } from './metrics/metrics.controller';
import { RuleHistoryController } from './rules/rule-history.controller';
import { RulesController } from './rules/rules.controller';
import { RunsController } from './runs/runs.controller';
import { RunsService } from './runs/runs.service';
import { SchedulesController } from './schedules/schedules.controller';
import { API_DEPS, type ApiDeps } from './tokens';

/** What the module builds on besides `ApiDeps`; created by `createApiApp` unless given. */
export interface ApiEngine {
  /** Shared with the router of the same process, so the rules are read once per change. */
  readonly rules: ActiveRuleCache;
  readonly store: EventStore;
  readonly registry: RuleRegistry;
  /** The Prometheus metrics of this app, also fed by the request hook of `createApiApp`. */
  readonly metrics: ApiMetrics;
}

/** The API: every controller, the auth guard on every route, the engine objects they use. */
@Module({})
export class AppModule {
  /** The module for one app instance. */
  static forRoot(deps: ApiDeps, engine: ApiEngine): DynamicModule {
    return {
      module: AppModule,
      controllers: [
        HealthController,
        EventsController,
        RulesController,
        RuleHistoryController,
        RunsController,
        SchedulesController,
        KeysController,
        AuditController,
        MetricsController,
      ],
      providers: [
        { provide: API_DEPS, useValue: deps },
        { provide: ActiveRuleCache, useValue: engine.rules },
        { provide: EventStore, useValue: engine.store },
        { provide: RuleRegistry, useValue: engine.registry },
        { provide: ApiMetrics, useValue: engine.metrics },
        ApiKeysService,
        EventsService,
        RunsService,
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
    };
  }
}
