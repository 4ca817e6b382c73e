/**
 * Canonical JSON and rule hashing.
 *
 * Canonical JSON sorts object keys by UTF-16 code units and drops `undefined` properties, so the
 * same data always gives the same text whatever order it was built in. The IR hash is computed
 * over that text with every `span` key removed: moving text around, reformatting, or translating a
 * rule between the DSL and YAML forms does not make a new version.
 *
 * Not for the workflow bundle: this file uses node:crypto.
 */
import { createHash } from 'node:crypto';
import type { RuleIR } from '../runtime/ir';

/** Any JSON-like value; the parameter type of the functions below. */
export type JsonLike = unknown;

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sortedKeys(record: Record<string, unknown>): string[] {
  return Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * JSON text with sorted keys. With `indent` > 0 the output is pretty-printed (for `opsflow compile`);
 * without, it is compact (for hashing).
 */
export function stableStringify(value: JsonLike, indent = 0): string {
  const pad = (depth: number): string => (indent > 0 ? '\n' + ' '.repeat(indent * depth) : '');
  const colon = indent > 0 ? ': ' : ':';
  const write = (v: unknown, depth: number): string => {
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      const items = v.map((item) => pad(depth + 1) + (item === undefined ? 'null' : write(item, depth + 1)));
      return `[${items.join(',')}${pad(depth)}]`;
    }
    if (isPlainRecord(v)) {
      const keys = sortedKeys(v);
      if (keys.length === 0) return '{}';
      const entries = keys.map(
        (k) => `${pad(depth + 1)}${JSON.stringify(k)}${colon}${write(v[k], depth + 1)}`,
      );
      return `{${entries.join(',')}${pad(depth)}}`;
    }
    const text = JSON.stringify(v);
    return text === undefined ? 'null' : text;
  };
  return write(value, 0);
}

/** A deep copy without any property named `span`. */
export function withoutSpans(value: JsonLike): unknown {
  if (Array.isArray(value)) return value.map(withoutSpans);
  if (isPlainRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) {
      if (k === 'span') continue;
      Object.defineProperty(out, k, {
        value: withoutSpans(value[k]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The version hash of a rule: sha256 of its canonical JSON without spans and without `hash`. */
export function hashRule(rule: Omit<RuleIR, 'hash'> & { readonly hash?: string }): string {
  const { hash: _ignored, ...rest } = rule;
  return sha256Hex(stableStringify(withoutSpans(rest)));
}
