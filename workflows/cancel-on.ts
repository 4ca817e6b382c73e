/**
 * v2: `cancel on EVENT as NAME where ...`. Before `do` begins, the run subscribes to EVENT (by the
 * clause's correlation, evaluated with `event` bound) since the run started, the way a `wait for`
 * does; every event delivered to the run is then checked at once, in the signal handler. The first
 * that fits (`where` sees `event` and NAME) cancels the run: it is noted in the timeline, no action
 * or `emit` of `do` starts from that moment on (`RunContext.cancelledBy`), and the run asks
 * Temporal to cancel it, so it ends like a run cancelled from outside: `compensate` runs, and the
 * run is recorded as cancelled.
 *
 * Decision: "the cancel was recorded" is the moment the run accepted the event (its signal is in
 * the history). Signals are applied before the other jobs of an activation, so an action whose
 * previous step completed in the same activation as the cancel is not started.
 */
import { CancellationScope, getExternalWorkflowHandle, workflowInfo } from '@temporalio/workflow';
import { evaluateCondition, type Value } from '../dsl/runtime';
import { engine } from './actions';
import type { RunEvent } from './contract';
import { RunFailureTypes, actionFailure } from './failures';
import { subscriptionKey, type RunContext } from './run-context';
import type { Frame } from './scope';
import { isoAt } from './values';

/** Subscribes the run to its `cancel on` event and starts watching deliveries. */
export async function watchCancelOn(run: RunContext, root: Frame, onFailed: () => void): Promise<void> {
  const clause = run.rule.cancelOn;
  if (!clause) return;
  const correlation = clause.correlation
    ? { field: clause.correlation.field, value: run.eval(clause.correlation.value, root) }
    : undefined;
  const fits = (event: RunEvent): boolean =>
    event.type === clause.event &&
    (!clause.where ||
      evaluateCondition(clause.where, root.evalScopeWith(clause.as, event.data as Value), run.evalCtx));
  const check = (event: RunEvent): void => {
    if (run.cancelledBy || run.status !== 'running') return;
    let cancels: boolean;
    try {
      cancels = fits(event);
    } catch (err) {
      // A handler must not throw; a `where` that cannot be evaluated cancels nothing.
      const message = err instanceof Error ? err.message : String(err);
      run.timeline.add(
        'error',
        `cancel on ${clause.event}: ${event.id} not checked: ${message}`,
        clause.span,
      );
      return;
    }
    if (cancels) cancelRun(run, event, onFailed);
  };
  run.onDelivered = check;
  run.cancelSubscription = subscriptionKey(clause.event, correlation);
  // Events delivered before this point (with the start, or for an earlier wait).
  for (const event of run.events.pendingOf(clause.event)) check(event);
  const { workflowId, runId } = workflowInfo();
  try {
    await engine().subscribe({
      workflowId,
      runId,
      event: clause.event,
      ...(correlation ? { correlation } : {}),
      since: isoAt(run.runStartedAt),
    });
  } catch (err) {
    throw actionFailure(
      err,
      `subscribing to ${clause.event} (cancel on)`,
      clause.span,
      RunFailureTypes.EngineFailed,
    );
  }
}

/** Drops the `cancel on` subscription once the run is over. */
export async function stopWatchingCancelOn(run: RunContext): Promise<void> {
  const clause = run.rule.cancelOn;
  if (!clause || run.cancelSubscription === undefined) return;
  run.onDelivered = undefined;
  await CancellationScope.nonCancellable(async () => {
    try {
      // Without `exact`: every subscription of the run to the type goes (they all end with it).
      await engine().unsubscribe({ workflowId: workflowInfo().workflowId, event: clause.event });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      run.timeline.add('error', `could not unsubscribe from ${clause.event}: ${message}`, clause.span);
    }
  });
}

function cancelRun(run: RunContext, event: RunEvent, onFailed: () => void): void {
  run.cancelledBy = event;
  const clause = run.rule.cancelOn;
  run.timeline.add('cancelled', `cancelled by ${event.type} ${event.id}`, clause?.span);
  const { workflowId, runId } = workflowInfo();
  // The cancellation arrives as a request from outside would: the root scope is cancelled.
  getExternalWorkflowHandle(workflowId, runId)
    .cancel()
    .catch(() => onFailed());
}
