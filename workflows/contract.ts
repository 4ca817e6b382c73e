/**
 * The contract between the interpreter workflow and everything that starts, signals and queries
 * it (the engine's router, the API, `opsflow test`). Types and signal/query definitions only, so
 * both the workflow bundle and Node code can import it.
 *
 * Names on the wire (workflow type, signal, query and update names) are stable: runs in flight
 * depend on them. Change them only together with a `patched()` migration of the interpreter.
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { RuleIR, Span } from '../dsl/runtime';

/** The workflow type of the one interpreter workflow. */
export const INTERPRETER_WORKFLOW_TYPE = 'interpretRule';

/** An event as a run sees it: the stored fact (id, type, time) and its validated data. */
export interface RunEvent {
  readonly id: string;
  readonly type: string;
  /** ISO-8601 UTC time the event happened (or was received, when the producer gave none). */
  readonly time: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly source?: string;
  /** How many `emit`s led to this event (0 for events from outside). */
  readonly causalDepth?: number;
  /** W3C Trace Context of the event (its CloudEvents `traceparent` extension): the run's trace. */
  readonly traceparent?: string;
  readonly tracestate?: string;
}

/** What started a run. */
export type RunTrigger =
  | { readonly kind: 'event'; readonly event: RunEvent }
  | { readonly kind: 'schedule'; readonly scheduledAt?: string }
  | { readonly kind: 'manual'; readonly input: Readonly<Record<string, unknown>>; readonly by?: string };

/** The input of a run: the pinned IR of the rule version it started with, and its trigger. */
export interface RunInput {
  readonly rule: RuleIR;
  /** Registry version number of the rule, for display; the IR is what runs. */
  readonly version?: number;
  readonly trigger: RunTrigger;
  /** The correlation key value the router computed (`key` clause), for display and queries. */
  readonly key?: string;
  /** Causal depth of the trigger; an `emit` from this run carries depth + 1. */
  readonly causalDepth?: number;
  /**
   * v2, `debounce`/`batch` rules only: every trigger of the burst or batch, oldest first (the
   * trigger itself is among them). The rule's `events`.
   */
  readonly events?: readonly RunEvent[];
  /**
   * v2, rules whose IR has `usesPrevious`: the last event of the trigger type routed to the rule
   * with the same key before the trigger, or null. The rule's `previous` is its `data`.
   */
  readonly previous?: RunEvent | null;
  /**
   * Set only by the interpreter itself when it continues as new: where to resume. Opaque to
   * callers.
   */
  readonly resume?: unknown;
  /**
   * Continue as new once a run's history holds this many events, on top of the server's own
   * `continueAsNewSuggested`. Internal: tests use it to force continue-as-new with a small history;
   * leave it unset in production.
   */
  readonly historyEventLimit?: number;
}

/** A human decision on an `approve` step. */
export interface ApprovalDecision {
  readonly approved: boolean;
  readonly by?: string;
  readonly comment?: string;
  /** When it was given (ISO-8601); the run's clock when absent. */
  readonly at?: string;
}

/** Delivers an event to a running run (deduplicated by event id; buffered until a `wait` uses it). */
export const eventSignal = defineSignal<[RunEvent]>('opsflow.event');

/** Gives the decision for the `approve` step the run is waiting on (ignored if it is not waiting). */
export const approvalSignal = defineSignal<[ApprovalDecision]>('opsflow.approval');

/**
 * Gives the decision for the `approve` step the run is waiting on; the validator rejects it (so
 * the caller can answer 409) when the run is not waiting for an approval.
 */
export const approveUpdate = defineUpdate<{ accepted: true }, [ApprovalDecision]>('opsflow.approve');

/** For `concurrency queue`: another trigger for the same key, run after the current one. */
export const enqueueSignal = defineSignal<[RunTrigger]>('opsflow.enqueue');

/** The run's state, for the API and for `opsflow test` failures. */
export const stateQuery = defineQuery<RunState>('opsflow.state');

/** Where in the rule source something happened. */
export interface SourceRef {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** The file, line and column of a span (its end is not needed to name a place). */
export function sourceRef(span: Span): SourceRef {
  return { file: span.file, line: span.line, column: span.column };
}

/** One line of a run's timeline. */
export interface TimelineEntry {
  /** ISO-8601 workflow time. */
  readonly at: string;
  readonly kind:
    | 'started'
    | 'call'
    | 'call_result'
    | 'call_failed'
    | 'log'
    | 'set'
    | 'sleep'
    | 'wait'
    | 'event'
    | 'timeout'
    | 'approval_requested'
    | 'approval'
    | 'emit'
    | 'branch'
    | 'stop'
    | 'fail'
    | 'error'
    | 'compensate'
    | 'completed'
    | 'cancelled';
  readonly source?: SourceRef;
  readonly detail: string;
}

/** What a run is blocked on right now, if anything. */
export type Waiting =
  | {
      readonly kind: 'event';
      readonly event: string;
      readonly correlation?: { readonly field: string; readonly value: unknown };
      readonly until?: string;
    }
  | {
      readonly kind: 'approval';
      readonly description: string;
      readonly role?: string;
      readonly until?: string;
    }
  | { readonly kind: 'sleep'; readonly until: string }
  | { readonly kind: 'action'; readonly action: string };

/** A failure with its place in the rule source. */
export interface RunError {
  /** Stable type: `RuleFailed` (`fail`), `ActionFailed`, `ExpressionError`, `RuleTimedOut`, ... */
  readonly type: string;
  readonly message: string;
  readonly rule: string;
  readonly source?: SourceRef;
}

/** What `stateQuery` answers: the run's status, where it is, what it waits for, what it did. */
export interface RunState {
  readonly rule: string;
  readonly status: 'running' | 'compensating' | 'completed' | 'stopped' | 'failed' | 'cancelled';
  /** The step being executed (the innermost one), with its source position. */
  readonly step?: { readonly kind: string; readonly source: SourceRef };
  readonly waiting: readonly Waiting[];
  /** Names bound so far (secrets stay as markers). */
  readonly bindings: Readonly<Record<string, unknown>>;
  /** The latest entries (at most `TIMELINE_LIMIT` of them), oldest first. */
  readonly timeline: readonly TimelineEntry[];
  /** How many older entries were dropped to keep the timeline bounded. */
  readonly timelineDropped?: number;
  readonly error?: RunError;
}

/** The workflow's result when it ends without failing. */
export interface RunResult {
  readonly status: 'completed' | 'stopped';
  readonly message?: string;
}

/** An `approve` step waiting for a decision, as the run reports it to the approvals inbox. */
export interface ApprovalOpened {
  readonly workflowId: string;
  readonly runId: string;
  /** The approval's number within this execution of the run. */
  readonly seq: number;
  readonly rule: string;
  readonly key?: string;
  readonly description: string;
  /** `approve … by "GROUP"`: who may decide (besides admin). */
  readonly group?: string;
  /** ISO time the step gives up (`within`). */
  readonly deadline?: string;
  /** ISO workflow time it was asked. */
  readonly requestedAt: string;
}

/** How a reported approval ended. */
export interface ApprovalClosed {
  readonly runId: string;
  readonly seq: number;
  readonly outcome: 'approved' | 'rejected' | 'timed_out' | 'cancelled';
  /** Who decided, for a decision. */
  readonly by?: string;
}

/**
 * Activities the interpreter uses besides actions, provided by whoever hosts the worker (the
 * engine, or `opsflow test`).
 */
export interface EngineActivities {
  /**
   * The run reached a `wait for`: record the subscription so the router can find the run, and
   * deliver (by signal) every matching event stored since `since`. Idempotent.
   */
  subscribe(input: {
    readonly workflowId: string;
    readonly runId: string;
    readonly event: string;
    readonly correlation?: { readonly field: string; readonly value: unknown };
    readonly since: string;
  }): Promise<void>;
  /**
   * The `wait for` finished: drop the subscription. Idempotent. With `exact`, only the
   * subscription with this `correlation` (or, without one, the uncorrelated one) is dropped, so a
   * parallel branch waiting for the same type keeps its own; without `exact` (runs recorded
   * before it existed) and without `correlation`, every subscription of the run to `event` is.
   */
  unsubscribe(input: {
    readonly workflowId: string;
    readonly event: string;
    readonly correlation?: { readonly field: string; readonly value: unknown };
    readonly exact?: boolean;
  }): Promise<void>;
  /** An `approve` step began waiting: list it in the approvals inbox. Idempotent. */
  approvalOpened(input: ApprovalOpened): Promise<void>;
  /** The approval was decided, timed out or cancelled: take it out of the inbox. Idempotent. */
  approvalClosed(input: ApprovalClosed): Promise<void>;
}
