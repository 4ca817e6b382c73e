/**
 * Random IR expressions and scopes for comparing evaluators
 * (`runtime/fast/closures.property.test.ts`): every expression kind, every operator and mode, built
 * directly as IR so that ill-typed and unusual combinations (nulls, secrets, `any` data of the
 * wrong kind) are covered as well as the ones the checker allows. Each node gets its own span, so a
 * test can tell which node failed.
 */
import fc from 'fast-check';
import type { ArithOp, CompareMode, CompareOp, ExprIR } from '../runtime/ir';
import type { Span } from '../core/span';
import type { Value } from '../runtime/value';

const FIELDS = ['a', 'b', 'qty', 'sku', 'tags', '$secret', '__proto__', 'toString', 'length'] as const;

const span: fc.Arbitrary<Span> = fc
  .integer({ min: 1, max: 10_000 })
  .map((line) => ({ file: 'gen.rule', line, column: 1, endLine: line, endColumn: 2 }));

const TIMES = ['2024-05-01T10:00:00Z', '2024-05-01T12:00:00+02:00', '2024-05-02T00:00:00.000Z', 'not a time'];

const primitive: fc.Arbitrary<string | number | boolean | null> = fc.oneof(
  fc.integer({ min: -5, max: 20 }),
  fc.double({ min: -1e3, max: 1e3, noNaN: true }),
  fc.constantFrom('', 'A', 'A-1', 'ab', 'abc', 'DE', 'FR', '10', ...TIMES),
  fc.boolean(),
  fc.constant(null),
);

/** Runtime values: JSON data, secret markers now and then, and a few object keys the IR reads. */
export const value: fc.Arbitrary<Value> = fc.letrec<{ v: Value }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    primitive,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...FIELDS, 'c'), tie('v'), { maxKeys: 4 }),
    fc.constant<Value>({ $secret: 'TOKEN' }),
    fc.constant<Value>({ $template: ['Bearer ', { $secret: 'TOKEN' }] }),
  ),
})).v;

/** A scope with `event` (usually an object) and `x`; `missing` is never bound. */
export const scope: fc.Arbitrary<Record<string, Value>> = fc.record({
  event: fc.oneof(fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 6 }), value),
  x: value,
});

const ARITH: readonly ArithOp[] = [
  'num.add', 'num.sub', 'num.mul', 'num.div', 'num.mod', 'str.concat', 'list.concat', 'time.add',
  'time.sub', 'time.diff', 'dur.add', 'dur.sub', 'dur.mul', 'dur.div', 'dur.ratio', 'dyn.add',
  'dyn.sub', 'dyn.mul', 'dyn.div', 'dyn.mod',
]; // prettier-ignore
const COMPARE: readonly CompareOp[] = ['==', '!=', '<', '<=', '>', '>='];
const MODES: readonly CompareMode[] = ['number', 'string', 'bool', 'time', 'duration', 'value', 'dynamic'];
const IMPLS = [
  'len', 'min:number', 'max:list:dynamic', 'min:dynamic', 'abs', 'round', 'floor', 'lower', 'upper',
  'trim', 'contains:string', 'contains:list', 'contains:dynamic', 'starts_with', 'ends_with', 'now',
  'string', 'string:duration', 'number', 'int', 'time', 'join', 'split', 'hours', 'no_such_fn',
]; // prettier-ignore

/** Random IR expressions up to a modest depth. */
export const expr: fc.Arbitrary<ExprIR> = fc.letrec<{ e: ExprIR }>((tie) => {
  const e = tie('e');
  const leaf: fc.Arbitrary<ExprIR> = fc.oneof(
    fc.record({ kind: fc.constant('literal' as const), value: primitive, span }),
    fc.record({ kind: fc.constant('duration' as const), ms: fc.integer({ min: 0, max: 1e8 }), span }),
    fc.record({ kind: fc.constant('name' as const), name: fc.constantFrom('event', 'x', 'missing'), span }),
    fc.record({ kind: fc.constant('secret' as const), name: fc.constant('TOKEN'), span }),
  );
  const binary = <K extends 'and' | 'or' | 'coalesce'>(kind: K) =>
    fc.record({ kind: fc.constant(kind), left: e, right: e, span });
  return {
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      leaf,
      fc.record({
        kind: fc.constant('member' as const),
        object: e,
        name: fc.constantFrom(...FIELDS),
        optional: fc.boolean(),
        span,
      }),
      fc.record({ kind: fc.constant('index' as const), object: e, index: e, span }),
      fc.record({ kind: fc.constant('list' as const), items: fc.array(e, { maxLength: 3 }), span }),
      fc.record({
        kind: fc.constant('object' as const),
        fields: fc.array(fc.record({ name: fc.constantFrom(...FIELDS), value: e }), { maxLength: 2 }),
        span,
      }),
      fc.record({
        kind: fc.constant('template' as const),
        parts: fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('text' as const), text: fc.constantFrom('', 'x', 'id ') }),
            fc.record({
              kind: fc.constant('interp' as const),
              expr: e,
              format: fc.constantFrom('value' as const, 'duration' as const),
            }),
          ),
          { maxLength: 3 },
        ),
        span,
      }),
      fc.record({
        kind: fc.constant('call' as const),
        fn: fc.constant('f'),
        impl: fc.constantFrom(...IMPLS),
        args: fc.array(e, { maxLength: 3 }),
        span,
      }),
      fc.record({
        kind: fc.constant('arith' as const),
        op: fc.constantFrom(...ARITH),
        left: e,
        right: e,
        span,
      }),
      fc.record({
        kind: fc.constant('compare' as const),
        op: fc.constantFrom(...COMPARE),
        mode: fc.constantFrom(...MODES),
        left: e,
        right: e,
        span,
      }),
      fc.record({
        kind: fc.constant('in' as const),
        negate: fc.boolean(),
        mode: fc.constantFrom('list' as const, 'string' as const, 'dynamic' as const),
        left: e,
        right: e,
        span,
      }),
      binary('and'),
      binary('or'),
      binary('coalesce'),
      fc.record({ kind: fc.constant('not' as const), operand: e, span }),
      fc.record({
        kind: fc.constant('neg' as const),
        mode: fc.constantFrom('number' as const, 'duration' as const, 'dynamic' as const),
        operand: e,
        span,
      }),
    ),
  };
}).e;
