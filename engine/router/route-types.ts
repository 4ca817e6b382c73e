/** The types routing and the run starter share. */
import type { Client } from '@temporalio/client';
import type { Sql } from '../db/sql';

/** What routing did for one (event, rule); `paused`: held until the rule is resumed. */
export type RouteOutcomeKind =
  | 'started'
  | 'skipped'
  | 'dropped'
  | 'queued'
  | 'replaced'
  | 'error'
  | 'paused'
  | 'debounced'
  | 'batched'
  | 'throttled'
  | 'limited';

export interface RouteOutcome {
  readonly rule: string;
  readonly outcome: RouteOutcomeKind;
  readonly workflowId?: string;
  readonly runId?: string;
  /** The guard's explanation (`skipped`), the evaluation error (`error`), or the run dropped for. */
  readonly detail?: string;
}

export interface RouteRuleDeps {
  readonly db: Sql;
  readonly client: Client;
  readonly taskQueue: string;
  /** How long `replace` waits for the cancelled run to finish (compensation) before terminating it. */
  readonly replaceGraceMs: number;
  /** Called once a run was started or signalled, before the outcome is recorded (tests, metrics). */
  readonly onStarted?: (info: { eventId: string; rule: string; workflowId: string }) => Promise<void> | void;
}
