import { Inject, Injectable } from '@nestjs/common';
import { countOpenApprovals } from '../../engine/approvals/inbox';
import { RuleRegistry } from '../../engine/registry/registry';
import { InvalidBodyError } from '../common/problems';
import { RuleViews } from '../rules/rule-views.service';
import { RunLookup } from '../runs/run-lookup.service';
import { ruleRunsQuery, quote, visibilityQuery } from '../runs/run-query';
import { API_DEPS, type ApiDeps } from '../tokens';

/** How many runs of a rule are in each state. */
export interface RunCounts {
  /** Running now (whenever they started). */
  readonly running: number;
  /** Of the running ones, those waiting for an approval or an event. */
  readonly waiting: number;
  /** Ended within the window: */
  readonly completed: number;
  readonly stopped: number;
  readonly failed: number;
  readonly cancelled: number;
  readonly timedOut: number;
}

/** One rule's line of the overview. */
export interface RuleOverview {
  readonly rule: string;
  readonly state: string;
  readonly counts: RunCounts;
  readonly lastRunAt: string | null;
}

/** `GET /v1/overview`. */
export interface Overview {
  /** The start of the window. */
  readonly since: string;
  readonly hours: number;
  /** Failing rules first (most failures), then by name. */
  readonly rules: readonly RuleOverview[];
  readonly pendingApprovals: number;
}

/** Completed runs of one rule read for their result (to count `stopped`) at most, newest first. */
export const STOPPED_SCAN_LIMIT = 2000;

/** The overview's largest window: 30 days. */
export const MAX_OVERVIEW_HOURS = 720;

/** Runs by state per rule over a window, from Temporal's visibility counts, and pending approvals. */
@Injectable()
export class OverviewService {
  constructor(
    @Inject(API_DEPS) private readonly deps: ApiDeps,
    @Inject(RuleRegistry) private readonly registry: RuleRegistry,
    @Inject(RunLookup) private readonly lookup: RunLookup,
    @Inject(RuleViews) private readonly views: RuleViews,
  ) {}

  async overview(hoursText: string | undefined): Promise<Overview> {
    const hours = hoursText === undefined ? 24 : Number(hoursText);
    if (!Number.isInteger(hours) || hours < 1 || hours > MAX_OVERVIEW_HOURS) {
      throw new InvalidBodyError([
        { path: 'hours', message: `expected a whole number from 1 to ${MAX_OVERVIEW_HOURS}` },
      ]);
    }
    const since = new Date(Date.now() - hours * 3_600_000).toISOString();
    const rules = (await this.registry.list()).filter((r) => r.removedAt === null);
    const waiting = await this.waitingRuns();
    const [lines, pendingApprovals] = await Promise.all([
      Promise.all(
        rules.map(async (r) => ({
          rule: r.name,
          state: r.state,
          counts: await this.counts(r.name, since, waiting.get(r.name) ?? 0),
          lastRunAt: await this.views.lastRunAt(r.name),
        })),
      ),
      countOpenApprovals(this.deps.db),
    ]);
    lines.sort(
      (a, b) => b.counts.failed - a.counts.failed || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0),
    );
    return { since, hours, rules: lines, pendingApprovals };
  }

  private async counts(rule: string, since: string, waiting: number): Promise<RunCounts> {
    const base = `${visibilityQuery({})} AND ${ruleRunsQuery(rule)}`;
    const [running, closed] = await Promise.all([
      this.lookup.countByStatus(`${base} AND ExecutionStatus = 'Running'`),
      this.lookup.countByStatus(`${base} AND ExecutionStatus != 'Running' AND CloseTime >= ${quote(since)}`),
    ]);
    const completed = closed.get('Completed') ?? 0;
    const stopped = completed === 0 ? 0 : await this.stopped(base, since);
    return {
      running: running.get('Running') ?? 0,
      waiting,
      completed: completed - stopped,
      stopped,
      failed: closed.get('Failed') ?? 0,
      cancelled: (closed.get('Canceled') ?? 0) + (closed.get('Terminated') ?? 0),
      timedOut: closed.get('TimedOut') ?? 0,
    };
  }

  /** Completed runs that ended with `stop` (their results are cached once read). */
  private async stopped(base: string, since: string): Promise<number> {
    const query = `${base} AND ExecutionStatus = 'Completed' AND CloseTime >= ${quote(since)}`;
    const { runs } = await this.lookup.all(query, STOPPED_SCAN_LIMIT);
    return runs.filter((r) => r.status === 'stopped').length;
  }

  /** Running runs blocked on an approval or a `wait for`, by rule. */
  private async waitingRuns(): Promise<Map<string, number>> {
    const { rows } = await this.deps.db.query<{ rule: string; n: number }>(
      `SELECT rule, count(DISTINCT run_id)::integer AS n FROM (
         SELECT rule_name AS rule, run_id FROM approvals
          WHERE closed_at IS NULL AND (deadline IS NULL OR deadline > now())
         UNION
         SELECT split_part(workflow_id, '/', 2) AS rule, run_id FROM subscriptions
          WHERE workflow_id LIKE 'opsflow/%'
       ) w GROUP BY rule`,
    );
    return new Map(rows.map((r) => [r.rule, r.n]));
  }
}
