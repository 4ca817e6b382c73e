/**
 * Reading rule test files: a YAML node reader that reports located problems (`test-invalid`
 * diagnostics) instead of throwing. Shared by the v1 keys (`rule-test.ts`) and the v2 ones
 * (`rule-test-v2.ts`).
 */
import { isMap, isScalar, type LineCounter, type Node, type Pair } from 'yaml';
import { Codes, error, type Diagnostic } from './core/diagnostics';
import { readDuration } from './core/duration-literal';
import type { Span } from './core/span';
import { didYouMean } from './core/suggest';

/** A mapping's entry: its value node and where its key is written. */
export type Entry = { value: Node | null; span: Span };

/** Reads one file's nodes, collecting diagnostics. */
export class Reader {
  readonly diagnostics: Diagnostic[] = [];
  constructor(
    readonly file: string,
    private readonly lines: LineCounter,
  ) {}

  span(node: Node | Pair | null | undefined, fallback: Span): Span {
    const range =
      node && 'range' in node
        ? node.range
        : node && 'key' in node && isScalar(node.key)
          ? node.key.range
          : undefined;
    if (!range) return fallback;
    const start = this.lines.linePos(range[0]);
    const end = this.lines.linePos(range[1]);
    return { file: this.file, line: start.line, column: start.col, endLine: end.line, endColumn: end.col };
  }

  problem(span: Span, message: string): undefined {
    this.diagnostics.push(error(Codes.testInvalid, message, span));
    return undefined;
  }

  /** A mapping's entries by key, reporting unknown keys. */
  entries(
    node: unknown,
    what: string,
    keys: readonly string[] | undefined,
    at: Span,
  ): Map<string, { value: Node | null; span: Span }> | undefined {
    if (!isMap(node)) return this.problem(at, `${what} must be a mapping`);
    const out = new Map<string, { value: Node | null; span: Span }>();
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
      const span = this.span(pair.key as Node, at);
      if (key === undefined) {
        this.problem(span, `${what} has a key that is not text`);
        continue;
      }
      if (keys && !keys.includes(key)) {
        this.problem(span, `unknown key '${key}' in ${what}${didYouMean(key, keys)}`);
        continue;
      }
      out.set(key, { value: (pair.value as Node | null) ?? null, span });
    }
    return out;
  }

  text(node: Node | null, what: string, at: Span): string | undefined {
    if (isScalar(node) && (typeof node.value === 'string' || typeof node.value === 'number'))
      return String(node.value);
    return this.problem(this.span(node, at), `${what} must be text`);
  }

  durationMs(node: Node | null, at: Span, what = "'after'"): number | undefined {
    const text = isScalar(node) ? String(node.value) : '';
    const reading = readDuration(text);
    return 'ms' in reading
      ? reading.ms
      : this.problem(this.span(node, at), `${what} must be a duration like 3h or 30m: ${reading.problem}`);
  }

  data(node: Node | null, what: string, at: Span): Record<string, unknown> | undefined {
    if (node === null) return {};
    const value: unknown = node.toJSON();
    if (value === null || value === undefined) return {};
    if (typeof value !== 'object' || Array.isArray(value))
      return this.problem(this.span(node, at), `${what} must be a mapping`);
    return value as Record<string, unknown>;
  }
}
