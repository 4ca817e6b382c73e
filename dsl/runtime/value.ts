/**
 * Runtime values of the rule language, and the pure operations on them the evaluator shares.
 *
 * Representation (what events, inputs, action results and expressions are at run time):
 * - JSON values: `null`, booleans, numbers (`int` and `number` alike), strings, arrays, plain objects.
 * - `time`: an ISO-8601 string (the evaluator produces UTC, `2024-05-01T10:00:00.000Z`).
 * - `duration`: a number of milliseconds.
 * - `secret("NAME")`: the opaque marker `{ "$secret": "NAME" }`; a string template that interpolates
 *   secrets becomes `{ "$template": ["Bearer ", { "$secret": "NAME" }] }`. Only activities resolve
 *   them (`resolveSecrets`). Because event data is untrusted, the interpreter must refuse external
 *   values that contain such markers (`containsSecretMarker`) before they enter a run's scope.
 */
import { EvalError } from './errors';
import { MAX_STRING_LENGTH } from './evaluator-meter';
import type { Meter } from './evaluator-meter';
import type { Span } from '../core/span';
import { formatDuration } from './value-time';

export type Value = null | boolean | number | string | readonly Value[] | ValueObject;

export interface ValueObject {
  readonly [key: string]: Value;
}

/** The marker `secret("NAME")` evaluates to. */
export type SecretRef = { readonly $secret: string };

/** A string made of literal text and secrets, resolved by activities. */
export type SecretTemplate = { readonly $template: readonly (string | SecretRef)[] };

/** Names that member access and indexing never read, whatever the object holds. */
export const FORBIDDEN_MEMBERS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A plain object (any realm) with own enumerable data: not an array, not a class instance. */
export function isPlainObject(value: unknown): value is ValueObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}

export function isSecretRef(value: unknown): value is SecretRef {
  return (
    isPlainObject(value) &&
    Object.keys(value).length === 1 &&
    Object.hasOwn(value, '$secret') &&
    typeof value['$secret'] === 'string'
  );
}

export function isSecretTemplate(value: unknown): value is SecretTemplate {
  return (
    isPlainObject(value) &&
    Object.keys(value).length === 1 &&
    Object.hasOwn(value, '$template') &&
    Array.isArray(value['$template'])
  );
}

/** Is `value` a secret (a marker or a template with markers) rather than ordinary data? */
export function isSecret(value: unknown): value is SecretRef | SecretTemplate {
  return isSecretRef(value) || isSecretTemplate(value);
}

/**
 * Does `value` hold anything that looks like a secret marker? For external data (events, inputs,
 * action results), which must never be able to name a secret. Visits at most `maxNodes` nodes and
 * answers `true` past that, which fails safe.
 */
export function containsSecretMarker(value: unknown, maxNodes = 1_000_000): boolean {
  let visited = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    if (++visited > maxNodes) return true;
    const v = stack.pop();
    if (Array.isArray(v)) for (const item of v as unknown[]) stack.push(item);
    else if (typeof v === 'object' && v !== null) {
      for (const k of Object.keys(v)) {
        if (k === '$secret' || k === '$template') return true;
        stack.push((v as Record<string, unknown>)[k]);
      }
    }
  }
  return false;
}

/** Replaces every secret marker with its value; for activities, right before an action runs. */
export function resolveSecrets(value: Value, lookup: (name: string) => string): Value {
  if (isSecretRef(value)) return lookup(value.$secret);
  if (isSecretTemplate(value)) {
    return value.$template
      .map((p) => (typeof p === 'string' ? p : isSecretRef(p) ? lookup(p.$secret) : ''))
      .join('');
  }
  if (Array.isArray(value)) return (value as readonly Value[]).map((v) => resolveSecrets(v, lookup));
  if (isPlainObject(value)) {
    const out: Record<string, Value> = {};
    for (const k of Object.keys(value)) defineField(out, k, resolveSecrets(value[k], lookup));
    return out;
  }
  return value;
}

/** Sets an own property even for `__proto__`, which plain assignment would treat as the prototype. */
export function defineField(target: Record<string, Value>, name: string, value: Value): void {
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
}

/** A word for the kind of a runtime value, for error messages. */
export function kindOf(value: Value): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isSecret(value)) return 'a secret';
  switch (typeof value) {
    case 'boolean':
      return 'a bool';
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    default:
      return 'an object';
  }
}

/** Deep equality of JSON values, charged to `meter`. Secrets are never compared. */
export function deepEqual(a: Value, b: Value, meter: Meter, span: Span): boolean {
  meter.charge(1, span);
  if (a === b) return !isSecret(a);
  if (isSecret(a) || isSecret(b)) throw new EvalError('secret', 'a secret cannot be compared', span);
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    meter.enter(span);
    try {
      const xs = a as readonly Value[];
      const ys = b as readonly Value[];
      return xs.every((x, i) => deepEqual(x, ys[i], meter, span));
    } finally {
      meter.leave();
    }
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    meter.enter(span);
    try {
      return keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k], meter, span));
    } finally {
      meter.leave();
    }
  }
  return false;
}

/**
 * JSON text of a value, bounded by the meter's caps. Secrets nested in data are written as `"***"`:
 * text made from data is for humans, and a secret must not leak into it.
 */
export function toJson(value: Value, meter: Meter, span: Span): string {
  const chunks: string[] = [];
  let length = 0;
  const push = (s: string): void => {
    length += s.length;
    if (length > MAX_STRING_LENGTH) {
      throw new EvalError('too-large', `a string grew past ${MAX_STRING_LENGTH} characters`, span);
    }
    chunks.push(s);
  };
  const write = (v: Value): void => {
    meter.charge(1, span);
    if (isSecret(v)) return push('"***"');
    if (Array.isArray(v)) {
      meter.enter(span);
      try {
        push('[');
        (v as readonly Value[]).forEach((item, i) => {
          if (i > 0) push(',');
          write(item);
        });
        push(']');
      } finally {
        meter.leave();
      }
      return;
    }
    if (isPlainObject(v)) {
      meter.enter(span);
      try {
        push('{');
        Object.keys(v).forEach((k, i) => {
          push(`${i > 0 ? ',' : ''}${JSON.stringify(k)}:`);
          write(v[k]);
        });
        push('}');
      } finally {
        meter.leave();
      }
      return;
    }
    push(typeof v === 'number' && !Number.isFinite(v) ? 'null' : JSON.stringify(v));
  };
  write(value);
  return chunks.join('');
}

/** How a value reads inside a string: strings as they are, durations as `1h30m`, data as JSON. */
export function toText(value: Value, asDuration: boolean, meter: Meter, span: Span): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return asDuration ? formatDuration(value) : String(value);
  if (typeof value === 'boolean' || value === null) return String(value);
  return toJson(value, meter, span);
}

/** A short, bounded rendering of a value for explanations and error messages: `"abc"`, `50`, `[1,2,…]`. */
export function previewValue(value: Value, maxLength = 60): string {
  let text: string;
  if (typeof value === 'string')
    text = JSON.stringify(value.length > maxLength ? value.slice(0, maxLength) : value);
  else if (value === null || typeof value !== 'object') text = String(value);
  else if (isSecret(value)) text = 'secret';
  else {
    text = Array.isArray(value)
      ? `[${value.length} items]`
      : `{${Object.keys(value).slice(0, 5).join(', ')}}`;
  }
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
