/**
 * Storing `opsflow.run_failed` (LANGUAGE.md §13) when a run fails: through the same path as an
 * `emit` (`EventStore.storeEmitted`), so the causal depth bound applies and the event is routed
 * like any other. One event per failed run: the id derives from the run id, so a retried activity
 * or a replay stores it once. A run that was itself triggered by `opsflow.run_failed` stores none
 * (an alert rule that fails does not feed itself).
 *
 * The interpreter stores it through its `emit` activity (`workflows/run-failed.ts`), which ends in
 * the same `storeEmitted`; this is the engine-side form of the same write, for callers outside a
 * workflow, with `createStoreRunFailed` as an activity should a host want one.
 */
import { ApplicationFailure } from '@temporalio/common';
import { RUN_FAILED_EVENT } from '../../dsl';
import { CausalDepthExceededError, EventValidationError } from '../errors';
import type { EventStore } from './event-store';
import { EmitFailureTypes } from './emit';

/** What the interpreter knows of a failed run. */
export interface RunFailedInput {
  readonly rule: string;
  readonly version: number;
  readonly runId: string;
  readonly key?: string;
  /** The failure's message. */
  readonly error: string;
  /** `FILE:LINE` of the failing statement, when known. */
  readonly step?: string;
  /** The failed run's causal depth (its trigger's); the event carries depth + 1. */
  readonly causalDepth: number;
  /** The type of the event that triggered the run, if an event did. */
  readonly triggerType?: string;
}

/** What storing did: the event's id, or why nothing was stored. */
export type RunFailedStored =
  | { readonly stored: true; readonly eventId: string }
  | { readonly stored: false; readonly reason: 'triggered-by-run-failed' };

/** The type name of the built-in event. */
export const RUN_FAILED_TYPE = RUN_FAILED_EVENT.name;

/** Stores the `opsflow.run_failed` event of a failed run (idempotent by run id). */
export async function storeRunFailed(store: EventStore, input: RunFailedInput): Promise<RunFailedStored> {
  if (input.triggerType === RUN_FAILED_TYPE) return { stored: false, reason: 'triggered-by-run-failed' };
  const { eventId } = await store.storeEmitted({
    type: RUN_FAILED_TYPE,
    data: {
      rule: input.rule,
      version: input.version,
      run_id: input.runId,
      key: input.key ?? null,
      error: input.error,
      step: input.step ?? null,
    },
    causalDepth: input.causalDepth + 1,
    idempotencyKey: `opsflow.run_failed/${input.runId}`,
    source: { rule: input.rule, runId: input.runId },
  });
  return { stored: true, eventId };
}

/**
 * `storeRunFailed` as an activity: a refusal (too deep, data not fitting) can never succeed on
 * retry, so it fails non-retryably, with the types `emit` uses; the database being down retries.
 */
export function createStoreRunFailed(store: EventStore): (input: RunFailedInput) => Promise<RunFailedStored> {
  return async (input) => {
    try {
      return await storeRunFailed(store, input);
    } catch (err) {
      if (err instanceof CausalDepthExceededError)
        throw ApplicationFailure.nonRetryable(err.message, EmitFailureTypes.CausalDepthExceeded);
      if (err instanceof EventValidationError)
        throw ApplicationFailure.nonRetryable(err.message, EmitFailureTypes.InvalidEvent);
      throw err;
    }
  };
}
