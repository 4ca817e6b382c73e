/**
 * Shared state and small helpers of the YAML front end: spans from `yaml` node ranges, diagnostics,
 * alias resolution under a budget, nesting depth, and checking the keys of a mapping.
 */
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Document, LineCounter, Node, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { LocatedComment } from '../ast/attach-comments';
import { Codes, error } from '../core/diagnostics';
import type { Diagnostic, DiagnosticCode } from '../core/diagnostics';
import type { Locate } from '../text/parse-expression';
import type { Span } from '../core/span';
import { didYouMean } from '../core/suggest';
import { scalarOffsetMap } from './locate';

/** How deeply steps and literal values may nest before the loader gives up on a branch. */
export const MAX_DEPTH = 64;

/** Nodes visited through aliases beyond the document's own size: stops "billion laughs" inputs. */
const ALIAS_BUDGET = 10_000;

/**
 * Thrown (after the diagnostic was reported) when a document has used up its alias budget: the
 * load of that document stops there, rather than go on with parts of it missing.
 */
export class AliasBudgetExceeded extends Error {
  override readonly name = 'AliasBudgetExceeded';
}

/** The state of loading one YAML document. */
export class YamlContext {
  readonly diagnostics: Diagnostic[] = [];
  /** Comments found inside expressions (`when: "a > 3  # why"`), placed with the YAML comments. */
  readonly exprComments: LocatedComment[] = [];
  private visits = 0;
  private readonly visitLimit: number;
  private budgetReported = false;

  constructor(
    readonly file: string,
    readonly text: string,
    private readonly lines: LineCounter,
    private readonly doc: Document.Parsed,
  ) {
    // Without aliases every node is visited once, and a document has fewer nodes than characters.
    this.visitLimit = text.length + ALIAS_BUDGET;
  }

  /** The span from source offset `start` to `end` (exclusive). */
  spanAt(start: number, end: number): Span {
    const a = this.lines.linePos(start);
    const b = this.lines.linePos(Math.max(start, end));
    // `linePos` answers line 0 before the first line break it knows of (an empty text).
    return {
      file: this.file,
      line: Math.max(1, a.line),
      column: Math.max(1, a.col),
      endLine: Math.max(1, b.line),
      endColumn: Math.max(1, b.col),
    };
  }

  /** The span of a node's value, without the trailing line breaks block collections include. */
  span(node: Node | null | undefined, fallback?: Span): Span {
    const range = node?.range;
    if (!range) return fallback ?? this.spanAt(0, 0);
    let end = range[1];
    while (end > range[0] && /\s/.test(this.text[end - 1])) end--;
    return this.spanAt(range[0], end);
  }

  /** The span of `key: value`, from the key to the end of the value. */
  pairSpan(pair: Pair): Span {
    const key = pair.key as Node | null;
    const value = pair.value as Node | null;
    const start = key?.range?.[0] ?? value?.range?.[0] ?? 0;
    const endSpan = this.span(value?.range ? value : key);
    const a = this.spanAt(start, start);
    return { ...endSpan, line: a.line, column: a.column };
  }

  /** Maps offsets in a scalar's value to lines and columns of the YAML file. */
  locate(node: Scalar): Locate {
    const map = scalarOffsetMap(this.text, node);
    return (offset) => {
      const pos = this.lines.linePos(map(offset));
      return { line: Math.max(1, pos.line), column: Math.max(1, pos.col) };
    };
  }

  /** Records an error. */
  report(code: DiagnosticCode, message: string, span: Span): void {
    this.diagnostics.push(error(code, message, span));
  }

  /** Reports a `yaml-shape` problem at `node`. */
  shape(message: string, node: Node | null | undefined, fallback?: Span): void {
    this.report(Codes.yamlShape, message, this.span(node, fallback));
  }

  /**
   * Follows aliases and counts every visit. Returns `undefined` for an alias whose anchor does not
   * exist (`yaml` reports that). Once the document has used up its budget, reports it (at the
   * node reached) and throws `AliasBudgetExceeded`, which ends the load of the document.
   */
  resolve(node: unknown): Node | undefined {
    if (++this.visits > this.visitLimit) {
      if (!this.budgetReported) {
        this.budgetReported = true;
        this.shape(
          `this document expands too many aliases (more than ${ALIAS_BUDGET} nodes reached through them); repeat the steps instead of nesting aliases of aliases`,
          node as Node,
          this.spanAt(0, 0),
        );
      }
      throw new AliasBudgetExceeded();
    }
    if (isAlias(node)) {
      const target = node.resolve(this.doc);
      return target === undefined ? undefined : this.resolve(target);
    }
    if (isScalar(node) || isMap(node) || isSeq(node)) return node;
    return undefined;
  }

  /** Reports and returns `false` when `depth` is past `MAX_DEPTH`. */
  depthOk(depth: number, node: Node | null | undefined, fallback: Span): boolean {
    if (depth <= MAX_DEPTH) return true;
    this.report(
      Codes.nestingTooDeep,
      `nesting is deeper than ${MAX_DEPTH} levels`,
      this.span(node, fallback),
    );
    return false;
  }
}

/** A short name for the kind of a YAML node, for messages. */
export function describe(node: Node | null | undefined): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return 'nothing';
    if (typeof v === 'string') return 'text';
    if (typeof v === 'number') return 'a number';
    if (typeof v === 'boolean') return 'a boolean';
  }
  return 'an unsupported value';
}

/**
 * The text of a scalar as the user meant it: the decoded value of a string, and the source text of
 * anything YAML resolved to another type (so `3.0` stays `3.0` and `true` stays `true`).
 */
export function scalarText(ctx: YamlContext, node: Scalar): string {
  if (typeof node.value === 'string') return node.value;
  const range = node.range;
  if (range && range[1] > range[0]) return ctx.text.slice(range[0], range[1]);
  return node.value === null || node.value === undefined ? '' : String(node.value);
}

/** One `key: value` of a mapping, with the key's text and the resolved value node. */
export interface Entry {
  readonly key: string;
  readonly keyNode: Scalar;
  readonly value: Node | undefined;
  readonly pair: Pair;
}

/** Entries of a mapping keyed by name; pairs with a non-scalar key are reported and skipped. */
export function entries(ctx: YamlContext, map: YAMLMap, fallback: Span): Entry[] {
  const out: Entry[] = [];
  for (const pair of map.items) {
    const keyNode = ctx.resolve(pair.key);
    if (!isScalar(keyNode)) {
      ctx.shape('keys must be plain names', (pair.key as Node | null) ?? map, fallback);
      continue;
    }
    const value = pair.value === null || pair.value === undefined ? undefined : ctx.resolve(pair.value);
    out.push({ key: scalarText(ctx, keyNode), keyNode, value, pair });
  }
  return out;
}

/**
 * The entries of a mapping whose keys must come from `allowed`; others are reported as
 * `yaml-unknown-key` with the closest allowed key as a suggestion.
 */
export function knownEntries(
  ctx: YamlContext,
  map: YAMLMap,
  allowed: readonly string[],
  where: string,
  fallback: Span,
): Map<string, Entry> {
  const out = new Map<string, Entry>();
  for (const entry of entries(ctx, map, fallback)) {
    if (!allowed.includes(entry.key)) {
      ctx.report(
        Codes.yamlUnknownKey,
        `unknown key '${entry.key}' in ${where}${didYouMean(entry.key, allowed)}`,
        ctx.span(entry.keyNode, fallback),
      );
      continue;
    }
    out.set(entry.key, entry);
  }
  return out;
}

/** `node` as a mapping, or a `yaml-shape` report. */
export function asMap(
  ctx: YamlContext,
  node: Node | undefined,
  what: string,
  fallback: Span,
): YAMLMap | undefined {
  if (isMap(node)) return node;
  ctx.shape(`${what} must be a mapping, found ${describe(node)}`, node, fallback);
  return undefined;
}

/** `node` as a list, or a `yaml-shape` report. */
export function asSeq(
  ctx: YamlContext,
  node: Node | undefined,
  what: string,
  fallback: Span,
): YAMLSeq | undefined {
  if (isSeq(node)) return node;
  ctx.shape(`${what} must be a list, found ${describe(node)}`, node, fallback);
  return undefined;
}

/** Reports a required key that is missing from a mapping. */
export function missing(ctx: YamlContext, key: string, where: string, at: Span): void {
  ctx.report(Codes.yamlMissingKey, `${where} needs a '${key}:' key`, at);
}
