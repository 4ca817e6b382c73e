/**
 * Values of the YAML form: expressions, templates, names, durations and named arguments.
 *
 * Two readings of a YAML value exist (LANGUAGE.md §6):
 * - *expression* positions (`when`, `where`, `if`, `key`, `value`, `in`, `sleep`, `sleep_until`):
 *   the text is parsed as an expression. A plain scalar YAML would read as a number, boolean or
 *   null is parsed from its source text, so `value: 3.0` keeps its spelling. A YAML list or mapping
 *   is a list or object literal whose items are again expressions.
 * - *template* positions (action arguments, `emit` fields, messages, `approve` text and `by`):
 *   a string is literal text with `${expr}` interpolation; numbers, booleans and null are literals;
 *   YAML lists and mappings are list and object literals whose items are again templates.
 */
import { isMap, isScalar, isSeq } from 'yaml';
import type { Node, Scalar } from 'yaml';
import type { Binding, DurationLit, Expr, NamedArg, ObjectField, QualifiedName } from '../ast/ast';
import { Codes } from '../core/diagnostics';
import { readDuration } from '../core/duration-literal';
import { parseExpression, parseTemplate } from '../text/parse-expression';
import type { Span } from '../core/span';
import { describe, entries, scalarText } from './context';
import type { YamlContext } from './context';

/** A plain name: `qty`, `po`, `restock_low_stock`. */
export const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A qualified name: `inventory.updated`, `purchasing.create_order`. */
export const QUALIFIED_RE = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

type Reader = (
  ctx: YamlContext,
  node: Node | undefined,
  what: string,
  fallback: Span,
  depth?: number,
) => Expr | undefined;

/** Parses an expression position. */
export const expression: Reader = (ctx, node, what, fallback, depth = 0) => {
  if (!ctx.depthOk(depth, node ?? null, fallback)) return undefined;
  if (isScalar(node)) {
    const text = scalarText(ctx, node);
    if (node.value === null || node.value === undefined) {
      if (text === '') {
        ctx.shape(`${what} needs an expression`, node, fallback);
        return undefined;
      }
      return { kind: 'null', span: ctx.span(node) };
    }
    return parseWith(ctx, node, text, parseExpression);
  }
  return collection(ctx, node, what, fallback, depth, expression);
};

/** Parses a template position. */
export const template: Reader = (ctx, node, what, fallback, depth = 0) => {
  if (!ctx.depthOk(depth, node ?? null, fallback)) return undefined;
  if (isScalar(node)) {
    const value: unknown = node.value;
    const span = ctx.span(node);
    if (typeof value === 'string') return parseWith(ctx, node, value, parseTemplate);
    if (typeof value === 'boolean') return { kind: 'bool', value, span };
    if (value === null || value === undefined) return { kind: 'null', span };
    // A number is read from its source text, so `3.0` keeps its spelling and `-5` is parsed as the
    // DSL parses it; spellings the DSL does not have (`0x1F`, `1e3`) are reported there.
    return parseWith(ctx, node, scalarText(ctx, node), parseExpression);
  }
  return collection(ctx, node, what, fallback, depth, template);
};

function parseWith(
  ctx: YamlContext,
  node: Scalar,
  text: string,
  parse: typeof parseExpression | typeof parseTemplate,
): Expr | undefined {
  const result = parse(text, ctx.file, ctx.locate(node));
  ctx.diagnostics.push(...result.diagnostics);
  if (result.comments) ctx.exprComments.push(...result.comments);
  return result.expr;
}

/** A YAML list or mapping in a value position: a list or object literal of `item` values. */
function collection(
  ctx: YamlContext,
  node: Node | undefined,
  what: string,
  fallback: Span,
  depth: number,
  item: Reader,
): Expr | undefined {
  if (isSeq(node)) {
    const items: Expr[] = [];
    let ok = true;
    for (const raw of node.items) {
      const child = ctx.resolve(raw);
      const expr =
        child === undefined ? undefined : item(ctx, child, what, ctx.span(node, fallback), depth + 1);
      if (expr === undefined) ok = false;
      else items.push(expr);
    }
    return ok ? { kind: 'list', items, span: ctx.span(node, fallback) } : undefined;
  }
  if (isMap(node)) {
    const fields = objectFields(ctx, node, what, fallback, depth, item);
    return fields === undefined ? undefined : { kind: 'object', fields, span: ctx.span(node, fallback) };
  }
  ctx.shape(`${what} must be a value, found ${describe(node)}`, node, fallback);
  return undefined;
}

function objectFields(
  ctx: YamlContext,
  node: Node,
  what: string,
  fallback: Span,
  depth: number,
  item: Reader,
): ObjectField[] | undefined {
  if (!isMap(node)) return undefined;
  const fields: ObjectField[] = [];
  let ok = true;
  for (const entry of entries(ctx, node, fallback)) {
    // Any text is a valid field name, as with a quoted name in the DSL (`{ "Content-Type": ... }`).
    const nameSpan = ctx.span(entry.keyNode, fallback);
    const value =
      entry.value === undefined
        ? undefined
        : item(ctx, entry.value, `'${entry.key}' in ${what}`, nameSpan, depth + 1);
    if (value === undefined) {
      if (entry.value === undefined) ctx.shape(`'${entry.key}' needs a value`, entry.keyNode, fallback);
      ok = false;
      continue;
    }
    fields.push({ name: entry.key, nameSpan, value, span: ctx.pairSpan(entry.pair) });
  }
  return ok ? fields : undefined;
}

/**
 * `with: { name: template, ... }` of a `call` or `emit`. An empty `with:` means no arguments.
 * Returns `undefined` when something was reported.
 */
export function namedArgs(
  ctx: YamlContext,
  node: Node | undefined,
  what: string,
  fallback: Span,
  depth: number,
): NamedArg[] | undefined {
  if (isScalar(node) && node.value === null) return [];
  if (!isMap(node)) {
    ctx.shape(`${what} must be a mapping of name: value, found ${describe(node)}`, node, fallback);
    return undefined;
  }
  return objectFields(ctx, node, what, fallback, depth, template);
}

/** The text of a scalar that must be a string, or a `yaml-shape` report. */
function stringOf(
  ctx: YamlContext,
  node: Node | undefined,
  what: string,
  fallback: Span,
): string | undefined {
  if (isScalar(node) && typeof node.value === 'string') return node.value;
  ctx.shape(`${what} must be text, found ${describe(node)}`, node, fallback);
  return undefined;
}

/** A binding name (`as: po`, `let: qty`). */
export function binding(
  ctx: YamlContext,
  node: Node | undefined,
  what: string,
  fallback: Span,
): Binding | undefined {
  const name = stringOf(ctx, node, what, fallback);
  if (name === undefined) return undefined;
  if (!NAME_RE.test(name)) {
    ctx.shape(`${what} must be a plain name (letters, digits and _), found '${name}'`, node, fallback);
    return undefined;
  }
  return { name, span: ctx.span(node, fallback) };
}

/** An event type or action name (`on: inventory.updated`, `call: purchasing.create_order`). */
export function qualifiedName(
  ctx: YamlContext,
  node: Node | undefined,
  what: string,
  fallback: Span,
): QualifiedName | undefined {
  const name = stringOf(ctx, node, what, fallback);
  if (name === undefined) return undefined;
  if (!QUALIFIED_RE.test(name)) {
    ctx.shape(`${what} must be a name like 'inventory.updated', found '${name}'`, node, fallback);
    return undefined;
  }
  return { name, span: ctx.span(node, fallback) };
}

/** A literal duration (`within: 2d`, `timeout: 2m`, `retry: { every: 30s }`). */
export function durationLit(
  ctx: YamlContext,
  node: Node | undefined,
  what: string,
  fallback: Span,
): DurationLit | undefined {
  if (!isScalar(node) || node.value === null || typeof node.value === 'boolean') {
    ctx.shape(`${what} must be a duration like 30s or 1h30m, found ${describe(node)}`, node, fallback);
    return undefined;
  }
  const text = scalarText(ctx, node);
  const reading = readDuration(text);
  const span = ctx.span(node, fallback);
  if ('problem' in reading) {
    ctx.report(Codes.invalidDuration, reading.problem, span);
    return undefined;
  }
  return { ms: reading.ms, text, span };
}

/** A number (`retry: { attempts: 5 }`). */
export function numberOf(
  ctx: YamlContext,
  node: Node | undefined,
  what: string,
  fallback: Span,
): number | undefined {
  if (isScalar(node) && typeof node.value === 'number' && Number.isFinite(node.value)) return node.value;
  ctx.shape(`${what} must be a number, found ${describe(node)}`, node, fallback);
  return undefined;
}

/** Text that is not parsed further (`description`, a cron string, a timezone). */
export function plainText(
  ctx: YamlContext,
  node: Node | undefined,
  what: string,
  fallback: Span,
): string | undefined {
  if (isScalar(node) && node.value !== null && node.value !== undefined) return scalarText(ctx, node);
  ctx.shape(`${what} must be text, found ${describe(node)}`, node, fallback);
  return undefined;
}
