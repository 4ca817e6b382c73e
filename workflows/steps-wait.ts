/**
 * The steps that wait: `sleep` / `sleep until` (durable timers), `wait for` (an event delivered
 * by signal, buffered since the run started) and `approve` (a human decision by signal or update).
 *
 * `wait for` first looks through the events already delivered, so an event that arrived before the
 * wait was reached is seen. Only when none fits does it subscribe (the host records the
 * subscription and delivers every matching event stored since the run started) and block until one
 * arrives or `within` passes. `where` is evaluated with the `as` name bound to each candidate
 * event's data; the first fitting event, in arrival order, is consumed.
 */
import { CancellationScope, condition, sleep, workflowInfo } from '@temporalio/workflow';
import { evaluateCondition, formatDuration, kindOf, type StepIR, type Value } from '../dsl/runtime';
import { engine } from './actions';
import { reportClosed, reportOpened } from './approval-inbox';
import type { RunEvent } from './contract';
import { RunFailure, RunFailureTypes, actionFailure } from './failures';
import type { BlockOptions, ResumeInner } from './resume';
import { Suspend } from './resume';
import type { RunContext } from './run-context';
import type { Frame } from './scope';
import { displayText, isoAt, readTime } from './values';

type WaitStep = Extract<StepIR, { kind: 'wait' }>;
type ApproveStep = Extract<StepIR, { kind: 'approve' }>;

/**
 * How a `wait for` or `approve` ended: it got its event or decision, or its time ran out and the
 * caller runs the `on timeout` body (a nested block, which `steps.ts` runs).
 */
export type WaitOutcome = 'done' | 'timeout';

/** `sleep DURATION`: a durable timer; zero or negative does not wait. */
export async function runSleep(
  run: RunContext,
  step: Extract<StepIR, { kind: 'sleep' }>,
  frame: Frame,
): Promise<void> {
  const value = run.eval(step.duration, frame);
  if (typeof value !== 'number') {
    const message = `'sleep' needs a duration, got ${kindOf(value)}`;
    throw new RunFailure(RunFailureTypes.ExpressionError, message, step.duration.span);
  }
  await sleepFor(run, value, `sleep ${formatDuration(value)}`, step.span);
}

/** `sleep until TIME`: a durable timer to a point in time; a time already past does not wait. */
export async function runSleepUntil(
  run: RunContext,
  step: Extract<StepIR, { kind: 'sleep_until' }>,
  frame: Frame,
): Promise<void> {
  const value = run.eval(step.time, frame);
  const at = readTime(value);
  if (at === undefined) {
    const got = typeof value === 'string' ? JSON.stringify(value) : kindOf(value);
    const message = `'sleep until' needs a time, got ${got}`;
    throw new RunFailure(RunFailureTypes.ExpressionError, message, step.time.span);
  }
  await sleepFor(run, at - Date.now(), `sleep until ${isoAt(at)}`, step.span);
}

async function sleepFor(run: RunContext, ms: number, what: string, span: StepIR['span']): Promise<void> {
  if (!(ms > 0)) {
    run.timeline.add('sleep', `${what}: the time has passed, no wait`, span);
    return;
  }
  const until = isoAt(Date.now() + ms);
  run.timeline.add('sleep', `${what} (until ${until})`, span);
  const token = run.wait({ kind: 'sleep', until });
  try {
    await sleep(ms);
  } finally {
    run.unwait(token);
  }
}

/** `wait for EVENT [as NAME] [where EXPR] [within D] [on timeout ... end]`. */
export async function runWait(
  run: RunContext,
  step: WaitStep,
  frame: Frame,
  options: BlockOptions,
  inner: ResumeInner | undefined,
): Promise<WaitOutcome> {
  const deadline =
    inner?.kind === 'wait' ? inner.deadline : step.withinMs !== undefined ? Date.now() + step.withinMs : null;
  const accepts = (event: RunEvent): boolean => {
    if (!step.where) return true;
    const scope =
      step.as !== undefined ? frame.evalScopeWith(step.as, event.data as Value) : frame.evalScope();
    return evaluateCondition(step.where, scope, run.evalCtx);
  };
  const outcome =
    run.events.take(step.event, accepts) ??
    (await blockForEvent(run, step, frame, options, deadline, accepts));
  if (outcome === 'suspend') throw Suspend.inside({ kind: 'wait', deadline });
  if (outcome !== 'timeout') {
    run.timeline.add('event', `${outcome.type} ${outcome.id}`, step.span);
    if (step.as !== undefined) frame.bind(step.as, outcome.data as Value);
    return 'done';
  }
  run.timeline.add('timeout', `no ${step.event} arrived in time`, step.span);
  if (step.as !== undefined) frame.bind(step.as, null);
  return 'timeout';
}

/** Subscribes, blocks until a fitting event, the deadline or a suspension, unsubscribes. */
async function blockForEvent(
  run: RunContext,
  step: WaitStep,
  frame: Frame,
  options: BlockOptions,
  deadline: number | null,
  accepts: (event: RunEvent) => boolean,
): Promise<RunEvent | 'timeout' | 'suspend'> {
  const correlation = step.correlation
    ? { field: step.correlation.field, value: run.eval(step.correlation.value, frame) }
    : undefined;
  const { workflowId, runId } = workflowInfo();
  try {
    await engine().subscribe({
      workflowId,
      runId,
      event: step.event,
      ...(correlation ? { correlation } : {}),
      since: run.since,
    });
  } catch (err) {
    throw actionFailure(err, `subscribing to ${step.event}`, step.span, RunFailureTypes.EngineFailed);
  }
  // Written by `ready` below, on whichever activation it fires: a holder, not a narrowed local.
  const result: { outcome: RunEvent | 'timeout' | 'suspend' } = { outcome: 'timeout' };
  try {
    // Subscribing delivers the events stored so far; they may already be here.
    const early = run.events.take(step.event, accepts);
    if (early) return (result.outcome = early);
    const token = run.wait({
      kind: 'event',
      event: step.event,
      ...(correlation ? { correlation } : {}),
      ...run.until(deadline),
    });
    const until = deadline === null ? '' : ` until ${isoAt(deadline)}`;
    run.timeline.add('wait', `waiting for ${step.event}${until}`, step.span);
    let failure: { readonly error: unknown } | undefined;
    // Runs on every activation: consumes a fitting event as soon as one arrives. It must not throw
    // (that would fail the workflow task), so an expression error is kept and rethrown below.
    const ready = (): boolean => {
      if (result.outcome !== 'timeout' || failure) return true;
      try {
        const event = run.events.take(step.event, accepts);
        if (event) result.outcome = event;
      } catch (error) {
        failure = { error };
        return true;
      }
      if (result.outcome === 'timeout' && options.suspendable && run.shouldSuspend())
        result.outcome = 'suspend';
      return result.outcome !== 'timeout';
    };
    try {
      await blockUntil(ready, deadline);
    } finally {
      run.unwait(token);
    }
    if (failure) throw failure.error;
    return result.outcome;
  } finally {
    // A suspended wait keeps its subscription: the next execution subscribes again and goes on.
    if (result.outcome !== 'suspend') await unsubscribe(run, workflowId, step, correlation);
  }
}

async function unsubscribe(
  run: RunContext,
  workflowId: string,
  step: WaitStep,
  correlation: { field: string; value: unknown } | undefined,
): Promise<void> {
  // v2: the run's `cancel on` keeps its own subscription to the same type and correlation.
  if (run.keepsSubscription(step.event, correlation)) return;
  // Also when the run is being cancelled: a stale subscription would keep routing events here.
  await CancellationScope.nonCancellable(async () => {
    try {
      // Only this wait's subscription: a parallel branch may wait for the same type meanwhile.
      await engine().unsubscribe({
        workflowId,
        event: step.event,
        ...(correlation ? { correlation } : {}),
        exact: true,
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      run.timeline.add('error', `could not unsubscribe from ${step.event}: ${message}`, step.span);
    }
  });
}

/** Waits until `ready()` or the deadline; a deadline already past only checks `ready()` once. */
export async function blockUntil(ready: () => boolean, deadline: number | null): Promise<void> {
  if (deadline === null) {
    await condition(ready);
    return;
  }
  const remaining = deadline - Date.now();
  if (remaining > 0) await condition(ready, remaining);
  else ready();
}

/** `approve DESCRIPTION [by ROLE] [as NAME] [within D] [on timeout ... end]`. */
export async function runApprove(
  run: RunContext,
  step: ApproveStep,
  frame: Frame,
  options: BlockOptions,
  inner: ResumeInner | undefined,
): Promise<WaitOutcome> {
  const description = displayText(run.eval(step.description, frame));
  const role = step.by ? displayText(run.eval(step.by, frame)) : undefined;
  const deadline =
    inner?.kind === 'approve'
      ? inner.deadline
      : step.withinMs !== undefined
        ? Date.now() + step.withinMs
        : null;
  const approval = run.approvals.request(description, role, deadline === null ? undefined : isoAt(deadline));
  if (inner?.kind !== 'approve') {
    run.timeline.add('approval_requested', role ? `${description} (by ${role})` : description, step.span);
  }
  const inbox = reportOpened(run, approval);
  let suspend = false;
  const ready = (): boolean => {
    if (approval.decision) return true;
    suspend = options.suspendable && run.shouldSuspend();
    return suspend;
  };
  try {
    await blockUntil(ready, deadline);
  } catch (err) {
    await reportClosed(run, inbox, 'cancelled');
    throw err;
  } finally {
    run.approvals.close(approval);
  }
  const decision = approval.decision;
  if (decision) {
    const comment = typeof decision['comment'] === 'string' ? `: ${decision['comment']}` : '';
    const verdict = decision['approved'] === true ? 'approved' : 'rejected';
    run.timeline.add('approval', `${verdict} by ${String(decision['by'])}${comment}`, step.span);
    if (step.as !== undefined) frame.bind(step.as, decision);
    await reportClosed(run, inbox, verdict, String(decision['by']));
    return 'done';
  }
  // The next execution asks again (and reports it again under its own run id).
  if (suspend) throw Suspend.inside({ kind: 'approve', deadline });
  await reportClosed(run, inbox, 'timed_out');
  run.timeline.add('timeout', 'no decision in time', step.span);
  if (step.as !== undefined) frame.bind(step.as, null);
  return 'timeout';
}
