/**
 * Workflow ids of rule runs. They are derived from rule, key and (for `parallel`) event id, so
 * the same trigger always names the same run: routing an event again after a crash finds the run
 * it started, and Temporal's id conflict policies carry the concurrency modes.
 *
 * The encoding is injective: `%` and `/` are escaped in every part, a string key that would read
 * as another value (`1`, `true`, `{…}`) or as a hash (`sha256:…`) is tagged `%s`, and a part too
 * long for an id is replaced by `%h` and the hash of its encoded (type-tagged) form. A key that
 * needs none of this (the common case: `T-1`, `42`) has the id it had before (`legacyWorkflowId`).
 */
import { createHash, randomUUID } from 'node:crypto';
import type { Value } from '../../dsl/runtime';

/** Keys longer than this are hashed, to stay well inside Temporal's id length limit. */
const MAX_KEY_TEXT = 200;

/** A key value as text: strings as they are, anything else as JSON. */
export function keyText(value: Value): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * A key as the `OpsflowKey` search attribute holds it (and ids before the injective encoding):
 * hashed when long. A query filter, not an identity: use `ruleWorkflowId` to name a run.
 */
export function keyPart(key: string): string {
  return key.length > MAX_KEY_TEXT ? `sha256:${createHash('sha256').update(key).digest('hex')}` : key;
}

/** `%` and `/` escaped, so a part never reads as a separator or a tag. */
function escapePart(text: string): string {
  return text.replace(/%/g, '%25').replace(/\//g, '%2F');
}

/** Hashed when the encoded part is too long; `%h` cannot begin an escaped text. */
function bounded(encoded: string): string {
  return encoded.length > MAX_KEY_TEXT ? `%h${createHash('sha256').update(encoded).digest('hex')}` : encoded;
}

/** Would the text of a string key read as another value's JSON, or as a hashed part? */
function ambiguous(text: string): boolean {
  if (text.startsWith('sha256:')) return true;
  try {
    return typeof JSON.parse(text) !== 'string';
  } catch {
    return false;
  }
}

/** The id part of a key value: injective over values (`1` and `"1"` differ). */
export function keyIdPart(key: Value): string {
  if (typeof key === 'string') return bounded(ambiguous(key) ? `%s${escapePart(key)}` : escapePart(key));
  return bounded(escapePart(JSON.stringify(key)));
}

/** The id part of an event id. */
function eventIdPart(eventId: string): string {
  return bounded(escapePart(eventId));
}

/**
 * `opsflow/RULE` (no `key` clause: one key per rule), `opsflow/RULE/key/KEY`, and for `parallel`
 * `.../event/EVENT_ID` on top. `key` is the key's value (not its text: `1` and `"1"` differ).
 */
export function ruleWorkflowId(rule: string, key: Value | undefined, eventId?: string): string {
  const keyed =
    key === undefined ? `opsflow/${escapePart(rule)}` : `opsflow/${escapePart(rule)}/key/${keyIdPart(key)}`;
  return eventId === undefined ? keyed : `${keyed}/event/${eventIdPart(eventId)}`;
}

/**
 * The id the router gave the same trigger before the injective encoding (which could collide).
 * Runs started then still carry it: routing looks for one going on under it (`inFlightWorkflowId`).
 */
export function legacyWorkflowId(rule: string, key: Value | undefined, eventId?: string): string {
  const keyed = key === undefined ? `opsflow/${rule}` : `opsflow/${rule}/key/${keyPart(keyText(key))}`;
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
export function gateWorkflowId(rule: string, key: Value | undefined): string {
  const gate = `opsflow-gate/${escapePart(rule)}`;
  return key === undefined ? gate : `${gate}/key/${keyIdPart(key)}`;
}
