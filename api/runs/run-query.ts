/**
 * Filters over runs (`rule`, `status`, `key`, `event`, `trigger`, `since`, `until`) as Temporal
 * visibility queries, shared by the run listing, bulk reruns and the overview. Every run carries
 * opsflow's search attributes (`workflows/search-attributes.ts`), so the same queries work in
 * Temporal's UI and CLI; times are the runs' start times.
 */
import { parseTime } from '../../dsl';
import { keyPart } from '../../engine/router';
import { INTERPRETER_WORKFLOW_TYPE } from '../../workflows/contract';
import type { FieldError } from '../common/problems';
import { RUN_STATUSES, type RunStatus } from './run-views';

/** What can start a run, as the `OpsflowTrigger` search attribute names it. */
export const RUN_TRIGGERS = ['event', 'schedule', 'manual'] as const;

/** Which runs: every field optional. */
export interface RunFilter {
  readonly rule?: string;
  readonly status?: RunStatus;
  readonly key?: string;
  /** The id of the event that triggered the runs. */
  readonly event?: string;
  /** `event`, `schedule` or `manual`. */
  readonly trigger?: (typeof RUN_TRIGGERS)[number];
  /** ISO-8601: runs started at or after. */
  readonly since?: string;
  /** ISO-8601: runs started at or before. */
  readonly until?: string;
}

/** The filter as a query string or a body gives it. */
export type RunFilterInput = Readonly<Partial<Record<keyof RunFilter, unknown>>>;

/**
 * Reads a filter, pushing one error per wrong field (`prefix` names where the filter sits in a
 * body, e.g. `filter.`).
 */
export function readRunFilter(input: RunFilterInput, errors: FieldError[], prefix = ''): RunFilter {
  const text = (name: keyof RunFilter): string | undefined => {
    const value = input[name];
    if (value === undefined) return undefined;
    if (typeof value === 'string' && value !== '' && value.length <= 500) return value;
    errors.push({ path: prefix + name, message: 'expected non-empty text' });
    return undefined;
  };
  const time = (name: 'since' | 'until'): string | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    const ms = parseTime(value);
    if (ms !== undefined) return new Date(ms).toISOString();
    errors.push({ path: prefix + name, message: 'expected an ISO-8601 time (2026-01-31T08:00:00Z)' });
    return undefined;
  };
  const rule = text('rule');
  const key = text('key');
  const given = text('status');
  const status = RUN_STATUSES.find((s) => s === given);
  if (given !== undefined && status === undefined) {
    errors.push({ path: `${prefix}status`, message: `expected one of ${RUN_STATUSES.join(', ')}` });
  }
  const event = text('event');
  const givenTrigger = text('trigger');
  const trigger = RUN_TRIGGERS.find((t) => t === givenTrigger);
  if (givenTrigger !== undefined && trigger === undefined) {
    errors.push({ path: `${prefix}trigger`, message: `expected one of ${RUN_TRIGGERS.join(', ')}` });
  }
  const since = time('since');
  const until = time('until');
  // `until` before `since` is an empty range, not an error: it matches no run (a JSON Schema
  // cannot say that one field must not be before another, so the server does not refuse it).
  return {
    ...(rule !== undefined ? { rule } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(event !== undefined ? { event } : {}),
    ...(trigger !== undefined ? { trigger } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
  };
}

/** The visibility query of the interpreter's runs that `filter` names (chains: their latest run). */
export function visibilityQuery(filter: RunFilter): string {
  const parts = [`WorkflowType = '${INTERPRETER_WORKFLOW_TYPE}'`, `ExecutionStatus != 'ContinuedAsNew'`];
  if (filter.rule !== undefined) parts.push(ruleRunsQuery(filter.rule));
  if (filter.key !== undefined) parts.push(`OpsflowKey = ${quote(keyPart(filter.key))}`);
  if (filter.event !== undefined) parts.push(`OpsflowEventId = ${quote(filter.event)}`);
  if (filter.trigger !== undefined) parts.push(`OpsflowTrigger = ${quote(filter.trigger)}`);
  const statusQuery = filter.status === undefined ? undefined : STATUS_QUERIES[filter.status];
  if (statusQuery) parts.push(statusQuery);
  if (filter.since !== undefined) parts.push(`StartTime >= ${quote(filter.since)}`);
  if (filter.until !== undefined) parts.push(`StartTime <= ${quote(filter.until)}`);
  return parts.join(' AND ');
}

/** Every run of one rule: router, manual, scheduled runs and reruns. */
export function ruleRunsQuery(rule: string): string {
  return `OpsflowRule = ${quote(rule)}`;
}

/**
 * The visibility status of each API status. `completed` and `stopped` are both Temporal's
 * `Completed`, told apart by the run's result.
 */
export const STATUS_QUERIES: Readonly<Record<RunStatus, string>> = {
  running: `ExecutionStatus = 'Running'`,
  completed: `ExecutionStatus = 'Completed'`,
  stopped: `ExecutionStatus = 'Completed'`,
  failed: `ExecutionStatus = 'Failed'`,
  cancelled: `(ExecutionStatus = 'Canceled' OR ExecutionStatus = 'Terminated')`,
  timed_out: `ExecutionStatus = 'TimedOut'`,
};

/** A string literal of the visibility query language. */
export function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
