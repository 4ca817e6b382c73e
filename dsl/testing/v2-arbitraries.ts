/**
 * fast-check arbitraries of v2 rules (LANGUAGE.md §9–12): the flow-control and `cancel on`
 * clauses, `wait for first`, and windows read by aggregates, over the YAML arbitraries' expressions
 * and statements, so that a generated AST survives both printers and both front ends.
 */
import fc from 'fast-check';
import type { Binding, Clause, Expr, QualifiedName, RuleDecl, SourceFile, Stmt, WaitCase } from '../ast/ast';
import type { Span } from '../core/span';
import { durationLit, exprArb, stmtArb } from './yaml-arbitraries';

const S: Span = { file: 'gen', line: 1, column: 1, endLine: 1, endColumn: 1 };

const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

/** Drops `undefined` properties, which the front ends never write. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const eventName: fc.Arbitrary<QualifiedName> = fc
  .constantFrom('order.placed', 'payment.failed', 'a.b', 'inventory.updated', 'x.in')
  .map((name) => ({ name, span: S }));
const bindingArb: fc.Arbitrary<Binding> = fc
  .constantFrom('p', 'o', 'x_1', 'each')
  .map((name) => ({ name, span: S }));
const count = fc.nat({ max: 200 });

/** `count(WINDOW)` or `sum|avg|min|max|distinct(WINDOW, EXPR)`. */
export const aggregateArb: fc.Arbitrary<Expr> = fc
  .record({
    fn: fc.constantFrom('count', 'sum', 'avg', 'min', 'max', 'distinct'),
    event: eventName,
    as: bindingArb,
    within: durationLit,
    where: opt(exprArb),
    value: exprArb,
  })
  .map(({ fn, value, ...w }): Expr => {
    const window: Expr = compact({ kind: 'window', ...w, span: S });
    const args = fn === 'count' ? [window] : [window, value];
    return { kind: 'call', fn, fnSpan: S, args, span: S };
  });

/** Flow-control and `cancel on` clauses, each kind at most once, in any order. */
export const v2ClausesArb: fc.Arbitrary<Clause[]> = fc
  .record(
    {
      debounce: fc
        .record({ quiet: durationLit, max: opt(durationLit) })
        .map((c): Clause => compact({ kind: 'debounce', ...c, span: S })),
      batch: fc
        .record({ size: count, within: opt(durationLit) })
        .map((c): Clause => compact({ kind: 'batch', ...c, sizeSpan: S, span: S })),
      throttle: fc
        .record({ runs: count, per: durationLit })
        .map((c): Clause => ({ kind: 'throttle', ...c, runsSpan: S, span: S })),
      limit: fc
        .record({ runs: count, per: durationLit })
        .map((c): Clause => ({ kind: 'limit', ...c, runsSpan: S, span: S })),
      cancel: fc
        .record({ event: eventName, as: opt(bindingArb), where: opt(exprArb) })
        .map((c): Clause => compact({ kind: 'cancel_on', ...c, span: S })),
    },
    { requiredKeys: [] },
  )
  .chain((byKind) => fc.shuffledSubarray(Object.values(byKind), { minLength: Object.keys(byKind).length }));

const body = fc.array(stmtArb, { maxLength: 2 });

const waitCaseArb: fc.Arbitrary<WaitCase> = fc
  .record({ event: eventName, as: opt(bindingArb), where: opt(exprArb), body })
  .map((c) => compact({ ...c, span: S }));

/** `wait for first` with one to three cases, with or without `within`. */
export const waitFirstArb: fc.Arbitrary<Stmt> = fc
  .record({
    cases: fc.array(waitCaseArb, { minLength: 1, maxLength: 3 }),
    within: opt(durationLit),
    onTimeout: body,
  })
  .map(({ cases, within, onTimeout }): Stmt =>
    within
      ? { kind: 'wait_first', cases, within, onTimeout, span: S }
      : { kind: 'wait_first', cases, span: S },
  );

/** A `let` of an aggregate, or a `wait for first`, or any statement. */
const v2Stmt: fc.Arbitrary<Stmt> = fc.oneof(
  aggregateArb.map((value): Stmt => ({ kind: 'let', name: { name: 'n', span: S }, value, span: S })),
  waitFirstArb,
  stmtArb,
);

const ruleArb: fc.Arbitrary<RuleDecl> = fc
  .record({
    clauses: v2ClausesArb,
    when: opt(aggregateArb),
    body: fc.array(v2Stmt, { maxLength: 3 }),
  })
  .map(({ clauses, when, body: stmts }) => {
    const on: Clause = { kind: 'on', event: { name: 'order.placed', span: S }, span: S };
    const guard: Clause[] = when ? [{ kind: 'when', expr: when, span: S }] : [];
    return {
      kind: 'rule',
      name: 'r',
      nameSpan: S,
      clauses: [on, ...guard, ...clauses],
      body: stmts,
      span: S,
    };
  });

/** A file of one v2 rule. */
export const v2FileArb: fc.Arbitrary<SourceFile> = ruleArb.map((rule) => ({
  file: 'gen.rule',
  form: 'dsl',
  decls: [rule],
}));
