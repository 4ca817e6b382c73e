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
 * without, it is compact (for hashing). Iterative, so no nesting of the value exhausts the stack.
 */
export function stableStringify(value: JsonLike, indent = 0): string {
  const pad = (depth: number): string => (indent > 0 ? '\n' + ' '.repeat(indent * depth) : '');
  const colon = indent > 0 ? ': ' : ':';
  const out: string[] = [];
  // Work in reverse order: text to write as it is, or a value to write at a depth.
  const work: ({ readonly text: string } | { readonly value: unknown; readonly depth: number })[] = [
    { value, depth: 0 },
  ];
  for (let item = work.pop(); item !== undefined; item = work.pop()) {
    if ('text' in item) {
      out.push(item.text);
      continue;
    }
    const { value: v, depth } = item;
    if (Array.isArray(v)) {
      if (v.length === 0) {
        out.push('[]');
        continue;
      }
      out.push('[');
      work.push({ text: `${pad(depth)}]` });
      for (let i = v.length - 1; i >= 0; i--) {
        const element: unknown = v[i];
        work.push({ value: element === undefined ? null : element, depth: depth + 1 });
        work.push({ text: `${i > 0 ? ',' : ''}${pad(depth + 1)}` });
      }
      continue;
    }
    if (isPlainRecord(v)) {
      const keys = sortedKeys(v);
      if (keys.length === 0) {
        out.push('{}');
        continue;
      }
      out.push('{');
      work.push({ text: `${pad(depth)}}` });
      for (let i = keys.length - 1; i >= 0; i--) {
        work.push({ value: v[keys[i]], depth: depth + 1 });
        work.push({ text: `${i > 0 ? ',' : ''}${pad(depth + 1)}${JSON.stringify(keys[i])}${colon}` });
      }
      continue;
    }
    const text = JSON.stringify(v);
    out.push(text === undefined ? 'null' : text);
  }
  return out.join('');
}

/** A deep copy without any property named `span` (iterative, like `stableStringify`). */
export function withoutSpans(value: JsonLike): unknown {
  const shell = (v: unknown): unknown =>
    Array.isArray(v) ? new Array<unknown>(v.length) : isPlainRecord(v) ? {} : v;
  const root = shell(value);
  const work: [unknown, unknown][] = [[value, root]];
  for (let item = work.pop(); item !== undefined; item = work.pop()) {
    const [from, to] = item;
    if (Array.isArray(from)) {
      const target = to as unknown[];
      for (let i = 0; i < from.length; i++) {
        const child: unknown = from[i];
        const copy = shell(child);
        target[i] = copy;
        if (copy !== child) work.push([child, copy]);
      }
    } else if (isPlainRecord(from)) {
      for (const k of Object.keys(from)) {
        if (k === 'span') continue;
        const child = from[k];
        const copy = shell(child);
        Object.defineProperty(to, k, { value: copy, enumerable: true, writable: true, configurable: true });
        if (copy !== child) work.push([child, copy]);
      }
    }
  }
  return root;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The version hash of a rule: sha256 of its canonical JSON without spans and without `hash`. */
export function hashRule(rule: Omit<RuleIR, 'hash'> & { readonly hash?: string }): string {
  const { hash: _ignored, ...rest } = rule;
  return sha256Hex(stableStringify(withoutSpans(rest)));
}
