/**
 * Reading chevrotain CSTs: typed access to labelled children (skipping tokens that error recovery
 * invented), spans, and the small conversions every part of the CST → AST step shares.
 */
import type { CstElement, CstNode, IToken } from 'chevrotain';
import type { Binding, DurationLit, Expr, QualifiedName } from '../ast/ast';
import type { Diagnostic } from '../core/diagnostics';
import type { DurationPayload, NumberPayload } from './lexer';
import type { Span } from '../core/span';
import { joinSpans } from '../core/span';

/** Maps a UTF-16 offset in the parsed text to a 1-based line and column. */
export type Locate = (offset: number) => { line: number; column: number };

/** Everything a conversion needs: where the text came from and where problems go. */
export interface ConvertContext {
  readonly file: string;
  readonly locate: Locate;
  readonly diagnostics: Diagnostic[];
  /**
   * Parses the interpolation `${...}` whose content is at `[start, end)` of the parsed text,
   * `depth` levels deep (strings inside interpolations inside strings...).
   */
  readonly interpolate: (start: number, end: number, depth: number) => Expr | undefined;
  /** Nesting depth of each string token (by start offset), from the nesting guard. */
  readonly depthAt: (offset: number) => number;
}

// ---------------------------------------------------------------- CST access

/** Is a CST child a node (rather than a token)? */
export function isNode(e: CstElement): e is CstNode {
  return (e as CstNode).children !== undefined;
}

function isRealToken(t: IToken): boolean {
  return !t.isInsertedInRecovery && Number.isFinite(t.startOffset);
}

/** The child nodes under `key`, in source order. */
export function nodes(n: CstNode | undefined, key: string): CstNode[] {
  return (n?.children[key] ?? []).filter(isNode);
}

/** The first child node under `key`. */
export function node(n: CstNode | undefined, key: string): CstNode | undefined {
  return nodes(n, key)[0];
}

/** The real (not recovery-inserted) tokens under `key`, in source order. */
export function toks(n: CstNode | undefined, key: string): IToken[] {
  return (n?.children[key] ?? []).filter((e): e is IToken => !isNode(e) && isRealToken(e));
}

/** The first real token under `key`. */
export function tok(n: CstNode | undefined, key: string): IToken | undefined {
  return toks(n, key)[0];
}

// ---------------------------------------------------------------- spans

/** The span of `[start, end)` in the parsed text. */
export function offsetSpan(ctx: ConvertContext, start: number, end: number): Span {
  const a = ctx.locate(start);
  const b = ctx.locate(end);
  return { file: ctx.file, line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
}

/** One past a token's last character. */
export function tokenEnd(t: IToken): number {
  return t.endOffset !== undefined && Number.isFinite(t.endOffset)
    ? t.endOffset + 1
    : t.startOffset + t.image.length;
}

/** The span of a token. */
export function tokenSpan(ctx: ConvertContext, t: IToken): Span {
  return offsetSpan(ctx, t.startOffset, tokenEnd(t));
}

/** From the start of token `a` to the end of span `b`. */
export function spanFrom(ctx: ConvertContext, a: IToken, b: Span): Span {
  return joinSpans(tokenSpan(ctx, a), b);
}

// ---------------------------------------------------------------- shared node helpers

type Range = { readonly start: number; readonly end: number };

/** Extents already computed: statements ask for the extent of nested blocks again and again. */
const extents = new WeakMap<CstNode, Range | null>();

/** First and one-past-last offsets of the real tokens under `n`, if it has any. */
export function extent(n: CstNode): Range | undefined {
  const known = extents.get(n);
  if (known !== undefined) return known ?? undefined;
  let start = Infinity;
  let end = -Infinity;
  for (const list of Object.values(n.children)) {
    for (const e of list) {
      const range = isNode(e) ? extent(e) : realTokenRange(e);
      if (range) {
        start = Math.min(start, range.start);
        end = Math.max(end, range.end);
      }
    }
  }
  const result = start <= end ? { start, end } : undefined;
  extents.set(n, result ?? null);
  return result;
}

function realTokenRange(t: IToken): Range | undefined {
  return t.isInsertedInRecovery || !Number.isFinite(t.startOffset)
    ? undefined
    : { start: t.startOffset, end: tokenEnd(t) };
}

/** The span of everything a node holds (undefined when recovery left it empty). */
export function nodeSpan(ctx: ConvertContext, n: CstNode): Span | undefined {
  const range = extent(n);
  return range && offsetSpan(ctx, range.start, range.end);
}

/** The first child node of a node whose children are alternatives (`statement`, `declaration`). */
export function onlyChild(n: CstNode | undefined): CstNode | undefined {
  if (!n) return undefined;
  for (const list of Object.values(n.children)) {
    const found = list.find(isNode);
    if (found) return found;
  }
  return undefined;
}

/** A `qualifiedName` node as `a.b.c`. */
export function qualified(ctx: ConvertContext, n: CstNode | undefined): QualifiedName | undefined {
  const parts = toks(n, 'part');
  if (parts.length === 0) return undefined;
  const last = parts[parts.length - 1];
  return {
    name: parts.map((p) => p.image).join('.'),
    span: offsetSpan(ctx, parts[0].startOffset, tokenEnd(last)),
  };
}

/** A name token that binds something. */
export function binding(ctx: ConvertContext, t: IToken | undefined): Binding | undefined {
  return t && { name: t.image, span: tokenSpan(ctx, t) };
}

/** A duration token where the grammar wants a literal duration. */
export function durationLit(ctx: ConvertContext, t: IToken | undefined): DurationLit | undefined {
  return t && { ms: (t.payload as DurationPayload).ms, text: t.image, span: tokenSpan(ctx, t) };
}

/** The value of a number token. */
export function numberValue(t: IToken | undefined): number | undefined {
  return t && (t.payload as NumberPayload).value;
}
