import { Global, Module, type DynamicModule } from '@nestjs/common';
import { EventStore } from '../../engine/ingest/event-store';
import { ActiveRuleCache } from '../../engine/registry/active-rules';
import { RuleRegistry } from '../../engine/registry/registry';
import { AuditLog } from '../audit/audit-log.service';
import { ApiKeysService } from '../auth/api-keys.service';
import { ApiMetrics } from '../metrics/api-metrics.service';
import { API_DEPS, type ApiDeps } from '../tokens';

/** What the feature modules build on besides `ApiDeps`; created by `createApiApp` unless given. */
export interface ApiEngine {
  /** Shared with the router of the same process, so the rules are read once per change. */
  readonly rules: ActiveRuleCache;
  readonly store: EventStore;
  readonly registry: RuleRegistry;
  /** The Prometheus metrics of this app, also fed by the request hook of `createApiApp`. */
  readonly metrics: ApiMetrics;
}

/**
 * The engine objects and services every feature module uses, made global: the auth guard (an
 * app-wide guard) needs the keys service in every module, and the engine objects are one per app.
 */
@Global()
@Module({})
export class CoreModule {
  /** The module for one app instance. */
  static forRoot(deps: ApiDeps, engine: ApiEngine): DynamicModule {
    const providers = [
      { provide: API_DEPS, useValue: deps },
      { provide: ActiveRuleCache, useValue: engine.rules },
      { provide: EventStore, useValue: engine.store },
      { provide: RuleRegistry, useValue: engine.registry },
      { provide: ApiMetrics, useValue: engine.metrics },
      ApiKeysService,
      AuditLog,
    ];
    return {
      module: CoreModule,
      providers,
      exports: [API_DEPS, ActiveRuleCache, EventStore, RuleRegistry, ApiMetrics, ApiKeysService, AuditLog],
    };
  }
}
