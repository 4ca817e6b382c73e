/**
 * Hand-written checks of request bodies: each reads an `unknown` body into a typed value or
 * throws `InvalidBodyError` naming every failing field. No decorators, no `any`.
 */
import { InvalidBodyError, type FieldError } from './problems';

/** A JSON object read as a record, or undefined. */
export function asRecord(value: unknown): Readonly<Record<string, unknown>> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Readonly<Record<string, unknown>>)
    : undefined;
}

/** Collects the problems of one body, so a caller hears about every field at once. */
export class BodyReader {
  readonly errors: FieldError[] = [];
  readonly fields: Readonly<Record<string, unknown>>;

  /** `optional`: a missing body (no content) reads as `{}`. */
  constructor(body: unknown, allowed: readonly string[], optional = false) {
    const record = asRecord(body ?? (optional ? {} : undefined));
    if (!record) {
      this.errors.push({ path: '', message: 'the body must be a JSON object' });
      this.fields = {};
      return;
    }
    this.fields = record;
    for (const key of Object.keys(record)) {
      if (!allowed.includes(key)) {
        this.errors.push({ path: key, message: `unknown field (expected ${allowed.join(', ')})` });
      }
    }
  }

  /** A non-empty string of at most `max` characters. */
  text(path: string, value: unknown, max = 200): string | undefined {
    if (typeof value !== 'string' || value.trim() === '') {
      this.errors.push({ path, message: 'required: non-empty text' });
      return undefined;
    }
    if (value.length > max) {
      this.errors.push({ path, message: `at most ${max} characters` });
      return undefined;
    }
    // PostgreSQL's text cannot hold it.
    if (value.includes('\u0000')) {
      this.errors.push({ path, message: 'cannot contain the NUL character' });
      return undefined;
    }
    return value;
  }

  /** Like `text`, but undefined (or null) is fine. */
  optionalText(path: string, value: unknown, max = 2000): string | undefined {
    return value === undefined || value === null ? undefined : this.text(path, value, max);
  }

  /** One of the given strings. */
  oneOf<T extends string>(path: string, value: unknown, choices: readonly T[]): T | undefined {
    const found = choices.find((c) => c === value);
    if (found === undefined) this.errors.push({ path, message: `expected one of ${choices.join(', ')}` });
    return found;
  }

  /** Throws `InvalidBodyError` when anything was wrong. */
  done(): void {
    if (this.errors.length > 0) throw new InvalidBodyError(this.errors);
  }
}
