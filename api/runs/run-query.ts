/**
 * Filters over runs (`rule`, `status`, `key`, `since`, `until`) as Temporal visibility queries,
 * shared by the run listing, bulk reruns and the overview. Rule and key are in the workflow id
 * (`opsflow/RULE[/key/KEY]…`), times are the runs' start times.
 */
import { parseTime } from '../../dsl';
import { ruleWorkflowId } from '../../engine/router';
import { INTERPRETER_WORKFLOW_TYPE } from '../../workflows/contract';
import type { FieldError } from '../common/problems';
import { RUN_STATUSES, type RunStatus } from './run-views';

/** Which runs: every field optional; `key` needs `rule`. */
export interface RunFilter {
  readonly rule?: string;
  readonly status?: RunStatus;
  readonly key?: string;
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
  if (key !== undefined && rule === undefined) {
    errors.push({ path: `${prefix}key`, message: 'a key names runs of one rule: give rule as well' });
  }
  const since = time('since');
  const until = time('until');
  if (since !== undefined && until !== undefined && since > until) {
    errors.push({ path: `${prefix}until`, message: 'must not be before since' });
  }
  return {
    ...(rule !== undefined ? { rule } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(key !== undefined ? { key } : {}),
    ...(since !== undefined ? { since } : {}),
    ...(until !== undefined ? { until } : {}),
  };
}

/** The visibility query of the interpreter's runs that `filter` names (chains: their latest run). */
export function visibilityQuery(filter: RunFilter): string {
  const parts = [`WorkflowType = '${INTERPRETER_WORKFLOW_TYPE}'`, `ExecutionStatus != 'ContinuedAsNew'`];
  if (filter.rule !== undefined) parts.push(ruleRunsQuery(filter.rule));
  if (filter.rule !== undefined && filter.key !== undefined) {
    const id = ruleWorkflowId(filter.rule, filter.key);
    parts.push(`(WorkflowId = ${quote(id)} OR WorkflowId STARTS_WITH ${quote(`${id}/event/`)})`);
  }
  const statusQuery = filter.status === undefined ? undefined : STATUS_QUERIES[filter.status];
  if (statusQuery) parts.push(statusQuery);
  if (filter.since !== undefined) parts.push(`StartTime >= ${quote(filter.since)}`);
  if (filter.until !== undefined) parts.push(`StartTime <= ${quote(filter.until)}`);
  return parts.join(' AND ');
}

/** Every run of one rule: router, manual, scheduled runs and reruns (`opsflow/RULE…`). */
export function ruleRunsQuery(rule: string): string {
  return `(WorkflowId = ${quote(ruleWorkflowId(rule, undefined))} OR WorkflowId STARTS_WITH ${quote(`opsflow/${rule}/`)})`;
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
