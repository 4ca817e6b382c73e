/**
 * The custom search attributes of every run, so operators can find runs by what they know in
 * Temporal's UI and CLI (`temporal workflow list --query "OpsflowRule = 'refund' AND
 * ExecutionStatus = 'Failed'"`), and the API can list them without parsing workflow ids.
 *
 * The names are part of the deployment: a Temporal server must have them registered before the
 * first run starts (the dev server gets them with `--search-attribute`, a cluster at setup, see
 * docs/operations.md). Pure: imported by the workflow (continue-as-new keeps them) and by Node code.
 */
import { defineSearchAttributeKey, type SearchAttributePair } from '@temporalio/common';
import type { RunInput, RunTrigger } from './contract';

/**
 * Every custom search attribute opsflow sets, name → Temporal's type name (as the CLI's
 * `--search-attribute NAME=TYPE` and `operator search-attribute create --type` take it).
 */
export const OPSFLOW_SEARCH_ATTRIBUTES = {
  /** The rule's name. */
  OpsflowRule: 'Keyword',
  /** The registry version of the rule the run executes. */
  OpsflowVersion: 'Int',
  /** The correlation key (the `key` clause's value as text); unset for rules without a key. */
  OpsflowKey: 'Keyword',
  /** The id of the event that triggered the run (event triggers only). */
  OpsflowEventId: 'Keyword',
  /** What started the run: `event`, `schedule` or `manual`. */
  OpsflowTrigger: 'Keyword',
  /** The W3C trace id from the triggering event's `traceparent`, when it had one. */
  OpsflowTraceId: 'Keyword',
} as const;

/** The name of one of opsflow's search attributes. */
export type OpsflowSearchAttribute = keyof typeof OPSFLOW_SEARCH_ATTRIBUTES;

/** Typed keys of the attributes, for `typedSearchAttributes`. */
export const SEARCH_ATTRIBUTE_KEYS = {
  rule: defineSearchAttributeKey('OpsflowRule', 'KEYWORD'),
  version: defineSearchAttributeKey('OpsflowVersion', 'INT'),
  key: defineSearchAttributeKey('OpsflowKey', 'KEYWORD'),
  eventId: defineSearchAttributeKey('OpsflowEventId', 'KEYWORD'),
  trigger: defineSearchAttributeKey('OpsflowTrigger', 'KEYWORD'),
  traceId: defineSearchAttributeKey('OpsflowTraceId', 'KEYWORD'),
} as const;

/** `00-<trace id>-<parent id>-<flags>`: the W3C Trace Context `traceparent` header. */
const TRACEPARENT = /^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** The trace id of a `traceparent`, or undefined when it is not a valid one. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const match = traceparent === undefined ? null : TRACEPARENT.exec(traceparent);
  // All zeros is the W3C "invalid" trace id.
  return match && !/^0+$/.test(match[1]) ? match[1] : undefined;
}

/** The attributes that describe a run's trigger: what started it, its event id and trace id. */
export function triggerSearchAttributes(trigger: RunTrigger): SearchAttributePair[] {
  const k = SEARCH_ATTRIBUTE_KEYS;
  const pairs: SearchAttributePair[] = [{ key: k.trigger, value: trigger.kind }];
  if (trigger.kind === 'event') {
    pairs.push({ key: k.eventId, value: trigger.event.id });
    const traceId = traceIdOf(trigger.event.traceparent);
    if (traceId !== undefined) pairs.push({ key: k.traceId, value: traceId });
  }
  return pairs;
}

/**
 * The search attributes of a run with this input. `key` is the key as the workflow id holds it
 * (hashed when long, so it stays within Temporal's size limit for a keyword).
 */
export function runSearchAttributes(input: RunInput, key: string | undefined): SearchAttributePair[] {
  const k = SEARCH_ATTRIBUTE_KEYS;
  const pairs: SearchAttributePair[] = [{ key: k.rule, value: input.rule.name }];
  if (input.version !== undefined) pairs.push({ key: k.version, value: input.version });
  if (key !== undefined) pairs.push({ key: k.key, value: key });
  return [...pairs, ...triggerSearchAttributes(input.trigger)];
}

/**
 * The attributes of the next run of a chain (continue-as-new): the current ones, with those of
 * the trigger replaced by the next trigger's (a queued trigger has its own event and trace).
 */
export function nextRunSearchAttributes(
  current: readonly SearchAttributePair[],
  next: RunTrigger,
): SearchAttributePair[] {
  const k = SEARCH_ATTRIBUTE_KEYS;
  const perTrigger = new Set([k.trigger.name, k.eventId.name, k.traceId.name]);
  const kept = current.filter((p) => !perTrigger.has(p.key.name));
  return [...kept, ...triggerSearchAttributes(next)];
}
