/**
 * v2 (LANGUAGE.md §13): when a run fails (not when it is cancelled or stopped), it stores an
 * `opsflow.run_failed` event through the `emit` activity, one causal step deeper than its trigger,
 * so rules can alert on failed runs. A run of a rule triggered by `opsflow.run_failed` that fails
 * emits nothing (no alert loops). Behind `patched(RUN_FAILED_PATCH)`: a run recorded before it
 * replays without the extra activity.
 *
 * The event is bookkeeping: if it cannot be stored (the causal depth is exhausted, the store is
 * down), that is noted in the timeline and the run fails as it would have.
 */
import { CancellationScope, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { OpsflowActivities } from '../activities/index';
import { RUN_FAILED_EVENT } from '../dsl/runtime';
import type { RunFailure } from './failures';
import type { RunContext } from './run-context';

/** The patch id of the failed-run event (interpreter behaviour after version 2). */
export const RUN_FAILED_PATCH = 'opsflow.run-failed-event';
/** The idempotency-key step number of the failed-run event (steps are numbered from 1). */
const RUN_FAILED_STEP = 0;

const { emit } = proxyActivities<Pick<OpsflowActivities, 'emit'>>({
  startToCloseTimeout: 30_000,
  retry: {
    maximumAttempts: 5,
    initialInterval: 1000,
    nonRetryableErrorTypes: ['CausalDepthExceeded', 'InvalidEvent', 'NotConfigured'],
  },
});

/** Stores the failed-run event of `failure`, unless the run was itself about a failed run. */
export async function emitRunFailed(run: RunContext, failure: RunFailure): Promise<void> {
  const trigger = run.input.trigger;
  if (trigger.kind === 'event' && trigger.event?.type === RUN_FAILED_EVENT.name) return;
  if (!patched(RUN_FAILED_PATCH)) return;
  const { input } = run;
  const span = failure.span;
  const data: Record<string, unknown> = {
    rule: run.rule.name,
    version: input.version ?? 0,
    run_id: workflowInfo().runId,
    ...(input.key !== undefined ? { key: input.key } : {}),
    error: failure.reason,
    ...(span ? { step: `${span.file}:${span.line}` } : {}),
  };
  try {
    const { eventId } = await CancellationScope.nonCancellable(() =>
      emit({
        type: RUN_FAILED_EVENT.name,
        data,
        causalDepth: run.causalDepth + 1,
        idempotencyKey: run.nextKey(RUN_FAILED_STEP),
        rule: run.rule.name,
        runId: workflowInfo().runId,
      }),
    );
    run.timeline.add('emit', `${RUN_FAILED_EVENT.name} ${eventId}`);
  } catch (err) {
    const message =
      err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
    run.timeline.add('error', `the failed-run event could not be stored: ${message}`);
  }
}
