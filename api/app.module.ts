import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApprovalsModule } from './approvals/approvals.module';
import { AuditModule } from './audit/audit.module';
import { AuthGuard } from './auth/auth.guard';
import { ConsoleModule } from './console/console.module';
import { CoreModule, type ApiEngine } from './core/core.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { KeysModule } from './keys/keys.module';
import { MetricsModule } from './metrics/metrics.module';
import { DocsModule } from './openapi/docs.module';
import { OverviewModule } from './overview/overview.module';
import { RecoveryModule } from './recovery/recovery.module';
import { RulesModule } from './rules/rules.module';
import { RunsModule } from './runs/runs.module';
import { SchedulesModule } from './schedules/schedules.module';
import { SessionModule } from './session/session.module';
import { TemporalModule, type TemporalModuleOptions } from './temporal/temporal.module';
import type { ApiDeps } from './tokens';

export type { ApiEngine } from './core/core.module';

/** The feature modules, one per group of routes (the order of the routes in the OpenAPI spec). */
export const FEATURE_MODULES = [
  HealthModule,
  SessionModule,
  OverviewModule,
  EventsModule,
  RulesModule,
  RunsModule,
  RecoveryModule,
  ApprovalsModule,
  SchedulesModule,
  KeysModule,
  AuditModule,
  MetricsModule,
] as const;

/** The API: the feature modules on the core and Temporal modules, the auth guard on every route. */
@Module({})
export class AppModule {
  /**
   * The module for one app instance. `temporal` defaults to the client of `deps`, which the app
   * then never closes.
   */
  static forRoot(
    deps: ApiDeps,
    engine: ApiEngine,
    temporal: TemporalModuleOptions = { client: deps.client },
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(deps, engine),
        TemporalModule.forRoot(temporal),
        ...FEATURE_MODULES,
        DocsModule,
        ConsoleModule,
      ],
      // App-wide: a route that declares no role is refused, whichever module it is in.
      providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
    };
  }
}
