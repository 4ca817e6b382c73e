import { Inject, Injectable } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { ActiveRuleCache } from '../../engine/registry/active-rules';
import { alreadyRecovered, createBulkRerunJob, findJob, type JobView } from '../../engine/recovery/bulk-jobs';
import { startRerun, type RerunStarted, type RerunVersion } from '../../engine/recovery/rerun';
import { retryFailedRun, type RetryStarted } from '../../engine/recovery/retry';
import { AuditLog } from '../audit/audit-log.service';
import type { Principal } from '../auth/roles';
import { NotFoundProblem, ProblemError } from '../common/problems';
import { RunLookup } from '../runs/run-lookup.service';
import { visibilityQuery, type RunFilter } from '../runs/run-query';
import { runSummary, type RunSummary } from '../runs/run-views';
import { API_DEPS, type ApiDeps } from '../tokens';
import { JobRunnerHost } from './job-runner.host';

/** Runs one bulk rerun may take at most: a wider filter is refused (narrow it, or run it twice). */
export const MAX_BULK_RUNS = 5000;

/** Rerun, retry and bulk rerun of runs, each recorded in the audit. */
@Injectable()
export class RecoveryService {
  constructor(
    @Inject(API_DEPS) private readonly deps: ApiDeps,
    @Inject(Client) private readonly client: Client,
    @Inject(ActiveRuleCache) private readonly rules: ActiveRuleCache,
    @Inject(RunLookup) private readonly lookup: RunLookup,
    @Inject(AuditLog) private readonly auditLog: AuditLog,
    @Inject(JobRunnerHost) private readonly runner: JobRunnerHost,
  ) {}

  /** A new run with the trigger of `runId`, on the latest or the pinned version. */
  async rerun(runId: string, version: RerunVersion, principal: Principal): Promise<RerunStarted> {
    const info = await this.lookup.resolve(runId);
    const input = await this.lookup.inputOf(info);
    if (!input)
      throw new ProblemError(409, 'run-refused', 'The rule cannot run', `run ${runId} has no input`);
    const started = await startRerun(
      { db: this.deps.db, client: this.client, taskQueue: this.deps.taskQueue, rules: this.rules },
      { runId: info.runId, workflowId: info.workflowId, input },
      { version, by: principal.name },
    );
    await this.auditLog.record(principal, {
      action: 'rerun',
      rule: input.rule.name,
      version: started.version,
      detail: { runId: started.runId, workflowId: started.workflowId, rerunOf: runId, asked: version },
    });
    return started;
  }

  /** Resets the failed run `runId` to just before its failed action (see `retryFailedRun`). */
  async retry(runId: string, principal: Principal): Promise<RetryStarted> {
    const info = await this.lookup.resolve(runId);
    const summary = runSummary(info, undefined);
    const retried = await retryFailedRun(
      { db: this.deps.db, client: this.client },
      { workflowId: info.workflowId, runId: info.runId },
      { by: principal.name, rule: summary.rule, version: summary.version },
    );
    if (retried.created) {
      await this.auditLog.record(principal, {
        action: 'retried',
        rule: summary.rule,
        version: summary.version,
        detail: { runId: retried.runId, workflowId: retried.workflowId, retryOf: runId },
      });
    }
    return retried;
  }

  /**
   * The runs a bulk rerun of `filter` takes: matching runs, newest first, without those rerun or
   * retried before (or held by another job). 422 when more than `MAX_BULK_RUNS` match.
   */
  async matching(filter: RunFilter): Promise<RunSummary[]> {
    const status = filter.status;
    const { runs, truncated } = await this.lookup.all(
      visibilityQuery(filter),
      MAX_BULK_RUNS,
      (s) => status === undefined || s.status === status,
    );
    if (truncated) {
      throw new ProblemError(
        422,
        'too-many-runs',
        'Too many runs match',
        `more than ${MAX_BULK_RUNS} runs match the filter: narrow it (rule, status, since, until)`,
      );
    }
    const done = await alreadyRecovered(
      this.deps.db,
      runs.map((r) => r.runId),
    );
    return runs.filter((r) => !done.has(r.runId));
  }

  /** Creates the bulk rerun job of `runs` (oldest first, the order the failures happened). */
  async startBulk(
    filter: RunFilter,
    version: RerunVersion,
    runs: readonly RunSummary[],
    principal: Principal,
  ): Promise<JobView> {
    const job = await createBulkRerunJob(this.deps.db, {
      params: { filter: { ...filter }, version },
      runs: [...runs].reverse().map((r) => ({ runId: r.runId, workflowId: r.workflowId })),
      by: principal.name,
    });
    this.runner.wake();
    await this.auditLog.record(principal, {
      action: 'bulk_rerun',
      rule: filter.rule ?? null,
      detail: { jobId: job.id, filter, version, total: job.total, skipped: job.skipped },
    });
    return job;
  }

  /** A job; `NotFoundProblem` for an unknown id. */
  async job(id: string): Promise<JobView> {
    const job = /^[0-9a-f-]{36}$/.test(id) ? await findJob(this.deps.db, id) : undefined;
    if (!job) throw new NotFoundProblem(`no job with id ${id}`);
    return job;
  }
}
