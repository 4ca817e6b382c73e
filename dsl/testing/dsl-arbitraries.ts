/**
 * fast-check arbitraries of DSL source files, for property tests of the parser and printer.
 *
 * The generated ASTs are *canonical*: exactly what `parseDsl` returns for their printed form,
 * spans aside. So names avoid the words that the printer would have to parenthesize (a `stop`
 * message starting with `log`), a child that binds more loosely than its parent sits in a `paren`
 * node, adjacent text parts are merged and literals carry the `raw`/`text` the lexer would.
 */
import fc from 'fast-check';
import type {
  Clause,
  Decl,
  DurationLit,
  Expr,
  FieldDecl,
  NamedArg,
  QualifiedName,
  SourceFile,
  Stmt,
  StringPart,
  TypeExpr,
} from '../ast/ast';
import type { Span } from '../core/span';
import { withComments } from './comment-arbitraries';

/** Spans are ignored by the comparisons these arbitraries serve. */
const Z: Span = { file: 'gen.rule', line: 1, column: 1, endLine: 1, endColumn: 1 };

/** Plain names, including soft keywords that are ordinary names in expressions. */
const NAMES = [
  'a',
  'qty',
  'po',
  'x_1',
  '_y',
  'event',
  'input',
  'rule',
  'action',
  'each',
  'as',
  'by',
  'list',
  'within',
  'retry',
];
/** Member names may also be words reserved elsewhere. */
const MEMBERS = ['id', 'sku', 'in', 'end', 'null', 'event', 'on', 'do', 'available'];
/** Field names: words, reserved words, and names that must be quoted. */
const FIELDS = ['id', 'qty', 'in', 'true', 'Content-Type', '中文', 'a b', 'x'];
const FUNCTIONS = ['max', 'len', 'now', 'lower', 'event'];
const UNITS: readonly (readonly [string, number])[] = [
  ['w', 604_800_000],
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

const name = fc.constantFrom(...NAMES);
const qualifiedName: fc.Arbitrary<QualifiedName> = fc
  .tuple(name, fc.array(fc.constantFrom(...MEMBERS), { maxLength: 2 }))
  .map(([first, rest]) => ({ name: [first, ...rest].join('.'), span: Z }));

const numberExpr: fc.Arbitrary<Expr> = fc
  .oneof(
    fc.nat({ max: 100_000 }).map(String),
    fc.tuple(fc.nat({ max: 999 }), fc.stringMatching(/^\d{1,3}$/)).map(([i, f]) => `${i}.${f}`),
  )
  .map((raw) => ({ kind: 'number', value: Number(raw), raw, span: Z }));

/** A duration literal: some units, largest first, each once. */
export const durationLit: fc.Arbitrary<DurationLit> = fc
  .subarray([...UNITS], { minLength: 1 })
  .chain((units) =>
    fc.tuple(...units.map(([u, ms]) => fc.nat({ max: 90 }).map((n) => [`${n}${u}`, n * ms] as const))),
  )
  .map((parts) => ({
    text: parts.map((p) => p[0]).join(''),
    ms: parts.reduce((t, p) => t + p[1], 0),
    span: Z,
  }));

const text = fc.string({
  unit: fc.constantFrom('a', 'Z', '中', '文', ' ', '"', '\\', '$', '{', '}', '\n', '\t', '#', '\r', 'é'),
  maxLength: 8,
});

/** Merges adjacent text parts and drops empty ones, as the parser does. */
function normalizeParts(parts: readonly StringPart[]): StringPart[] {
  const out: StringPart[] = [];
  for (const p of parts) {
    const last = out[out.length - 1];
    if (p.kind === 'text' && p.text === '') continue;
    if (p.kind === 'text' && last?.kind === 'text')
      out[out.length - 1] = { kind: 'text', text: last.text + p.text };
    else out.push(p);
  }
  return out;
}

function precedence(e: Expr): number {
  if (e.kind === 'binary') {
    const table: Record<string, number> = { '??': 1, or: 2, and: 3, '+': 6, '-': 6, '*': 7, '/': 7, '%': 7 };
    return table[e.op] ?? 5;
  }
  if (e.kind === 'unary') return e.op === 'not' ? 4 : 8;
  return 10;
}

function atLeast(e: Expr, min: number): Expr {
  return precedence(e) >= min ? e : { kind: 'paren', expr: e, span: Z };
}

const BINARY_OPS = [
  '??',
  'or',
  'and',
  '==',
  '!=',
  '<',
  '<=',
  '>',
  '>=',
  'in',
  'not in',
  '+',
  '-',
  '*',
  '/',
  '%',
] as const;

/** Expressions up to a small depth, canonical as described above. */
export const expr: fc.Arbitrary<Expr> = fc.letrec<{ expr: Expr }>((tie) => {
  const sub = tie('expr');
  const leaf: fc.Arbitrary<Expr> = fc.oneof(
    numberExpr,
    fc.boolean().map((value): Expr => ({ kind: 'bool', value, span: Z })),
    fc.constant<Expr>({ kind: 'null', span: Z }),
    durationLit.map(({ ms, text: t }): Expr => ({ kind: 'duration', ms, text: t, span: Z })),
    name.map((n): Expr => ({ kind: 'name', name: n, span: Z })),
    text.map((t): Expr => ({ kind: 'string', parts: normalizeParts([{ kind: 'text', text: t }]), span: Z })),
  );
  const node: fc.Arbitrary<Expr> = fc.oneof(
    fc
      .record({ op: fc.constantFrom(...BINARY_OPS), left: sub, right: sub })
      .map(({ op, left, right }): Expr => {
        const p = precedence({ kind: 'binary', op, left, right, span: Z });
        return {
          kind: 'binary',
          op,
          left: atLeast(left, p === 5 ? 6 : p),
          right: atLeast(right, p + 1),
          span: Z,
        };
      }),
    fc.tuple(fc.constantFrom('not' as const, '-' as const), sub).map(([op, operand]): Expr => ({
      kind: 'unary',
      op,
      operand: atLeast(operand, op === 'not' ? 4 : 8),
      span: Z,
    })),
    fc.tuple(sub, fc.constantFrom(...MEMBERS), fc.boolean()).map(([object, member, optional]): Expr => ({
      kind: 'member',
      object: atLeast(object, 9),
      name: member,
      nameSpan: Z,
      optional,
      span: Z,
    })),
    fc
      .tuple(sub, sub)
      .map(([object, index]): Expr => ({ kind: 'index', object: atLeast(object, 9), index, span: Z })),
    fc
      .tuple(fc.constantFrom(...FUNCTIONS), fc.array(sub, { maxLength: 3 }))
      .map(([fn, args]): Expr => ({ kind: 'call', fn, fnSpan: Z, args, span: Z })),
    sub.map((e): Expr => ({ kind: 'paren', expr: e, span: Z })),
    fc.array(sub, { maxLength: 3 }).map((items): Expr => ({ kind: 'list', items, span: Z })),
    fc.array(namedArg(sub), { maxLength: 3 }).map((fields): Expr => ({ kind: 'object', fields, span: Z })),
    fc
      .array(
        fc.oneof(
          text.map((t): StringPart => ({ kind: 'text', text: t })),
          sub.map((e): StringPart => ({ kind: 'interp', expr: e })),
        ),
        { maxLength: 4 },
      )
      .map((parts): Expr => ({ kind: 'string', parts: normalizeParts(parts), span: Z })),
  );
  return { expr: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, node) };
}).expr;

function namedArg(value: fc.Arbitrary<Expr>): fc.Arbitrary<NamedArg> {
  return fc
    .tuple(fc.constantFrom(...FIELDS), value)
    .map(([n, v]) => ({ name: n, nameSpan: Z, value: v, span: Z }));
}

/** Types, including optional and nested list and object types. */
export const typeExpr: fc.Arbitrary<TypeExpr> = fc.letrec<{ type: TypeExpr }>((tie) => ({
  type: fc.oneof(
    { depthSize: 'small' },
    fc
      .tuple(
        fc.constantFrom('string', 'number', 'int', 'bool', 'time', 'duration', 'any' as const),
        fc.boolean(),
      )
      .map(([n, optional]): TypeExpr => ({ kind: 'primitive', name: n, optional, span: Z })),
    fc
      .tuple(tie('type'), fc.boolean())
      .map(([element, optional]): TypeExpr => ({ kind: 'list', element, optional, span: Z })),
    fc
      .tuple(fc.array(fieldDecl(tie('type')), { maxLength: 3 }), fc.boolean())
      .map(([fields, optional]): TypeExpr => ({ kind: 'object', fields, optional, span: Z })),
  ),
})).type;

function fieldDecl(type: fc.Arbitrary<TypeExpr>): fc.Arbitrary<FieldDecl> {
  return fc
    .tuple(fc.constantFrom(...FIELDS), type)
    .map(([n, t]) => ({ name: n, nameSpan: Z, type: t, span: Z }));
}

const binding = name.map((n) => ({ name: n, span: Z }));
const stringExpr = text.map((t): Expr => ({
  kind: 'string',
  parts: normalizeParts([{ kind: 'text', text: t }]),
  span: Z,
}));

/** Statements nested up to a small depth. */
export const stmt: fc.Arbitrary<Stmt> = fc.letrec<{ stmt: Stmt; block: Stmt[] }>((tie) => {
  const block = tie('block');
  const simple: fc.Arbitrary<Stmt> = fc.oneof(
    fc
      .tuple(fc.constantFrom('let' as const, 'set' as const), binding, expr)
      .map(([kind, n, value]): Stmt => ({ kind, name: n, value, span: Z })),
    fc
      .record(
        {
          bind: binding,
          action: qualifiedName,
          args: fc.array(namedArg(expr), { maxLength: 3 }),
          retry: fc.record(
            {
              attempts: fc.nat({ max: 10 }),
              every: durationLit,
              backoff: fc.constantFrom(1, 2, 1.5),
              span: fc.constant(Z),
            },
            { requiredKeys: ['attempts', 'span'] },
          ),
          timeout: durationLit,
          span: fc.constant(Z),
        },
        { requiredKeys: ['action', 'args', 'span'] },
      )
      .map((s): Stmt => ({ kind: 'call', ...s })),
    expr.map((duration): Stmt => ({ kind: 'sleep', duration, span: Z })),
    expr.map((time): Stmt => ({ kind: 'sleep_until', time, span: Z })),
    fc
      .tuple(qualifiedName, fc.array(namedArg(expr), { maxLength: 3 }))
      .map(([event, fields]): Stmt => ({ kind: 'emit', event, fields, span: Z })),
    expr.map((message): Stmt => ({ kind: 'log', message, span: Z })),
    fc
      .option(expr, { nil: undefined })
      .map((message): Stmt => (message ? { kind: 'stop', message, span: Z } : { kind: 'stop', span: Z })),
    expr.map((message): Stmt => ({ kind: 'fail', message, span: Z })),
  );
  const compound: fc.Arbitrary<Stmt> = fc.oneof(
    fc
      .tuple(
        fc.array(fc.tuple(expr, block), { minLength: 1, maxLength: 3 }),
        fc.option(block, { nil: undefined }),
      )
      .map(([branches, otherwise]): Stmt => ({
        kind: 'if',
        branches: branches.map(([cond, body]) => ({ cond, body, span: Z })),
        ...(otherwise && { else: otherwise }),
        span: Z,
      })),
    fc
      .record(
        {
          event: qualifiedName,
          as: binding,
          where: expr,
          within: durationLit,
          onTimeout: block,
          span: fc.constant(Z),
        },
        { requiredKeys: ['event', 'span'] },
      )
      .map((s): Stmt => ({ kind: 'wait', ...s })),
    fc
      .record(
        {
          description: stringExpr,
          by: stringExpr,
          as: binding,
          within: durationLit,
          onTimeout: block,
          span: fc.constant(Z),
        },
        { requiredKeys: ['description', 'span'] },
      )
      .map((s): Stmt => ({ kind: 'approve', ...s })),
    fc
      .array(block, { minLength: 1, maxLength: 3 })
      .map((branches): Stmt => ({ kind: 'parallel', branches, span: Z })),
    fc
      .tuple(binding, expr, block)
      .map(([n, list, body]): Stmt => ({ kind: 'for_each', name: n, list, body, span: Z })),
  );
  return {
    stmt: fc.oneof({ depthSize: 'small', withCrossShrink: true }, simple, compound),
    block: fc.array(tie('stmt'), { maxLength: 3 }),
  };
}).stmt;

const clause: fc.Arbitrary<Clause> = fc.oneof(
  qualifiedName.map((event): Clause => ({ kind: 'on', event, span: Z })),
  durationLit.map((interval): Clause => ({ kind: 'every_interval', interval, span: Z })),
  fc.tuple(text, fc.option(text, { nil: undefined })).map(([cron, tz]): Clause => ({
    kind: 'every_cron',
    cron,
    cronSpan: Z,
    ...(tz !== undefined && { timezone: tz, timezoneSpan: Z }),
    span: Z,
  })),
  fc
    .array(fieldDecl(typeExpr), { maxLength: 3 })
    .map((params): Clause => ({ kind: 'manual', params, span: Z })),
  expr.map((e): Clause => ({ kind: 'when', expr: e, span: Z })),
  expr.map((e): Clause => ({ kind: 'key', expr: e, span: Z })),
  fc
    .constantFrom('single', 'replace', 'queue', 'parallel' as const)
    .map((mode): Clause => ({ kind: 'concurrency', mode, span: Z })),
  durationLit.map((duration): Clause => ({ kind: 'timeout', duration, span: Z })),
  fc.constant<Clause>({ kind: 'disabled', span: Z }),
);

/** Declarations of all three kinds. */
export const decl: fc.Arbitrary<Decl> = fc.oneof(
  fc
    .record(
      {
        name,
        description: text,
        clauses: fc.array(clause, { maxLength: 4 }),
        body: fc.array(stmt, { maxLength: 4 }),
        compensate: fc.array(stmt, { maxLength: 2 }),
      },
      { requiredKeys: ['name', 'clauses', 'body'] },
    )
    .map((r): Decl => ({ kind: 'rule', nameSpan: Z, span: Z, ...r })),
  fc
    .tuple(qualifiedName, fc.array(fieldDecl(typeExpr), { maxLength: 4 }))
    .map(([n, fields]): Decl => ({ kind: 'event', name: n.name, nameSpan: Z, fields, span: Z })),
  fc
    .tuple(
      qualifiedName,
      fc.array(fieldDecl(typeExpr), { maxLength: 3 }),
      fc.option(typeExpr, { nil: undefined }),
    )
    .map(([n, params, result]): Decl => ({
      kind: 'action',
      name: n.name,
      nameSpan: Z,
      params,
      ...(result && { result }),
      span: Z,
    })),
);

/** A whole DSL source file, with comments here and there. */
export const sourceFile: fc.Arbitrary<SourceFile> = withComments(
  fc.array(decl, { maxLength: 3 }).map((decls) => ({ file: 'gen.rule', form: 'dsl', decls })),
);
