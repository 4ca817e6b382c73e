/**
 * fast-check generators of ASTs the YAML form can represent, for the printer/loader round trip.
 *
 * The trees are the ones a parser produces: operands of operators are atoms or `paren` nodes (the
 * printer adds no parentheses then), numbers and durations are spelt canonically, adjacent string
 * texts are merged, names in one mapping are unique (YAML keys must be), an `else` is never a lone
 * `if` (that is an `else if`), and rule keys appear at most once.
 */
import fc from 'fast-check';
import type {
  ActionDecl,
  Clause,
  Decl,
  DurationLit,
  EventDecl,
  Expr,
  FieldDecl,
  RuleDecl,
  SourceFile,
  Stmt,
  StringPart,
  TypeExpr,
} from '../ast/ast';
import type { Span } from '../core/span';
import { withComments } from './comment-arbitraries';

const S: Span = { file: 'gen', line: 1, column: 1, endLine: 1, endColumn: 1 };

const WORDS = ['a', 'b', 'qty', 'po', 'event', 'input', 'item_2', 'Total', 'x'] as const;
const word = fc.constantFrom(...WORDS);
/** Field names: words, and names only a quoted key can spell. */
const fieldName = fc.constantFrom(...WORDS, 'Content-Type', 'a b', '中文', 'x.y', 'null', 'true', '1');
const qualified = fc.constantFrom('inventory.updated', 'po.created', 'notify.slack', 'tick', 'a.b.c');

const textChar = fc.constantFrom(
  'a',
  'Z',
  ' ',
  '$',
  '{',
  '}',
  '\\',
  '"',
  "'",
  '#',
  ':',
  '-',
  '\n',
  '\t',
  '中',
  'é',
  '😀',
  '%',
);
const text = fc.string({ unit: textChar, minLength: 1, maxLength: 12 });

export const durationLit: fc.Arbitrary<DurationLit> = fc
  .subarray(
    [
      ['w', 604_800_000],
      ['d', 86_400_000],
      ['h', 3_600_000],
      ['m', 60_000],
      ['s', 1000],
      ['ms', 1],
    ] as const,
    { minLength: 1, maxLength: 3 },
  )
  .chain((units) =>
    fc.tuple(...units.map(() => fc.integer({ min: 0, max: 90 }))).map((counts) => ({ units, counts })),
  )
  .map(({ units, counts }) => ({
    text: units.map(([u], i) => `${counts[i]}${u}`).join(''),
    ms: units.reduce((sum, [, ms], i) => sum + ms * counts[i], 0),
    span: S,
  }));

const numberRaw = fc.oneof(
  fc.nat({ max: 100_000 }).map(String),
  fc.tuple(fc.nat({ max: 999 }), fc.stringMatching(/^[0-9]{1,3}$/)).map(([i, f]) => `${i}.${f}`),
);

/** Unique-by-name lists (YAML mapping keys must be unique). */
function uniqueNamed<T extends { readonly name: string }>(
  item: fc.Arbitrary<T>,
  maxLength = 3,
): fc.Arbitrary<T[]> {
  return fc.uniqueArray(item, { selector: (x) => x.name, maxLength });
}

/** Merges adjacent text parts and drops empty ones, as both parsers do. */
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

const exprs = fc.letrec<{ expr: Expr; atom: Expr; operand: Expr; postfixBase: Expr }>((tie) => ({
  atom: fc.oneof(
    numberRaw.map((raw): Expr => ({ kind: 'number', value: Number(raw), raw, span: S })),
    fc.boolean().map((value): Expr => ({ kind: 'bool', value, span: S })),
    fc.constant<Expr>({ kind: 'null', span: S }),
    durationLit.map((d): Expr => ({ kind: 'duration', ms: d.ms, text: d.text, span: S })),
    word.map((name): Expr => ({ kind: 'name', name, span: S })),
    fc
      .array(
        fc.oneof(
          text.map((t): StringPart => ({ kind: 'text', text: t })),
          tie('expr').map((e): StringPart => ({ kind: 'interp', expr: e })),
        ),
        {
          maxLength: 3,
        },
      )
      .map((parts): Expr => ({ kind: 'string', parts: normalizeParts(parts), span: S })),
    fc.array(tie('expr'), { maxLength: 3 }).map((items): Expr => ({ kind: 'list', items, span: S })),
    uniqueNamed(
      fc.record({ name: fieldName, value: tie('expr') }).map((f) => ({ ...f, nameSpan: S, span: S })),
    ).map((fields): Expr => ({ kind: 'object', fields, span: S })),
    tie('postfixBase'),
  ),
  postfixBase: fc.oneof(
    { depthSize: 'small' },
    word.map((name): Expr => ({ kind: 'name', name, span: S })),
    fc
      .record({ object: tie('postfixBase'), name: word, optional: fc.boolean() })
      .map((m): Expr => ({ kind: 'member', ...m, nameSpan: S, span: S })),
    fc
      .record({ object: tie('postfixBase'), index: tie('expr') })
      .map((m): Expr => ({ kind: 'index', ...m, span: S })),
    fc
      .record({
        fn: fc.constantFrom('max', 'len', 'now', 'lower'),
        args: fc.array(tie('expr'), { maxLength: 2 }),
      })
      .map((c): Expr => ({ kind: 'call', ...c, fnSpan: S, span: S })),
    tie('expr').map((e): Expr => ({ kind: 'paren', expr: e, span: S })),
  ),
  operand: fc.oneof(
    tie('atom'),
    tie('expr').map((e): Expr => ({ kind: 'paren', expr: e, span: S })),
  ),
  expr: fc.oneof(
    { depthSize: 'small', maxDepth: 4 },
    tie('atom'),
    fc
      .record({ op: fc.constantFrom('-', 'not'), operand: tie('operand') })
      .map((u): Expr => ({ kind: 'unary', ...u, span: S })),
    fc
      .record({
        op: fc.constantFrom(
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
        ),
        left: tie('operand'),
        right: tie('operand'),
      })
      .map((b): Expr => ({ kind: 'binary', ...b, span: S })),
  ),
}));

/** Expressions as a parser produces them. */
export const exprArb: fc.Arbitrary<Expr> = exprs.expr;

const types = fc.letrec<{ type: TypeExpr }>((tie) => ({
  type: fc.oneof(
    { depthSize: 'small', maxDepth: 3 },
    fc
      .record({
        name: fc.constantFrom('string', 'number', 'int', 'bool', 'time', 'duration', 'any'),
        optional: fc.boolean(),
      })
      .map((t): TypeExpr => ({ kind: 'primitive', ...t, span: S })),
    fc
      .record({ element: tie('type'), optional: fc.boolean() })
      .map((t): TypeExpr => ({ kind: 'list', ...t, span: S })),
    fc
      .record({
        fields: uniqueNamed(
          fc.record({ name: fieldName, type: tie('type') }).map((f) => ({ ...f, nameSpan: S, span: S })),
        ),
        optional: fc.boolean(),
      })
      .map((t): TypeExpr => ({ kind: 'object', ...t, span: S })),
  ),
}));

const fieldDecls: fc.Arbitrary<FieldDecl[]> = uniqueNamed(
  fc.record({ name: fieldName, type: types.type }).map((f) => ({ ...f, nameSpan: S, span: S })),
);

const binding = word.map((name) => ({ name, span: S }));
const namedArgs = uniqueNamed(
  fc.record({ name: fieldName, value: exprArb }).map((a) => ({ ...a, nameSpan: S, span: S })),
);
const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

/** Drops `undefined` properties, which the loader never writes. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const stmts = fc.letrec<{ stmt: Stmt; body: Stmt[] }>((tie) => {
  const body = tie('body');
  const cases: fc.Arbitrary<Stmt>[] = [
    fc
      .record({ kind: fc.constantFrom('let', 'set'), name: binding, value: exprArb })
      .map((s): Stmt => ({ ...s, span: S })),
    fc
      .record({
        bind: opt(binding),
        action: qualified.map((name) => ({ name, span: S })),
        args: namedArgs,
        retry: opt(
          fc
            .record({
              attempts: fc.nat({ max: 20 }),
              every: opt(durationLit),
              backoff: opt(fc.constantFrom(1, 1.5, 2, 10)),
            })
            .map((r) => compact({ ...r, span: S })),
        ),
        timeout: opt(durationLit),
      })
      .map((c): Stmt => compact({ kind: 'call', ...c, span: S })),
    fc
      .record({
        branches: fc.array(
          fc.record({ cond: exprArb, body }).map((b) => ({ ...b, span: S })),
          { minLength: 1, maxLength: 3 },
        ),
        else: opt(body.filter((b) => !(b.length === 1 && b[0].kind === 'if'))),
      })
      .map((s): Stmt => compact({ kind: 'if', ...s, span: S })),
    exprArb.map((duration): Stmt => ({ kind: 'sleep', duration, span: S })),
    exprArb.map((time): Stmt => ({ kind: 'sleep_until', time, span: S })),
    fc
      .record({
        event: qualified.map((name) => ({ name, span: S })),
        as: opt(binding),
        where: opt(exprArb),
        within: opt(durationLit),
        onTimeout: opt(body),
      })
      .map((s): Stmt => compact({ kind: 'wait', ...s, span: S })),
    fc
      .record({
        description: exprArb,
        by: opt(exprArb),
        as: opt(binding),
        within: opt(durationLit),
        onTimeout: opt(body),
      })
      .map((s): Stmt => compact({ kind: 'approve', ...s, span: S })),
    fc
      .array(body, { minLength: 1, maxLength: 3 })
      .map((branches): Stmt => ({ kind: 'parallel', branches, span: S })),
    fc.record({ name: binding, list: exprArb, body }).map((s): Stmt => ({ kind: 'for_each', ...s, span: S })),
    fc
      .record({ event: qualified.map((name) => ({ name, span: S })), fields: namedArgs })
      .map((s): Stmt => ({ kind: 'emit', ...s, span: S })),
    exprArb.map((message): Stmt => ({ kind: 'log', message, span: S })),
    opt(exprArb).map((message): Stmt => compact({ kind: 'stop', message, span: S })),
    exprArb.map((message): Stmt => ({ kind: 'fail', message, span: S })),
  ];
  return {
    stmt: fc.oneof({ depthSize: 'small', maxDepth: 3 }, ...cases),
    body: fc.array(tie('stmt'), { maxLength: 3 }),
  };
});

/** One clause of each kind at most, `every` as an interval or a cron (never both). */
const clauses: fc.Arbitrary<Clause[]> = fc
  .record({
    on: opt(qualified.map((name): Clause => ({ kind: 'on', event: { name, span: S }, span: S }))),
    every: opt(
      fc.oneof(
        durationLit.map((interval): Clause => ({ kind: 'every_interval', interval, span: S })),
        fc
          .record({
            cron: fc.constantFrom('0 9 * * 1', '*/5 * * * *', '@daily', 'bad cron'),
            timezone: opt(fc.constantFrom('UTC', 'Europe/Paris')),
          })
          .map((c): Clause =>
            compact({ kind: 'every_cron', ...c, cronSpan: S, timezoneSpan: c.timezone && S, span: S }),
          ),
      ),
    ),
    manual: opt(fieldDecls.map((params): Clause => ({ kind: 'manual', params, span: S }))),
    when: opt(exprArb.map((expr): Clause => ({ kind: 'when', expr, span: S }))),
    key: opt(exprArb.map((expr): Clause => ({ kind: 'key', expr, span: S }))),
    concurrency: opt(
      fc
        .constantFrom('single', 'replace', 'queue', 'parallel')
        .map((mode): Clause => ({ kind: 'concurrency', mode, span: S })),
    ),
    timeout: opt(durationLit.map((duration): Clause => ({ kind: 'timeout', duration, span: S }))),
    disabled: opt(fc.constant<Clause>({ kind: 'disabled', span: S })),
  })
  .chain((byKind) => fc.shuffledSubarray(Object.values(byKind).filter((c): c is Clause => c !== undefined)));

const ruleArb: fc.Arbitrary<RuleDecl> = fc
  .record({
    name: word,
    description: opt(fc.oneof(text, fc.constantFrom('42', 'true', '', 'Reorder: now'))),
    clauses,
    body: stmts.body,
    compensate: opt(stmts.body),
  })
  .map((r) => compact({ kind: 'rule', ...r, nameSpan: S, span: S }));

const eventArb: fc.Arbitrary<EventDecl> = fc
  .record({ name: qualified, fields: fieldDecls })
  .map((e) => ({ kind: 'event', ...e, nameSpan: S, span: S }));

const actionArb: fc.Arbitrary<ActionDecl> = fc
  .record({ name: qualified, params: fieldDecls, result: opt(types.type) })
  .map((a) => compact({ kind: 'action', ...a, nameSpan: S, span: S }));

/** A file of up to three declarations, with comments here and there. */
export const sourceFileArb: fc.Arbitrary<SourceFile> = withComments(
  fc
    .array(fc.oneof<fc.Arbitrary<Decl>[]>(ruleArb, ruleArb, eventArb, actionArb), {
      minLength: 1,
      maxLength: 3,
    })
    .map((decls) => ({ file: 'gen.rule.yaml', form: 'yaml', decls })),
);

/** Statements alone, for smaller counterexamples. */
export const stmtArb: fc.Arbitrary<Stmt> = stmts.stmt;
