/**
 * CST → AST for declarations, clauses, statements and types (expressions are in `cst-to-ast.ts`).
 *
 * After error recovery a node may lack children; a clause or statement that cannot be built is
 * left out (its syntax error is already reported) and the rest of the declaration is kept, so the
 * checker can still report problems elsewhere in it.
 */
import type { CstNode } from 'chevrotain';
import type {
  ActionDecl,
  Clause,
  ConcurrencyMode,
  Decl,
  EventDecl,
  FieldDecl,
  PrimitiveTypeName,
  RuleDecl,
  TypeExpr,
} from '../ast/ast';
import type { ConvertContext } from './cst-access';
import {
  binding,
  durationLit,
  node,
  nodes,
  nodeSpan,
  numberValue,
  onlyChild,
  qualified,
  tok,
  tokenSpan,
} from './cst-access';
import { plainString, toExpr } from './cst-to-ast';
import { toBlock } from './cst-to-ast-stmts';
import { Codes, error } from '../core/diagnostics';
import type { Span } from '../core/span';
import { joinSpans } from '../core/span';

const PRIMITIVES: ReadonlySet<string> = new Set([
  'string',
  'number',
  'int',
  'bool',
  'time',
  'duration',
  'any',
]);
const MODES: ReadonlySet<string> = new Set(['single', 'replace', 'queue', 'parallel']);

// ---------------------------------------------------------------- declarations and types

/** Converts a `declaration` CST node. */
export function toDecl(ctx: ConvertContext, n: CstNode): Decl | undefined {
  const d = onlyChild(n);
  if (!d) return undefined;
  if (d.name === 'ruleDecl') return toRule(ctx, d);
  if (d.name === 'eventDecl') return toEvent(ctx, d);
  return toAction(ctx, d);
}

function toEvent(ctx: ConvertContext, n: CstNode): EventDecl | undefined {
  const name = qualified(ctx, node(n, 'name'));
  const span = nodeSpan(ctx, n);
  if (!name || !span) return undefined;
  return {
    kind: 'event',
    name: name.name,
    nameSpan: name.span,
    fields: fieldList(ctx, node(n, 'fields')),
    span,
  };
}

function toAction(ctx: ConvertContext, n: CstNode): ActionDecl | undefined {
  const name = qualified(ctx, node(n, 'name'));
  const span = nodeSpan(ctx, n);
  if (!name || !span) return undefined;
  const result = toType(ctx, node(n, 'result'));
  const params = fieldList(ctx, node(n, 'params'));
  return { kind: 'action', name: name.name, nameSpan: name.span, params, ...(result && { result }), span };
}

function fieldList(ctx: ConvertContext, n: CstNode | undefined): FieldDecl[] {
  const out: FieldDecl[] = [];
  for (const f of nodes(n, 'fieldDecl')) {
    const t = tok(f, 'name');
    const type = toType(ctx, node(f, 'type'));
    if (!t || !type) continue;
    const name = t.image.startsWith('"') ? plainString(ctx, t, 'a field name') : t.image;
    const nameSpan = tokenSpan(ctx, t);
    out.push({ name, nameSpan, type, span: joinSpans(nameSpan, type.span) });
  }
  return out;
}

function toType(ctx: ConvertContext, n: CstNode | undefined): TypeExpr | undefined {
  if (!n) return undefined;
  const span = nodeSpan(ctx, n);
  if (!span) return undefined;
  const optional = tok(n, 'optional') !== undefined;
  if (tok(n, 'KwList')) {
    const element = toType(ctx, node(n, 'element'));
    return element && { kind: 'list', element, optional, span };
  }
  if (tok(n, 'LCurly')) return { kind: 'object', fields: fieldList(ctx, node(n, 'fields')), optional, span };
  const t = tok(n, 'primitive');
  if (!t) return undefined;
  if (!PRIMITIVES.has(t.image)) {
    const hint =
      t.image === 'list'
        ? '`list` needs an element type, as in `list<string>`'
        : `unknown type \`${t.image}\``;
    ctx.diagnostics.push(
      error(
        Codes.unknownType,
        `${hint}; types are string, number, int, bool, time, duration, any, list<T> and { name: T }`,
        tokenSpan(ctx, t),
      ),
    );
    return { kind: 'primitive', name: 'any', optional, span };
  }
  return { kind: 'primitive', name: t.image as PrimitiveTypeName, optional, span };
}

// ---------------------------------------------------------------- rules and clauses

function toRule(ctx: ConvertContext, n: CstNode): RuleDecl | undefined {
  const name = tok(n, 'name');
  const span = nodeSpan(ctx, n);
  if (!name || !span) return undefined;
  const descriptionToken = tok(n, 'description');
  const description = descriptionToken && plainString(ctx, descriptionToken, 'a rule description');
  const clauses: Clause[] = [];
  for (const c of nodes(n, 'clause')) {
    const clause = toClause(ctx, c);
    if (clause) clauses.push(clause);
  }
  const body = toBlock(ctx, node(n, 'body'));
  const compensate = tok(n, 'KwCompensate') ? toBlock(ctx, node(n, 'compensate')) : undefined;
  return {
    kind: 'rule',
    name: name.image,
    nameSpan: tokenSpan(ctx, name),
    ...(description !== undefined && { description }),
    clauses,
    body,
    ...(compensate && { compensate }),
    span,
  };
}

function toClause(ctx: ConvertContext, n: CstNode): Clause | undefined {
  const span = nodeSpan(ctx, n);
  if (!span) return undefined;
  const every = node(n, 'everyClause');
  if (every) return toEvery(ctx, every, span);
  if (tok(n, 'KwCancel')) {
    const event = qualified(ctx, node(n, 'event'));
    const as = binding(ctx, tok(n, 'as'));
    const where = toExpr(ctx, node(n, 'where'));
    if (!event || (node(n, 'where') && !where)) return undefined;
    return { kind: 'cancel_on', event, ...(as && { as }), ...(where && { where }), span };
  }
  if (tok(n, 'KwDebounce')) {
    const quiet = durationLit(ctx, tok(n, 'quiet'));
    const max = durationLit(ctx, tok(n, 'max'));
    return quiet && { kind: 'debounce', quiet, ...(max && { max }), span };
  }
  if (tok(n, 'KwBatch')) {
    const size = tok(n, 'size');
    const within = durationLit(ctx, tok(n, 'within'));
    const value = numberValue(size);
    return size && value !== undefined
      ? { kind: 'batch', size: value, sizeSpan: tokenSpan(ctx, size), ...(within && { within }), span }
      : undefined;
  }
  if (tok(n, 'KwThrottle') || tok(n, 'KwLimit')) {
    const runs = tok(n, 'runs');
    const value = numberValue(runs);
    const per = durationLit(ctx, tok(n, 'per'));
    if (!runs || value === undefined || !per) return undefined;
    const kind = tok(n, 'KwThrottle') ? 'throttle' : 'limit';
    return { kind, runs: value, runsSpan: tokenSpan(ctx, runs), per, span };
  }
  if (tok(n, 'KwOn')) {
    const event = qualified(ctx, node(n, 'event'));
    return event && { kind: 'on', event, span };
  }
  if (tok(n, 'KwManual')) return { kind: 'manual', params: fieldList(ctx, node(n, 'params')), span };
  if (tok(n, 'KwWhen') || tok(n, 'KwKey')) {
    const expr = toExpr(ctx, node(n, 'expr'));
    return expr && { kind: tok(n, 'KwWhen') ? 'when' : 'key', expr, span };
  }
  if (tok(n, 'KwConcurrency')) {
    const mode = tok(n, 'mode');
    if (!mode) return undefined;
    if (!MODES.has(mode.image)) {
      ctx.diagnostics.push(
        error(
          Codes.unexpectedToken,
          `expected \`single\`, \`replace\`, \`queue\` or \`parallel\`, found \`${mode.image}\``,
          tokenSpan(ctx, mode),
        ),
      );
      return undefined;
    }
    return { kind: 'concurrency', mode: mode.image as ConcurrencyMode, span };
  }
  if (tok(n, 'KwTimeout')) {
    const duration = durationLit(ctx, tok(n, 'duration'));
    return duration && { kind: 'timeout', duration, span };
  }
  return tok(n, 'KwDisabled') ? { kind: 'disabled', span } : undefined;
}

function toEvery(ctx: ConvertContext, n: CstNode, span: Span): Clause | undefined {
  const interval = durationLit(ctx, tok(n, 'interval'));
  if (interval) return { kind: 'every_interval', interval, span };
  const cron = tok(n, 'cron');
  if (!cron) return undefined;
  const tz = tok(n, 'timezone');
  return {
    kind: 'every_cron',
    cron: plainString(ctx, cron, 'a cron expression'),
    cronSpan: tokenSpan(ctx, cron),
    ...(tz && { timezone: plainString(ctx, tz, 'a timezone'), timezoneSpan: tokenSpan(ctx, tz) }),
    span,
  };
}
