import fc from 'fast-check';
import { EvalError } from './errors';
import { evaluate } from './evaluator';
import { explainGuard, formatExplanation } from './explain';
import { MAX_DEPTH } from './evaluator-meter';
import type { ArithOp, CompareMode, CompareOp, ExprIR } from './ir';
import type { Span } from '../core/span';
import { E } from '../testing/ast-builders';
import { compileExpr } from '../testing/compile-expr';
import { ctx, event, fails, run } from '../testing/eval-fixtures';
import type { Value } from './value';
import { containsSecretMarker, resolveSecrets } from './value';

const span: Span = { file: 'x.rule', line: 3, column: 5, endLine: 3, endColumn: 9 };
const lit = (value: string | number | boolean | null): ExprIR => ({ kind: 'literal', value, span });
const name = (n: string): ExprIR => ({ kind: 'name', name: n, span });
const member = (object: ExprIR, n: string): ExprIR => ({
  kind: 'member',
  object,
  name: n,
  optional: false,
  span,
});
const index = (object: ExprIR, i: ExprIR): ExprIR => ({ kind: 'index', object, index: i, span });

function code(expr: ExprIR, scope: Record<string, Value> = {}, budget?: number): string {
  try {
    evaluate(expr, scope, { ...ctx, ...(budget !== undefined && { budget }) });
    return 'ok';
  } catch (err) {
    if (!(err instanceof EvalError)) throw err;
    return err.code;
  }
}

describe('no access to prototypes or globals', () => {
  const scope: Record<string, Value> = { obj: { a: 1 }, list: [1, 2] };

  it('refuses __proto__, constructor and prototype, by member or index', () => {
    for (const n of ['__proto__', 'constructor', 'prototype']) {
      expect(code(member(name('obj'), n), scope)).toBe('forbidden-member');
      expect(code(index(name('obj'), lit(n)), scope)).toBe('forbidden-member');
    }
  });

  it('reads only own properties of plain objects', () => {
    expect(evaluate(member(name('obj'), 'toString'), scope, ctx)).toBeNull();
    expect(evaluate(member(name('obj'), 'hasOwnProperty'), scope, ctx)).toBeNull();
    expect(code(member(name('list'), 'length'), scope)).toBe('forbidden-member');
    expect(code(member(lit('abc'), 'length'), scope)).toBe('forbidden-member');
    expect(code(name('toString'), scope)).toBe('unknown-name');
    expect(code(name('globalThis'), scope)).toBe('unknown-name');
  });

  it('builds objects with a field named __proto__ as data', () => {
    const obj: ExprIR = { kind: 'object', fields: [{ name: '__proto__', value: lit(1) }], span };
    const value = evaluate(obj, {}, ctx) as Record<string, Value>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
  });

  it('reports unknown IR as an EvalError', () => {
    expect(code({ kind: 'nope', span } as unknown as ExprIR)).toBe('invalid-ir');
    expect(code({ kind: 'call', fn: 'x', impl: 'constructor', args: [], span })).toBe('invalid-ir');
  });
});

describe('bounded work', () => {
  it('stops when the step budget runs out', () => {
    // A tree that shares its children: 2^40 nodes to visit, a few objects in memory.
    let e: ExprIR = lit(1);
    for (let i = 0; i < 40; i++) e = { kind: 'arith', op: 'num.add', left: e, right: e, span };
    expect(code(e, {}, 10_000)).toBe('budget-exhausted');
  });

  it('caps string and list sizes', () => {
    let s: ExprIR = lit('x'.repeat(1000));
    for (let i = 0; i < 12; i++) s = { kind: 'arith', op: 'str.concat', left: s, right: s, span };
    expect(code(s, {}, 10_000_000)).toBe('too-large');
    let l: ExprIR = { kind: 'list', items: [lit(1), lit(2)], span };
    for (let i = 0; i < 20; i++) l = { kind: 'arith', op: 'list.concat', left: l, right: l, span };
    expect(code(l, {}, 10_000_000)).toBe('too-large');
    const big = 'x'.repeat(600_000);
    const join: ExprIR = { kind: 'call', fn: 'join', impl: 'join', args: [name('a')], span };
    expect(code(join, { a: [big, big] })).toBe('too-large');
  });

  it('caps nesting depth instead of overflowing the stack', () => {
    let e: ExprIR = lit(true);
    for (let i = 0; i < MAX_DEPTH * 5; i++) e = { kind: 'not', operand: e, span };
    expect(code(e)).toBe('too-deep');
    let v: Value = 1;
    for (let i = 0; i < 10_000; i++) v = [v];
    const eq: ExprIR = { kind: 'compare', op: '==', mode: 'value', left: name('v'), right: name('v2'), span };
    expect(code(eq, { v, v2: [v] })).toBe('too-deep');
    const text: ExprIR = {
      kind: 'template',
      parts: [{ kind: 'interp', expr: name('v'), format: 'value' }],
      span,
    };
    expect(code(text, { v })).toBe('too-deep');
  });
});

describe('secrets', () => {
  it('stay opaque markers, also inside templates', () => {
    expect(run(E.call('secret', E.str('API_TOKEN')))).toEqual({ $secret: 'API_TOKEN' });
    const t = run(E.tmpl('Bearer ', E.call('secret', E.str('API_TOKEN'))));
    expect(t).toEqual({ $template: ['Bearer ', { $secret: 'API_TOKEN' }] });
    expect(resolveSecrets({ h: t }, (n) => `<${n}>`)).toEqual({ h: 'Bearer <API_TOKEN>' });
  });

  it('cannot be compared, searched, transformed or rendered into data text', () => {
    fails(E.bin(E.call('secret', E.str('T')), '==', E.str('x')), 'secret');
    fails(E.call('lower', E.call('secret', E.str('T'))), 'secret');
    fails(E.call('len', E.call('secret', E.str('T'))), 'secret');
    expect(run(E.tmpl('', E.obj({ token: E.call('secret', E.str('T')) })))).toBe('{"token":"***"}');
  });

  it('are detected in external data', () => {
    expect(containsSecretMarker(event)).toBe(false);
    expect(containsSecretMarker({ a: [{ b: { $secret: 'DB_PASSWORD' } }] })).toBe(true);
  });
});

describe('random IR', () => {
  const arithOps: ArithOp[] = [
    'num.add',
    'num.div',
    'num.mod',
    'str.concat',
    'list.concat',
    'time.add',
    'time.diff',
    'dur.mul',
    'dur.ratio',
    'dyn.add',
    'dyn.mod',
  ];
  const compareOps: CompareOp[] = ['==', '!=', '<', '<=', '>', '>='];
  const modes: CompareMode[] = ['number', 'string', 'bool', 'time', 'duration', 'value', 'dynamic'];
  const impls = [
    'len',
    'min:number',
    'max:list:time',
    'abs',
    'round',
    'lower',
    'contains:dynamic',
    'now',
    'string',
    'number',
    'int',
    'time',
    'join',
    'split',
    'days',
    'nope',
  ];
  const names = ['a', 'b', 'event', 'constructor', '__proto__'];

  const leaf: fc.Arbitrary<ExprIR> = fc.oneof(
    fc.oneof(fc.string(), fc.double(), fc.integer(), fc.boolean(), fc.constant(null)).map(lit),
    fc.constantFrom('2024-05-01T10:00:00Z', 'soon', '2024-02-30').map(lit),
    fc.integer({ min: -1e9, max: 1e9 }).map((ms): ExprIR => ({ kind: 'duration', ms, span })),
    fc.constantFrom(...names).map(name),
    fc.string().map((n): ExprIR => ({ kind: 'secret', name: n, span })),
  );

  const expr: fc.Memo<ExprIR> = fc.memo((n) => {
    if (n <= 1) return leaf;
    const sub = expr(n - 1);
    return fc.oneof(
      leaf,
      fc
        .tuple(fc.constantFrom(...arithOps), sub, sub)
        .map(([op, left, right]): ExprIR => ({ kind: 'arith', op, left, right, span })),
      fc
        .tuple(fc.constantFrom(...compareOps), fc.constantFrom(...modes), sub, sub)
        .map(([op, mode, left, right]): ExprIR => ({ kind: 'compare', op, mode, left, right, span })),
      fc
        .tuple(fc.constantFrom('and', 'or', 'coalesce') as fc.Arbitrary<'and' | 'or' | 'coalesce'>, sub, sub)
        .map(([kind, left, right]): ExprIR => ({ kind, left, right, span })),
      fc
        .tuple(
          fc.boolean(),
          fc.constantFrom('list', 'string', 'dynamic') as fc.Arbitrary<'list' | 'string' | 'dynamic'>,
          sub,
          sub,
        )
        .map(([negate, mode, left, right]): ExprIR => ({ kind: 'in', negate, mode, left, right, span })),
      sub.map((operand): ExprIR => ({ kind: 'not', operand, span })),
      sub.map((operand): ExprIR => ({ kind: 'neg', mode: 'dynamic', operand, span })),
      fc
        .tuple(sub, fc.constantFrom('x', 'a', 'constructor'), fc.boolean())
        .map(([object, n, optional]): ExprIR => ({ kind: 'member', object, name: n, optional, span })),
      fc.tuple(sub, sub).map(([object, i]) => index(object, i)),
      fc.array(sub, { maxLength: 3 }).map((items): ExprIR => ({ kind: 'list', items, span })),
      fc.array(sub, { maxLength: 3 }).map((items): ExprIR => ({
        kind: 'object',
        fields: items.map((value, i) => ({ name: `f${i}`, value })),
        span,
      })),
      fc
        .tuple(fc.constantFrom(...impls), fc.array(sub, { maxLength: 3 }))
        .map(([impl, args]): ExprIR => ({ kind: 'call', fn: impl, impl, args, span })),
      fc
        .array(
          fc.oneof(
            fc.string().map((text) => ({ kind: 'text' as const, text })),
            sub.map((e) => ({ kind: 'interp' as const, expr: e, format: 'duration' as const })),
          ),
          { maxLength: 3 },
        )
        .map((parts): ExprIR => ({ kind: 'template', parts, span })),
    );
  });

  it('only ever throws EvalError, and terminates', () => {
    fc.assert(
      fc.property(expr(6), fc.jsonValue(), fc.jsonValue(), (e, a, b) => {
        try {
          const v = evaluate(e, { a: a as Value, b: b as Value, event }, { ...ctx, budget: 5000 });
          expect(() => JSON.stringify(v)).not.toThrow();
        } catch (err) {
          if (!(err instanceof EvalError)) throw err;
          expect(err.span).toEqual(span);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('explains any expression without throwing', () => {
    fc.assert(
      fc.property(expr(5), fc.jsonValue(), (e, a) => {
        const x = explainGuard(e, { a: a as Value, event }, { ...ctx, budget: 5000 });
        expect(typeof formatExplanation(x)).toBe('string');
      }),
      { numRuns: 500 },
    );
  });
});

it('evaluates compiled expressions the same way twice (deterministic)', () => {
  const ir = compileExpr(E.tmpl('at ', E.call('now'), ' ', E.path('event.sku')));
  expect(evaluate(ir, { event }, ctx)).toBe(evaluate(ir, { event }, ctx));
});
