/**
 * v2: `wait for first case A as a where ... case B as b ... within D ... end`. The first event,
 * in arrival order, that fits any case wins (events delivered since the run started count, as for
 * `wait for`); its case's body runs with the case's name bound there only. A case fits when the
 * event has its type and its `where` holds; when one event fits several cases, the first case
 * written wins. With `within`, the statements after it run when nothing fits in time.
 *
 * Like `wait for`, it first looks through the buffered events, then subscribes (one subscription
 * per case, by its correlation), blocks, and unsubscribes whatever happens. The bodies are nested
 * blocks that `steps.ts` runs, so this module needs no block runner.
 */
import { CancellationScope, workflowInfo } from '@temporalio/workflow';
import { evaluateCondition, type StepIR, type Value } from '../dsl/runtime';
import { engine } from './actions';
import type { RunEvent } from './contract';
import { RunFailureTypes, actionFailure } from './failures';
import type { BlockOptions, ResumeInner } from './resume';
import { Suspend } from './resume';
import { subscriptionKey, type RunContext } from './run-context';
import type { Frame } from './scope';
import { blockUntil } from './steps-wait';
import { isoAt } from './values';

type WaitFirstStep = Extract<StepIR, { kind: 'wait_first' }>;
type Correlation = { readonly field: string; readonly value: unknown };

/** How a `wait for first` ended: case `index` got `event`, or nothing fitted in time. */
export type WaitFirstOutcome =
  { readonly kind: 'case'; readonly index: number; readonly event: RunEvent } | { readonly kind: 'timeout' };

/** Blocks until an event fits a case or `within` passes; the caller runs the chosen body. */
export async function runWaitFirst(
  run: RunContext,
  step: WaitFirstStep,
  frame: Frame,
  options: BlockOptions,
  inner: ResumeInner | undefined,
): Promise<WaitFirstOutcome> {
  const deadline =
    inner?.kind === 'wait_first'
      ? inner.deadline
      : step.withinMs !== undefined
        ? Date.now() + step.withinMs
        : null;
  const caseOf = (event: RunEvent): number =>
    step.cases.findIndex((c) => {
      if (c.event !== event.type) return false;
      if (!c.where) return true;
      return evaluateCondition(c.where, frame.evalScopeWith(c.as, event.data as Value), run.evalCtx);
    });
  const take = (): WaitFirstOutcome | undefined => {
    let index = -1;
    const event = run.events.takeFirst((e) => (index = caseOf(e)) >= 0);
    return event ? { kind: 'case', index, event } : undefined;
  };
  const outcome = take() ?? (await block(run, step, frame, options, deadline, take));
  if (outcome === 'suspend') throw Suspend.inside({ kind: 'wait_first', deadline });
  if (outcome.kind === 'case') {
    const c = step.cases[outcome.index];
    run.timeline.add(
      'event',
      `${outcome.event.type} ${outcome.event.id} (case ${outcome.index + 1})`,
      c.span,
    );
  } else {
    const types = [...new Set(step.cases.map((c) => c.event))].join(', ');
    run.timeline.add('timeout', `none of ${types} arrived in time`, step.span);
  }
  return outcome;
}

async function block(
  run: RunContext,
  step: WaitFirstStep,
  frame: Frame,
  options: BlockOptions,
  deadline: number | null,
  take: () => WaitFirstOutcome | undefined,
): Promise<WaitFirstOutcome | 'suspend'> {
  // One subscription per distinct (type, correlation): two cases may share one.
  const subscriptions: { event: string; correlation?: Correlation }[] = [];
  for (const c of step.cases) {
    const correlation = c.correlation
      ? { field: c.correlation.field, value: run.eval(c.correlation.value, frame) }
      : undefined;
    const key = subscriptionKey(c.event, correlation);
    if (!subscriptions.some((s) => subscriptionKey(s.event, s.correlation) === key)) {
      subscriptions.push({ event: c.event, ...(correlation ? { correlation } : {}) });
    }
  }
  const { workflowId, runId } = workflowInfo();
  const result: { outcome: WaitFirstOutcome | 'suspend' } = { outcome: { kind: 'timeout' } };
  const subscribed: typeof subscriptions = [];
  try {
    for (const s of subscriptions) {
      try {
        await engine().subscribe({ workflowId, runId, ...s, since: run.since });
        subscribed.push(s);
      } catch (err) {
        throw actionFailure(err, `subscribing to ${s.event}`, step.span, RunFailureTypes.EngineFailed);
      }
    }
    const early = take();
    if (early) return (result.outcome = early);
    const tokens = subscriptions.map((s) =>
      run.wait({
        kind: 'event',
        event: s.event,
        ...(s.correlation ? { correlation: s.correlation } : {}),
        ...run.until(deadline),
      }),
    );
    const until = deadline === null ? '' : ` until ${isoAt(deadline)}`;
    const types = [...new Set(subscriptions.map((s) => s.event))].join(' or ');
    run.timeline.add('wait', `waiting for the first of ${types}${until}`, step.span);
    let failure: { readonly error: unknown } | undefined;
    const ready = (): boolean => {
      if (result.outcome === 'suspend' || result.outcome.kind === 'case' || failure) return true;
      try {
        const got = take();
        if (got) result.outcome = got;
      } catch (error) {
        failure = { error };
        return true;
      }
      if (result.outcome.kind === 'timeout' && options.suspendable && run.shouldSuspend())
        result.outcome = 'suspend';
      return result.outcome === 'suspend' || result.outcome.kind === 'case';
    };
    try {
      await blockUntil(ready, deadline);
    } finally {
      for (const t of tokens) run.unwait(t);
    }
    if (failure) throw failure.error;
    return result.outcome;
  } finally {
    if (result.outcome !== 'suspend') await unsubscribeAll(run, workflowId, step, subscribed);
  }
}

async function unsubscribeAll(
  run: RunContext,
  workflowId: string,
  step: WaitFirstStep,
  subscriptions: readonly { event: string; correlation?: Correlation }[],
): Promise<void> {
  await CancellationScope.nonCancellable(async () => {
    for (const s of subscriptions) {
      if (run.keepsSubscription(s.event, s.correlation)) continue;
      try {
        await engine().unsubscribe({ workflowId, ...s, exact: true });
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        run.timeline.add('error', `could not unsubscribe from ${s.event}: ${message}`, step.span);
      }
    }
  });
}
