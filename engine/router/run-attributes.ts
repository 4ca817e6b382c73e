/**
 * What a run starts with besides its input: the search attributes operators and the API query it
 * by, and the memo the router recognises its own runs by. One place for the router, manual runs
 * and schedules, so every run is searchable the same way.
 */
import type { SearchAttributePair } from '@temporalio/common';
import type { RunInput } from '../../workflows/contract';
import { runSearchAttributes } from '../../workflows/search-attributes';
import { keyPart } from './workflow-ids';

/** The search attributes of a run starting with `input` (see workflows/search-attributes.ts). */
export function startSearchAttributes(input: RunInput): SearchAttributePair[] {
  return runSearchAttributes(input, input.key === undefined ? undefined : keyPart(input.key));
}

/** The memo of a run: rule and version for listings, the event's trace for the run view. */
export function startMemo(
  input: RunInput,
  extra: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  const trigger = input.trigger;
  const traceparent = trigger.kind === 'event' ? trigger.event.traceparent : undefined;
  return {
    rule: input.rule.name,
    ...(input.version !== undefined ? { version: input.version } : {}),
    ...(traceparent !== undefined ? { traceparent } : {}),
    ...extra,
  };
}
