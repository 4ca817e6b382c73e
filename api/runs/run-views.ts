/**
 * How a run is shown: Temporal's execution info, the run's input and its `stateQuery` answer,
 * mapped to the API's run status and fields.
 */
import type { WorkflowExecutionInfo } from '@temporalio/client';
import type {
  RunError,
  RunInput,
  RunResult,
  RunState,
  RunTrigger,
  SourceRef,
  Waiting,
} from '../../workflows/contract';
import { timelineSteps, type RunStep } from './run-timeline';
import { EVENT_ID_MEMO } from '../../engine/router';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/search-attributes';

/** A run's status as the API names it. */
export const RUN_STATUSES = ['running', 'completed', 'failed', 'stopped', 'cancelled', 'timed_out'] as const;

/** One of `RUN_STATUSES`. */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A run as listed. */
export interface RunSummary {
  readonly runId: string;
  readonly workflowId: string;
  readonly rule: string | null;
  /** From the run's memo (router and manual runs); null for scheduled runs in a listing. */
  readonly version: number | null;
  readonly status: RunStatus;
  /** The correlation key, from the run's `OpsflowKey` search attribute (long keys are hashed). */
  readonly key: string | null;
  /** The id of the event that triggered the run (`OpsflowEventId`); null for other triggers. */
  readonly eventId: string | null;
  readonly startedAt: string;
  readonly closedAt: string | null;
}

/** A run's error with its place in the rule source (`file`, `line`: null when unknown). */
export interface RunErrorView extends RunError {
  readonly where: string | null;
  readonly file: string | null;
  readonly line: number | null;
}

/** How a run is linked to the runs made from it and the run it was made from. */
export interface RunLinks {
  /** The run this one reruns. */
  readonly rerunOf: string | null;
  /** Reruns of this run, oldest first. */
  readonly reruns: readonly string[];
  /** The failed run this one retries (a reset of it). */
  readonly retryOf: string | null;
  /** The run that retries this failed one. */
  readonly retriedAs: string | null;
}

/** A run in full. */
export interface RunDetail extends RunSummary, RunLinks {
  readonly trigger: RunTrigger | null;
  /** The W3C `traceparent` of the triggering event: the trace the event and this run share. */
  readonly traceparent: string | null;
  /** The message of a `stop` (or of the completion). */
  readonly message: string | null;
  readonly step: { readonly kind: string; readonly where: string; readonly source: SourceRef } | null;
  readonly waiting: readonly Waiting[];
  readonly timeline: readonly RunStep[];
  readonly timelineDropped: number;
  readonly error: RunErrorView | null;
  /** The run in Temporal's Web UI, when its address is known. */
  readonly temporalUiUrl: string | null;
}

const TEMPORAL_STATUS: Readonly<Record<string, RunStatus>> = {
  RUNNING: 'running',
  // The chain goes on under a new run id (listings leave these out).
  CONTINUED_AS_NEW: 'running',
  COMPLETED: 'completed',
  FAILED: 'failed',
  CANCELLED: 'cancelled',
  TERMINATED: 'cancelled',
  TIMED_OUT: 'timed_out',
};

/** Rule and key of a run from its workflow id (`opsflow/RULE[/key/KEY[/event/ID]]`, `/manual/…`, `/schedule…`). */
export function parseRunWorkflowId(workflowId: string): { rule: string | null; key: string | null } {
  const match = /^opsflow\/([^/]+)(?:\/(.*))?$/.exec(workflowId);
  if (!match) return { rule: null, key: null };
  const key = match[2] === undefined ? null : (/^key\/(.+?)(?:\/event\/.+)?$/.exec(match[2])?.[1] ?? null);
  return { rule: match[1], key };
}

/** The listed fields of a run; `result` tells a `stop` from a completion. */
export function runSummary(info: WorkflowExecutionInfo, result: RunResult | undefined): RunSummary {
  const { rule, key } = parseRunWorkflowId(info.workflowId);
  const memo = info.memo ?? {};
  const attributes = info.typedSearchAttributes;
  const k = SEARCH_ATTRIBUTE_KEYS;
  const status = TEMPORAL_STATUS[info.status.name] ?? 'running';
  // Runs started before opsflow set search attributes fall back to their memo and workflow id.
  const version = attributes.get(k.version) ?? (typeof memo.version === 'number' ? memo.version : null);
  return {
    runId: info.runId,
    workflowId: info.workflowId,
    rule: attributes.get(k.rule) ?? (typeof memo.rule === 'string' ? memo.rule : rule),
    version,
    status: status === 'completed' && result?.status === 'stopped' ? 'stopped' : status,
    // Reruns are runs of their own (not under the key's workflow id): their memo names the key.
    key: attributes.get(k.key) ?? (typeof memo.key === 'string' ? memo.key : key),
    eventId:
      attributes.get(k.eventId) ?? (typeof memo[EVENT_ID_MEMO] === 'string' ? memo[EVENT_ID_MEMO] : null),
    startedAt: info.startTime.toISOString(),
    closedAt: info.closeTime?.toISOString() ?? null,
  };
}

/** What a run's detail shows besides Temporal's view: links, the Web UI's address, the time. */
export interface RunDetailExtras {
  readonly links: RunLinks;
  readonly temporalUiUrl: string | null;
  readonly now: number;
}

/** A run in full: version, trigger and key from its input, the rest from its state. */
export function runDetail(
  info: WorkflowExecutionInfo,
  input: RunInput | undefined,
  state: RunState | undefined,
  result: RunResult | undefined,
  extras: RunDetailExtras,
): RunDetail {
  const summary = runSummary(info, result);
  const error = state?.error;
  return {
    ...summary,
    rule: input?.rule.name ?? summary.rule,
    version: input?.version ?? summary.version,
    key: input?.key ?? summary.key,
    trigger: input?.trigger ?? null,
    traceparent: traceparentOf(input, info),
    message: result?.message ?? null,
    step: state?.step ? { ...state.step, where: where(state.step.source) } : null,
    waiting: state?.waiting ?? [],
    timeline: timelineSteps(state?.timeline ?? [], { closedAt: summary.closedAt, now: extras.now }),
    timelineDropped: state?.timelineDropped ?? 0,
    error: error
      ? {
          ...error,
          where: error.source ? where(error.source) : null,
          file: error.source?.file ?? null,
          line: error.source?.line ?? null,
        }
      : null,
    ...extras.links,
    temporalUiUrl: extras.temporalUiUrl,
  };
}

function traceparentOf(input: RunInput | undefined, info: WorkflowExecutionInfo): string | null {
  const trigger = input?.trigger;
  if (trigger?.kind === 'event' && trigger.event.traceparent !== undefined) return trigger.event.traceparent;
  const memo = info.memo?.traceparent;
  return typeof memo === 'string' ? memo : null;
}

function where(source: SourceRef): string {
  return `${source.file}:${source.line}`;
}
