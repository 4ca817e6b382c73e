/**
 * Small helpers for runtime values at the interpreter's edges: text for people (timeline lines,
 * approval descriptions, `stop` / `fail` messages) and data coming in from outside.
 */
import {
  formatTime,
  isRepresentableTime,
  isSecretRef,
  isSecretTemplate,
  parseTime,
  previewValue,
  type Value,
} from '../dsl/runtime';

/** What a secret looks like in text meant for people. */
export const REDACTED = '***';

/**
 * A value as text for people: strings as they are, secrets as `***`, anything else as JSON with
 * secrets inside it redacted. Never shows a secret's name or value.
 */
export function displayText(value: Value): string {
  if (typeof value === 'string') return value;
  if (isSecretRef(value)) return REDACTED;
  if (isSecretTemplate(value))
    return value.$template.map((p) => (typeof p === 'string' ? p : REDACTED)).join('');
  const json = JSON.stringify(value, (_key, v: unknown) =>
    isSecretRef(v) || isSecretTemplate(v) ? REDACTED : v,
  );
  return json ?? 'null';
}

/** A short rendering for timeline lines (`{id, status}`, `"abc"`, `[3 items]`). */
export function preview(value: Value): string {
  return previewValue(value, 80);
}

/** An activity result as a runtime value: `undefined` (a void action) becomes null. */
export function resultValue(result: unknown): Value {
  return result === undefined ? null : (result as Value);
}

/** The workflow clock as an ISO-8601 time, the form `time` values take. */
export function isoNow(): string {
  return formatTime(Date.now());
}

/** ISO-8601 UTC text for `ms`. */
export function isoAt(ms: number): string {
  return formatTime(ms);
}

/** Reads an ISO-8601 time given from outside (an approval's `at`); undefined when it is not one. */
export function readTime(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const ms = parseTime(text);
  return ms !== undefined && isRepresentableTime(ms) ? ms : undefined;
}
