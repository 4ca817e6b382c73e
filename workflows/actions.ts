/**
 * The steps that run activities: `call` (one `runAction` per call, with the call's own retry
 * policy and timeout) and `emit`, plus the engine's `subscribe` / `unsubscribe`.
 *
 * Defaults, when a call says nothing:
 * - start-to-close timeout 1 minute per attempt (activities cap an HTTP request at 30 s, so one
 *   attempt has room for the request and its bookkeeping);
 * - 10 attempts in all, first retry after 1 s, backoff ×2, intervals capped at Temporal's default
 *   of 100 × the first interval (100 s): about 5½ minutes of retrying before the call fails for good.
 * A call's `retry N every D backoff B` replaces the attempts, first interval and backoff; its
 * `timeout D` replaces the start-to-close timeout. Failures that retrying cannot fix are never
 * retried, whatever the policy (`NON_RETRYABLE_TYPES`).
 */
import type { ActivityOptions } from '@temporalio/workflow';
import { condition, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { FailureType, OpsflowActivities } from '../activities/index';
import {
  containsSecretMarker,
  DEFAULT_BACKOFF,
  DEFAULT_RETRY_INTERVAL_MS,
  defineField,
  type StepIR,
  type Value,
} from '../dsl/runtime';
import type { EngineActivities } from './contract';
import { RunFailure, RunFailureTypes, actionFailure } from './failures';
import type { RunContext } from './run-context';
import type { Frame } from './scope';
import { preview, resultValue } from './values';

/** Start-to-close timeout of one attempt of a call that has no `timeout`. */
export const DEFAULT_CALL_TIMEOUT_MS = 60_000;
/** Attempts (the first included) of a call that has no `retry`. */
export const DEFAULT_CALL_ATTEMPTS = 10;
/** Timeout and attempts of the engine's own activities (`subscribe`, `unsubscribe`). */
export const ENGINE_ACTIVITY_TIMEOUT_MS = 30_000;
/** Attempts of the engine's own activities before a `wait for` fails with `EngineFailed`. */
export const ENGINE_ACTIVITY_ATTEMPTS = 10;

/**
 * Failure types of `activities/errors.ts` that no retry can fix. Listed here (rather than imported)
 * because workflow code may import only activity *types*; `satisfies` keeps the names in step.
 */
export const NON_RETRYABLE_TYPES = [
  'ActionRejected',
  'InvalidInput',
  'UnknownAction',
  'HostNotAllowed',
  'ResponseTooLarge',
  'InvalidResult',
  'SecretMissing',
  'SecretNotAllowed',
  'NotConfigured',
] as const satisfies readonly FailureType[];

type CallStep = Extract<StepIR, { kind: 'call' }>;
type EmitStep = Extract<StepIR, { kind: 'emit' }>;

/** The activity options of one call: its retry policy and timeout, or the defaults. */
export function callOptions(step: Pick<CallStep, 'retry' | 'timeoutMs'>): ActivityOptions {
  const retry = step.retry ?? {
    attempts: DEFAULT_CALL_ATTEMPTS,
    initialIntervalMs: DEFAULT_RETRY_INTERVAL_MS,
    backoff: DEFAULT_BACKOFF,
  };
  return {
    startToCloseTimeout: step.timeoutMs ?? DEFAULT_CALL_TIMEOUT_MS,
    retry: {
      maximumAttempts: Math.max(1, Math.floor(retry.attempts)),
      initialInterval: Math.max(1, retry.initialIntervalMs),
      // Temporal refuses a coefficient below 1; a "backoff" under 1 can only mean "fixed interval".
      backoffCoefficient: Math.max(1, retry.backoff),
      nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES],
    },
  };
}

const engineActivities = proxyActivities<EngineActivities>({
  startToCloseTimeout: ENGINE_ACTIVITY_TIMEOUT_MS,
  retry: { maximumAttempts: ENGINE_ACTIVITY_ATTEMPTS },
});

/** The host's `subscribe` / `unsubscribe` activities. */
export function engine(): EngineActivities {
  return engineActivities;
}

/** `[let NAME =] call ACTION(...)`: one `runAction` activity, its result bound to NAME. */
export async function runCall(run: RunContext, step: CallStep, frame: Frame): Promise<void> {
  // v2 `cancel on`: no action starts once the run took its cancelling event (awaits only then).
  if (holdsActions(run)) await condition(() => false);
  const args: Record<string, Value> = {};
  // Secret markers pass through untouched: only the activity resolves them.
  for (const a of step.args) defineField(args, a.name, run.eval(a.value, frame));
  const idempotencyKey = run.nextKey(step.id);
  run.timeline.add('call', step.action, step.span);
  const waiting = run.wait({ kind: 'action', action: step.action });
  let result: Value;
  try {
    const { runAction } = proxyActivities<OpsflowActivities>(callOptions(step));
    const output = await runAction({
      action: step.action,
      args,
      idempotencyKey,
      rule: run.rule.name,
      runId: workflowInfo().runId,
    });
    result = resultValue(output?.result);
  } catch (err) {
    const failure = actionFailure(err, `action ${step.action}`, step.span, RunFailureTypes.ActionFailed);
    if (failure instanceof RunFailure) run.timeline.add('call_failed', failure.reason, step.span);
    throw failure;
  } finally {
    run.unwait(waiting);
  }
  if (containsSecretMarker(result)) {
    throw new RunFailure(
      RunFailureTypes.InvalidInput,
      `action ${step.action} returned data containing a secret marker ($secret/$template); results may not name secrets`,
      step.span,
    );
  }
  if (step.bind !== undefined) frame.bind(step.bind, result);
  run.timeline.add('call_result', `${step.action} → ${preview(result)}`, step.span);
}

/** `emit TYPE { ... }`: stores an event through the engine, one causal step deeper. */
export async function runEmit(run: RunContext, step: EmitStep, frame: Frame): Promise<void> {
  // v2 `cancel on`: no action starts once the run took its cancelling event (awaits only then).
  if (holdsActions(run)) await condition(() => false);
  const data: Record<string, Value> = {};
  for (const f of step.fields) defineField(data, f.name, run.eval(f.value, frame));
  const idempotencyKey = run.nextKey(step.id);
  const waiting = run.wait({ kind: 'action', action: 'emit' });
  try {
    const { emit } = proxyActivities<OpsflowActivities>(callOptions({}));
    const { eventId } = await emit({
      type: step.event,
      data,
      causalDepth: run.causalDepth + 1,
      idempotencyKey,
      rule: run.rule.name,
      runId: workflowInfo().runId,
    });
    run.timeline.add('emit', `${step.event} ${eventId}`, step.span);
  } catch (err) {
    const failure = actionFailure(err, `emit ${step.event}`, step.span, RunFailureTypes.ActionFailed);
    if (failure instanceof RunFailure) run.timeline.add('call_failed', failure.reason, step.span);
    throw failure;
  } finally {
    run.unwait(waiting);
  }
}

/**
 * v2 `cancel on`: once the run accepted its cancelling event, no action of `do` starts; the step
 * waits for the cancellation it asked for (which ends the wait). `compensate` is not held. Checked
 * without an `await` otherwise, so v1 runs keep exactly their command order.
 */
function holdsActions(run: RunContext): boolean {
  return run.cancelledBy !== undefined && run.status === 'running';
}
