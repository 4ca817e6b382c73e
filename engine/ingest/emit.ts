/**
 * The `emitEvent` dependency of `createActivities`: a run's `emit` stored through the event store.
 * A refusal (too deep, data not fitting the schema) can never succeed on retry, so it becomes a
 * non-retryable failure; anything else (the database is down) stays retryable.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { EmitEvent } from '../../activities/contract';
import { CausalDepthExceededError, EventValidationError } from '../errors';
import type { EventStore } from './event-store';

/** Failure types an `emit` activity fails with when the engine refuses the event. */
export const EmitFailureTypes = {
  CausalDepthExceeded: 'CausalDepthExceeded',
  InvalidEvent: 'InvalidEvent',
} as const;

/** Builds `ActivityDeps.emitEvent` on an event store. */
export function createEmitEvent(store: EventStore): EmitEvent {
  return async (event) => {
    try {
      return await store.storeEmitted(event);
    } catch (err) {
      if (err instanceof CausalDepthExceededError) {
        throw ApplicationFailure.nonRetryable(err.message, EmitFailureTypes.CausalDepthExceeded);
      }
      if (err instanceof EventValidationError) {
        throw ApplicationFailure.nonRetryable(err.message, EmitFailureTypes.InvalidEvent);
      }
      throw err;
    }
  };
}
