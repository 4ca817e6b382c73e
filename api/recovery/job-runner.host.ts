import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { Logger } from '@nestjs/common';
import { JobRunner } from '../../engine/recovery/job-runner';
import { ActiveRuleCache } from '../../engine/registry/active-rules';
import { RuleRegistry } from '../../engine/registry/registry';
import { API_DEPS, type ApiDeps } from '../tokens';

/**
 * Runs the bulk rerun jobs' loop while the API is up (every API process runs one; the jobs'
 * rows keep them from doing an item twice), and stops it when the app closes.
 */
@Injectable()
export class JobRunnerHost implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly runner: JobRunner;
  private readonly logger = new Logger('jobs');

  constructor(
    @Inject(API_DEPS) deps: ApiDeps,
    @Inject(Client) client: Client,
    @Inject(ActiveRuleCache) rules: ActiveRuleCache,
    @Inject(RuleRegistry) registry: RuleRegistry,
  ) {
    this.runner = new JobRunner({
      db: deps.db,
      client,
      taskQueue: deps.taskQueue,
      rules,
      registry,
      ratePerSecond: deps.config.bulkRerunRate,
      onError: (err) =>
        this.logger.warn(`bulk rerun step failed: ${err instanceof Error ? err.message : String(err)}`),
    });
  }

  onApplicationBootstrap(): void {
    this.runner.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.runner.stop();
  }

  /** Looks for work now. */
  wake(): void {
    this.runner.wake();
  }
}
