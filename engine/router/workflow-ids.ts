/**
 * Workflow ids of rule runs. They are derived from rule, key and (for `parallel`) event id, so
 * the same trigger always names the same run: routing an event again after a crash finds the run
 * it started, and Temporal's id conflict policies carry the concurrency modes.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Value } from '../../dsl/runtime';

/** Keys longer than this are hashed, to stay well inside Temporal's id length limit. */
const MAX_KEY_TEXT = 200;

/** A key value as text: strings as they are, anything else as JSON. */
export function keyText(value: Value): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** A key as workflow ids and the `OpsflowKey` search attribute hold it: hashed when long. */
export function keyPart(key: string): string {
  return key.length > MAX_KEY_TEXT ? `sha256:${createHash('sha256').update(key).digest('hex')}` : key;
}

/**
 * `opsflow/RULE` (no `key` clause: one key per rule), `opsflow/RULE/key/KEY`, and for `parallel`
 * `.../event/EVENT_ID` on top.
 */
export function ruleWorkflowId(rule: string, key: string | undefined, eventId?: string): string {
  const keyed = key === undefined ? `opsflow/${rule}` : `opsflow/${rule}/key/${keyPart(key)}`;
  return eventId === undefined ? keyed : `${keyed}/event/${keyPart(eventId)}`;
}

/** A manual run always gets a run of its own. */
export function manualWorkflowId(rule: string): string {
  return `opsflow/${rule}/manual/${randomUUID()}`;
}

/** Memo key holding the id of the event that started a run: how re-routing recognises its own run. */
export const EVENT_ID_MEMO = 'opsflowEventId';

/**
 * The flow-control gate of a (rule, key): `opsflow-gate/RULE` or `opsflow-gate/RULE/key/KEY`
 * (outside `opsflow/`, so run listings by id prefix never show a gate).
 */
export function gateWorkflowId(rule: string, key: string | undefined): string {
  return key === undefined ? `opsflow-gate/${rule}` : `opsflow-gate/${rule}/key/${keyPart(key)}`;
}
