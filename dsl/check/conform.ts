/**
 * Checking data from outside (event data, manual input, test fixtures) against a declared type,
 * before it reaches a run. Pure: shared by the API's ingest, manual runs and `opsflow test`.
 *
 * Decisions: fields an event schema does not declare are kept (producers add fields over time;
 * rules cannot read them, the checker sees to that); a `duration` may be given as milliseconds or
 * as duration text (`"1h30m"`), and is normalised to milliseconds; a `time` must be ISO-8601 text;
 * objects shaped like secret markers (`{"$secret": ...}`) are refused anywhere, so outside data can
 * never make an action send a secret.
 */
import { parseDurationText } from '../core/duration-literal';
import type { FieldTypeIR, TypeIR } from '../runtime/ir';
import { typeToString } from './semantic-types';
import { parseTime } from '../runtime/value-time';

/** One reason a value does not fit its type: `path` is like `items[2].sku` (empty for the root). */
export interface ValueProblem {
  readonly path: string;
  readonly message: string;
}

export interface Conformed {
  /** The value with durations normalised to milliseconds; meaningful only without problems. */
  readonly value: unknown;
  readonly problems: readonly ValueProblem[];
}

/** At most this many problems are reported for one value: enough to fix it, bounded for hostile input. */
const MAX_PROBLEMS = 50;
const MAX_DEPTH = 64;

/** Checks `value` against `type`. */
export function conformValue(value: unknown, type: TypeIR, path = ''): Conformed {
  const problems: ValueProblem[] = [];
  const result = walk(value, type, path, problems, 0);
  return { value: result, problems: problems.slice(0, MAX_PROBLEMS) };
}

/** Checks an object against a list of fields (an event schema, `manual(...)` parameters). */
export function conformFields(value: unknown, fields: readonly FieldTypeIR[]): Conformed {
  return conformValue(value, { kind: 'object', fields });
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'text';
  return `a ${typeof value}`;
}

function at(path: string, name: string): string {
  return path === '' ? name : `${path}.${name}`;
}

function walk(value: unknown, type: TypeIR, path: string, problems: ValueProblem[], depth: number): unknown {
  if (problems.length >= MAX_PROBLEMS) return value;
  const fail = (message: string): unknown => {
    problems.push({ path, message });
    return value;
  };
  if (depth > MAX_DEPTH) return fail('is nested too deeply');
  if (type.kind === 'optional') {
    return value === null || value === undefined ? null : walk(value, type.type, path, problems, depth);
  }
  if (value === null || value === undefined) {
    return type.kind === 'any' || type.kind === 'null' ? null : fail(`is required (${typeToString(type)})`);
  }
  switch (type.kind) {
    case 'any':
      return anyValue(value, path, problems, depth);
    case 'null':
      return fail(`must be null, not ${describe(value)}`);
    case 'string':
      return typeof value === 'string' ? value : fail(`must be text, not ${describe(value)}`);
    case 'bool':
      return typeof value === 'boolean' ? value : fail(`must be true or false, not ${describe(value)}`);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? value
        : fail(`must be a number, not ${describe(value)}`);
    case 'int':
      return typeof value === 'number' && Number.isInteger(value)
        ? value
        : fail(`must be a whole number, not ${typeof value === 'number' ? value : describe(value)}`);
    case 'time':
      return typeof value === 'string' && parseTime(value) !== undefined
        ? value
        : fail('must be an ISO-8601 time like 2024-05-01T10:00:00Z');
    case 'duration': {
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
      const ms = typeof value === 'string' ? parseDurationText(value) : undefined;
      return ms !== undefined ? ms : fail('must be a duration like "1h30m" or a number of milliseconds');
    }
    case 'list': {
      if (!Array.isArray(value)) return fail(`must be a list, not ${describe(value)}`);
      return value.map((item, i) => walk(item, type.element, `${path}[${i}]`, problems, depth + 1));
    }
    case 'object': {
      if (typeof value !== 'object' || Array.isArray(value))
        return fail(`must be an object, not ${describe(value)}`);
      if (isMarker(value)) return fail('must not contain a secret marker');
      const source = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, item] of Object.entries(source)) {
        const declared = type.fields.find((f) => f.name === name);
        const conformed = declared
          ? walk(item, declared.type, at(path, name), problems, depth + 1)
          : anyValue(item, at(path, name), problems, depth + 1);
        Object.defineProperty(out, name, {
          value: conformed,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      for (const field of type.fields) {
        if (!Object.prototype.hasOwnProperty.call(source, field.name)) {
          const conformed = walk(undefined, field.type, at(path, field.name), problems, depth + 1);
          if (conformed === null) {
            Object.defineProperty(out, field.name, {
              value: null,
              enumerable: true,
              writable: true,
              configurable: true,
            });
          }
        }
      }
      return out;
    }
  }
}

/** Any JSON value, checked only for secret markers and depth. */
function anyValue(value: unknown, path: string, problems: ValueProblem[], depth: number): unknown {
  if (depth > MAX_DEPTH) {
    problems.push({ path, message: 'is nested too deeply' });
    return value;
  }
  if (Array.isArray(value))
    return value.map((item, i) => anyValue(item, `${path}[${i}]`, problems, depth + 1));
  if (value !== null && typeof value === 'object') {
    if (isMarker(value)) {
      problems.push({ path, message: 'must not contain a secret marker' });
      return value;
    }
    for (const [name, item] of Object.entries(value)) anyValue(item, at(path, name), problems, depth + 1);
  }
  return value;
}

function isMarker(value: object): boolean {
  return (
    Object.prototype.hasOwnProperty.call(value, '$secret') ||
    Object.prototype.hasOwnProperty.call(value, '$template')
  );
}
