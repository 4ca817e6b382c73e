/**
 * Hand-built ASTs for tests of the checker, compiler and evaluator, independent of the parsers.
 *
 * Every node gets a fresh span (a new line number per node) so a test can assert that a diagnostic
 * points at exactly the node it expects: `expect(d.span).toEqual(node.nameSpan)`.
 */
import type {
  ActionDecl,
  BinaryOp,
  Binding,
  Clause,
  ConcurrencyMode,
  Decl,
  DurationLit,
  EventDecl,
  Expr,
  FieldDecl,
  NamedArg,
  PrimitiveTypeName,
  QualifiedName,
  RetrySpec,
  RuleDecl,
  SourceFile,
  Stmt,
  StringPart,
  TypeExpr,
} from '../ast/ast';
import type { Span } from '../core/span';

let line = 0;
let currentFile = 'test.rule';

/** Spans made from now on name this file. */
export function useFile(file: string): void {
  currentFile = file;
}

/** A fresh span on a line of its own. */
export function sp(): Span {
  line += 1;
  return { file: currentFile, line, column: 1, endLine: line, endColumn: 10 };
}

const UNIT_MS: Record<string, number> = {
  w: 604_800_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};

/** Milliseconds of a duration literal such as `1h30m`. */
export function durationMs(text: string): number {
  let total = 0;
  for (const m of text.matchAll(/(\d+)(ms|w|d|h|m|s)/g)) total += Number(m[1]) * UNIT_MS[m[2]];
  return total;
}

// ---------------------------------------------------------------- types

const PRIMITIVES = new Set(['string', 'number', 'int', 'bool', 'time', 'duration', 'any']);

/** A type from text: `int`, `string?`, `list<list<int>>?`; objects with `tObj`. */
export function ty(text: string): TypeExpr {
  const optional = text.endsWith('?');
  const core = optional ? text.slice(0, -1) : text;
  if (core.startsWith('list<') && core.endsWith('>')) {
    return { kind: 'list', element: ty(core.slice(5, -1)), optional, span: sp() };
  }
  if (!PRIMITIVES.has(core)) throw new Error(`ty: unknown type ${text}`);
  return { kind: 'primitive', name: core as PrimitiveTypeName, optional, span: sp() };
}

export type FieldSpec = Record<string, string | TypeExpr>;

export function fields(spec: FieldSpec): FieldDecl[] {
  return Object.entries(spec).map(([name, t]) => ({
    name,
    nameSpan: sp(),
    type: typeof t === 'string' ? ty(t) : t,
    span: sp(),
  }));
}

export function tObj(spec: FieldSpec, optional = false): TypeExpr {
  return { kind: 'object', fields: fields(spec), optional, span: sp() };
}

// ---------------------------------------------------------------- expressions

export const E = {
  num: (value: number, raw = String(value)): Expr => ({ kind: 'number', value, raw, span: sp() }),
  str: (text: string): Expr => ({
    kind: 'string',
    parts: text === '' ? [] : [{ kind: 'text', text }],
    span: sp(),
  }),
  /** A template: strings are text, expressions are `${...}`. */
  tmpl: (...parts: (string | Expr)[]): Expr => ({
    kind: 'string',
    parts: parts.map((p): StringPart =>
      typeof p === 'string' ? { kind: 'text', text: p } : { kind: 'interp', expr: p },
    ),
    span: sp(),
  }),
  bool: (value: boolean): Expr => ({ kind: 'bool', value, span: sp() }),
  null: (): Expr => ({ kind: 'null', span: sp() }),
  dur: (text: string): Expr => ({ kind: 'duration', ms: durationMs(text), text, span: sp() }),
  list: (...items: Expr[]): Expr => ({ kind: 'list', items, span: sp() }),
  obj: (spec: Record<string, Expr>): Expr => ({
    kind: 'object',
    fields: Object.entries(spec).map(([name, value]) => ({ name, nameSpan: sp(), value, span: sp() })),
    span: sp(),
  }),
  name: (name: string): Expr => ({ kind: 'name', name, span: sp() }),
  member: (object: Expr, name: string, optional = false): Expr => ({
    kind: 'member',
    object,
    name,
    nameSpan: sp(),
    optional,
    span: sp(),
  }),
  /** `a.b.c` as nested member nodes. */
  path: (dotted: string): Expr => {
    const [first, ...rest] = dotted.split('.');
    return rest.reduce((acc, n) => E.member(acc, n), E.name(first));
  },
  index: (object: Expr, index: Expr): Expr => ({ kind: 'index', object, index, span: sp() }),
  call: (fn: string, ...args: Expr[]): Expr => ({ kind: 'call', fn, fnSpan: sp(), args, span: sp() }),
  neg: (operand: Expr): Expr => ({ kind: 'unary', op: '-', operand, span: sp() }),
  not: (operand: Expr): Expr => ({ kind: 'unary', op: 'not', operand, span: sp() }),
  bin: (left: Expr, op: BinaryOp, right: Expr): Expr => ({ kind: 'binary', op, left, right, span: sp() }),
  paren: (expr: Expr): Expr => ({ kind: 'paren', expr, span: sp() }),
};

// ---------------------------------------------------------------- statements

const bind = (name: string): Binding => ({ name, span: sp() });
const qn = (name: string): QualifiedName => ({ name, span: sp() });
const dlit = (text: string): DurationLit => ({ ms: durationMs(text), text, span: sp() });
const named = (spec: Record<string, Expr>): NamedArg[] =>
  Object.entries(spec).map(([name, value]) => ({ name, nameSpan: sp(), value, span: sp() }));

export interface CallOptions {
  bind?: string;
  retry?: { attempts: number; every?: string; backoff?: number };
  timeout?: string;
}

export interface WaitOptions {
  as?: string;
  where?: Expr;
  within?: string;
  onTimeout?: Stmt[];
}

export const S = {
  let: (name: string, value: Expr): Stmt => ({ kind: 'let', name: bind(name), value, span: sp() }),
  set: (name: string, value: Expr): Stmt => ({ kind: 'set', name: bind(name), value, span: sp() }),
  call: (action: string, args: Record<string, Expr> = {}, opts: CallOptions = {}): Stmt => {
    const retry: RetrySpec | undefined = opts.retry && {
      attempts: opts.retry.attempts,
      ...(opts.retry.every !== undefined && { every: dlit(opts.retry.every) }),
      ...(opts.retry.backoff !== undefined && { backoff: opts.retry.backoff }),
      span: sp(),
    };
    return {
      kind: 'call',
      ...(opts.bind !== undefined && { bind: bind(opts.bind) }),
      action: qn(action),
      args: named(args),
      ...(retry && { retry }),
      ...(opts.timeout !== undefined && { timeout: dlit(opts.timeout) }),
      span: sp(),
    };
  },
  /** `if c1 b1 else if c2 b2 ... else e end`: pass [cond, body] pairs, then the else body. */
  if: (branches: [Expr, Stmt[]][], elseBody?: Stmt[]): Stmt => ({
    kind: 'if',
    branches: branches.map(([cond, body]) => ({ cond, body, span: sp() })),
    ...(elseBody && { else: elseBody }),
    span: sp(),
  }),
  sleep: (duration: Expr): Stmt => ({ kind: 'sleep', duration, span: sp() }),
  sleepUntil: (time: Expr): Stmt => ({ kind: 'sleep_until', time, span: sp() }),
  wait: (event: string, opts: WaitOptions = {}): Stmt => ({
    kind: 'wait',
    event: qn(event),
    ...(opts.as !== undefined && { as: bind(opts.as) }),
    ...(opts.where && { where: opts.where }),
    ...(opts.within !== undefined && { within: dlit(opts.within) }),
    ...(opts.onTimeout && { onTimeout: opts.onTimeout }),
    span: sp(),
  }),
  approve: (
    description: Expr,
    opts: { by?: Expr; as?: string; within?: string; onTimeout?: Stmt[] } = {},
  ): Stmt => ({
    kind: 'approve',
    description,
    ...(opts.by && { by: opts.by }),
    ...(opts.as !== undefined && { as: bind(opts.as) }),
    ...(opts.within !== undefined && { within: dlit(opts.within) }),
    ...(opts.onTimeout && { onTimeout: opts.onTimeout }),
    span: sp(),
  }),
  parallel: (...branches: Stmt[][]): Stmt => ({ kind: 'parallel', branches, span: sp() }),
  forEach: (name: string, list: Expr, body: Stmt[]): Stmt => ({
    kind: 'for_each',
    name: bind(name),
    list,
    body,
    span: sp(),
  }),
  emit: (event: string, spec: Record<string, Expr>): Stmt => ({
    kind: 'emit',
    event: qn(event),
    fields: named(spec),
    span: sp(),
  }),
  log: (message: Expr): Stmt => ({ kind: 'log', message, span: sp() }),
  stop: (message?: Expr): Stmt => ({ kind: 'stop', ...(message && { message }), span: sp() }),
  fail: (message: Expr): Stmt => ({ kind: 'fail', message, span: sp() }),
};

// ---------------------------------------------------------------- clauses and declarations

export const C = {
  on: (event: string): Clause => ({ kind: 'on', event: qn(event), span: sp() }),
  every: (text: string): Clause => ({ kind: 'every_interval', interval: dlit(text), span: sp() }),
  cron: (cron: string, timezone?: string): Clause => ({
    kind: 'every_cron',
    cron,
    cronSpan: sp(),
    ...(timezone !== undefined && { timezone, timezoneSpan: sp() }),
    span: sp(),
  }),
  manual: (spec: FieldSpec): Clause => ({ kind: 'manual', params: fields(spec), span: sp() }),
  when: (expr: Expr): Clause => ({ kind: 'when', expr, span: sp() }),
  key: (expr: Expr): Clause => ({ kind: 'key', expr, span: sp() }),
  concurrency: (mode: ConcurrencyMode): Clause => ({ kind: 'concurrency', mode, span: sp() }),
  timeout: (text: string): Clause => ({ kind: 'timeout', duration: dlit(text), span: sp() }),
  disabled: (): Clause => ({ kind: 'disabled', span: sp() }),
};

export function event(name: string, spec: FieldSpec): EventDecl {
  return { kind: 'event', name, nameSpan: sp(), fields: fields(spec), span: sp() };
}

export function action(name: string, params: FieldSpec, result?: TypeExpr): ActionDecl {
  return {
    kind: 'action',
    name,
    nameSpan: sp(),
    params: fields(params),
    ...(result && { result }),
    span: sp(),
  };
}

export function rule(
  name: string,
  clauses: Clause[],
  body: Stmt[],
  opts: { description?: string; compensate?: Stmt[] } = {},
): RuleDecl {
  return {
    kind: 'rule',
    name,
    nameSpan: sp(),
    ...(opts.description !== undefined && { description: opts.description }),
    clauses,
    body,
    ...(opts.compensate && { compensate: opts.compensate }),
    span: sp(),
  };
}

export function file(decls: Decl[], name = currentFile, form: 'dsl' | 'yaml' = 'dsl'): SourceFile {
  return { file: name, form, decls };
}
