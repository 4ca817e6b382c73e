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
  /** The correlation key, from the workflow id (`opsflow/RULE/key/KEY`; long keys are hashed). */
  readonly key: string | null;
  readonly startedAt: string;
  readonly closedAt: string | null;
}

/** One step of a run's timeline. */
export interface RunStep {
  readonly at: string;
  readonly kind: string;
  /** `file:line` in the rule source, when the step has a place. */
  readonly where: string | null;
  readonly source: SourceRef | null;
  readonly detail: string;
}

/** A run in full. */
export interface RunDetail extends RunSummary {
  readonly trigger: RunTrigger | null;
  /** The message of a `stop` (or of the completion). */
  readonly message: string | null;
  readonly step: { readonly kind: string; readonly where: string; readonly source: SourceRef } | null;
  readonly waiting: readonly Waiting[];
  readonly timeline: readonly RunStep[];
  readonly timelineDropped: number;
  readonly error: (RunError & { readonly where: string | null }) | null;
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
  const status = TEMPORAL_STATUS[info.status.name] ?? 'running';
  return {
    runId: info.runId,
    workflowId: info.workflowId,
    rule: typeof memo.rule === 'string' ? memo.rule : rule,
    version: typeof memo.version === 'number' ? memo.version : null,
    status: status === 'completed' && result?.status === 'stopped' ? 'stopped' : status,
    key,
    startedAt: info.startTime.toISOString(),
    closedAt: info.closeTime?.toISOString() ?? null,
  };
}

/** A run in full: version, trigger and key from its input, the rest from its state. */
export function runDetail(
  info: WorkflowExecutionInfo,
  input: RunInput | undefined,
  state: RunState | undefined,
  result: RunResult | undefined,
): RunDetail {
  const summary = runSummary(info, result);
  return {
    ...summary,
    rule: input?.rule.name ?? summary.rule,
    version: input?.version ?? summary.version,
    key: input?.key ?? summary.key,
    trigger: input?.trigger ?? null,
    message: result?.message ?? null,
    step: state?.step ? { ...state.step, where: where(state.step.source) } : null,
    waiting: state?.waiting ?? [],
    timeline: (state?.timeline ?? []).map((e) => ({
      at: e.at,
      kind: e.kind,
      where: e.source ? where(e.source) : null,
      source: e.source ?? null,
      detail: e.detail,
    })),
    timelineDropped: state?.timelineDropped ?? 0,
    error: state?.error
      ? { ...state.error, where: state.error.source ? where(state.error.source) : null }
      : null,
  };
}

function where(source: SourceRef): string {
  return `${source.file}:${source.line}`;
}
