import { fastCondition, fastExpression } from './closures';
import { EvalError } from '../errors';
import { evaluate, evaluateCondition, type EvalContext } from '../evaluator';
import { MAX_DEPTH } from '../evaluator-meter';
import type { ArithOp, CompareMode, CompareOp, ExprIR } from '../ir';
import type { Span } from '../../core/span';
import { outcome } from '../../testing/eval-outcome';
import type { Value } from '../value';

let line = 0;
const sp = (): Span => ({ file: 'unit.rule', line: ++line, column: 1, endLine: line, endColumn: 2 });
const lit = (value: string | number | boolean | null): ExprIR => ({ kind: 'literal', value, span: sp() });
const name = (n: string): ExprIR => ({ kind: 'name', name: n, span: sp() });
const member = (object: ExprIR, n: string, optional = false): ExprIR => ({
  kind: 'member',
  object,
  name: n,
  optional,
  span: sp(),
});
const path = (dotted: string): ExprIR => {
  const [root, ...rest] = dotted.split('.');
  return rest.reduce((e, n) => member(e, n), name(root));
};
const index = (object: ExprIR, i: ExprIR): ExprIR => ({ kind: 'index', object, index: i, span: sp() });
const list = (...items: ExprIR[]): ExprIR => ({ kind: 'list', items, span: sp() });
const call = (impl: string, ...args: ExprIR[]): ExprIR => ({
  kind: 'call',
  fn: impl,
  impl,
  args,
  span: sp(),
});
const arith = (left: ExprIR, op: ArithOp, right: ExprIR): ExprIR => ({
  kind: 'arith',
  op,
  left,
  right,
  span: sp(),
});
const cmp = (left: ExprIR, op: CompareOp, right: ExprIR, mode: CompareMode = 'dynamic'): ExprIR => ({
  kind: 'compare',
  op,
  mode,
  left,
  right,
  span: sp(),
});
const isIn = (
  left: ExprIR,
  right: ExprIR,
  negate = false,
  mode: 'list' | 'string' | 'dynamic' = 'dynamic',
): ExprIR => ({
  kind: 'in',
  negate,
  mode,
  left,
  right,
  span: sp(),
});
const logic = (kind: 'and' | 'or' | 'coalesce', left: ExprIR, right: ExprIR): ExprIR => ({
  kind,
  left,
  right,
  span: sp(),
});
const not = (operand: ExprIR): ExprIR => ({ kind: 'not', operand, span: sp() });
const neg = (operand: ExprIR): ExprIR => ({ kind: 'neg', mode: 'dynamic', operand, span: sp() });

const event: Value = {
  qty: 7,
  price: 9.5,
  sku: 'A-1',
  country: 'DE',
  vip: false,
  coupon: null,
  tags: ['vip', 'new'],
  nested: { a: { b: 1 } },
  secret: { $secret: 'TOKEN' },
  text: 'x'.repeat(200),
  at: '2024-05-01T12:00:00+02:00',
};
const scope = { event };
const NOW = Date.UTC(2024, 4, 2);

/** The fast expression agrees with the evaluator with the default budget and every small one. */
function same(e: ExprIR, s: Record<string, Value> = scope): Value {
  for (const budget of [undefined, ...Array.from({ length: 40 }, (_, i) => i + 1)]) {
    const ctx: EvalContext = budget === undefined ? { now: () => NOW } : { now: () => NOW, budget };
    expect(outcome(() => fastExpression(e)(s, ctx))).toEqual(outcome(() => evaluate(e, s, ctx)));
  }
  return outcome(() => fastExpression(e)(s, { now: () => NOW })) as unknown as Value;
}

const value = (v: Value) => ({ value: v });

describe('fast expressions, operator by operator, against the evaluator', () => {
  it('literals and names (a -0 literal is 0, an unbound name an error)', () => {
    expect(same(lit(3))).toEqual(value(3));
    expect(same(lit(-0))).toEqual(value(0));
    expect(same(lit(Infinity))).toMatchObject({ code: 'bad-number' });
    expect(same(name('missing'))).toMatchObject({ code: 'unknown-name' });
    expect(same(name('toString'))).toMatchObject({ code: 'unknown-name' });
  });

  it('members: own fields only, null and ?. chains, forbidden names, secrets, non-objects', () => {
    expect(same(path('event.qty'))).toEqual(value(7));
    expect(same(path('event.nested.a.b'))).toEqual(value(1));
    // A second read of the same object does not skip the own-property check.
    expect(same(logic('coalesce', path('event.toString'), path('event.hasOwnProperty')))).toEqual(
      value(null),
    );
    expect(same(path('event.coupon.code'))).toMatchObject({ code: 'null-value' });
    expect(same(member(member(path('event.coupon'), 'code', true), 'x'))).toEqual(value(null));
    expect(same(path('event.constructor'))).toMatchObject({ code: 'forbidden-member' });
    expect(same(path('event.secret.x'))).toMatchObject({ code: 'secret' });
    expect(same(path('event.tags.length'))).toMatchObject({ code: 'forbidden-member' });
    const nullProto = Object.assign(Object.create(null) as Record<string, Value>, { a: 1 });
    expect(same(path('o.a'), { o: nullProto })).toEqual(value(1));
    expect(same(path('o.a'), { o: new Date(0) as unknown as Value })).toMatchObject({
      code: 'forbidden-member',
    });
  });

  it('indexes: lists by whole numbers in range, objects by string keys', () => {
    expect(same(index(path('event.tags'), lit(1)))).toEqual(value('new'));
    expect(same(index(path('event.tags'), lit(2)))).toMatchObject({ code: 'index-out-of-range' });
    expect(same(index(path('event.tags'), lit(0.5)))).toMatchObject({ code: 'type' });
    expect(same(index(name('event'), lit('sku')))).toEqual(value('A-1'));
    expect(same(index(name('event'), lit('__proto__')))).toMatchObject({ code: 'forbidden-member' });
    expect(same(index(path('event.coupon'), lit(0)))).toMatchObject({ code: 'null-value' });
  });

  it('arithmetic: fast number paths and everything else through the shared operator', () => {
    expect(same(arith(path('event.qty'), 'num.add', lit(1)))).toEqual(value(8));
    expect(same(arith(path('event.qty'), 'num.mul', lit(-0)))).toEqual(value(0));
    expect(same(arith(lit(1e308), 'num.mul', lit(10)))).toMatchObject({ code: 'bad-number' });
    expect(same(arith(path('event.sku'), 'dyn.add', lit('x')))).toEqual(value('A-1x'));
    expect(same(arith(path('event.coupon'), 'num.sub', lit(1)))).toMatchObject({ code: 'null-value' });
    expect(same(arith(lit(1), 'num.div', lit(0)))).toMatchObject({ code: 'division-by-zero' });
    expect(same(arith(path('event.secret'), 'str.concat', lit('x')))).toMatchObject({
      value: { $template: expect.any(Array) },
    });
  });

  it('comparisons: every operator, equal operands, mixed kinds, nulls, times, secrets', () => {
    for (const op of ['==', '!=', '<', '<=', '>', '>='] as const) {
      for (const [a, b] of [
        [7, 7],
        [7, 8],
        ['a', 'b'],
        ['b', 'b'],
        [1, '1'],
        [true, 1],
        [null, 1],
        [null, null],
        [false, false],
      ] as const) {
        for (const mode of ['number', 'string', 'bool', 'value', 'dynamic'] as const)
          same(cmp(lit(a), op, lit(b), mode));
      }
      same(cmp(path('event.at'), op, lit('2024-05-01T10:00:00Z'), 'time'));
      same(cmp(path('event.secret'), op, lit(null)));
      same(cmp(path('event.tags'), op, list(lit('vip'), lit('new')), 'value'));
    }
    expect(same(cmp(lit(1), '==', lit('1')))).toEqual(value(false));
    expect(same(cmp(lit(7), '<=', lit(7), 'number'))).toEqual(value(true));
    expect(same(cmp(lit(7), '<', lit(7), 'number'))).toEqual(value(false));
  });

  it('in: literal lists, lists of objects, strings (charged per 64 characters), null, secrets', () => {
    expect(same(isIn(path('event.country'), list(lit('DE'), lit('FR'))))).toEqual(value(true));
    expect(same(isIn(path('event.country'), list(lit('IT')), true))).toEqual(value(true));
    expect(same(isIn(lit(1), list(lit('1'), lit(true), lit(1))))).toEqual(value(true));
    same(isIn(path('event.nested'), list(path('event.nested'))));
    same(isIn(lit('a'), list(path('event.secret'))));
    expect(same(isIn(lit('xx'), path('event.text')))).toEqual(value(true));
    same(isIn(lit('xx'), path('event.text'), false, 'list'));
    same(isIn(lit(null), list(lit(null))));
    same(isIn(lit('a'), path('event.coupon')));
  });

  it('built-in calls: fast string tests, contains on long text, and the rest', () => {
    expect(same(call('starts_with', path('event.sku'), lit('A')))).toEqual(value(true));
    expect(same(call('ends_with', path('event.sku'), lit('A')))).toEqual(value(false));
    expect(same(call('contains:string', path('event.text'), lit('y')))).toEqual(value(false));
    expect(same(call('contains:dynamic', path('event.tags'), lit('vip')))).toEqual(value(true));
    same(call('starts_with', path('event.coupon'), lit('A')));
    same(call('starts_with', path('event.secret'), lit('A')));
    same(call('starts_with', lit('A')));
    same(call('lower', path('event.sku')));
    same(call('len', path('event.tags')));
    same(call('now'));
    same(call('string', path('event.nested')));
    same(call('no_such_fn', lit(1)));
  });

  it('and, or, not, ?? and unary minus: short circuits, null as false, non-bools as errors', () => {
    expect(same(logic('and', lit(false), name('missing')))).toEqual(value(false));
    expect(same(logic('or', lit(true), name('missing')))).toEqual(value(true));
    expect(same(logic('and', lit(null), lit(true)))).toEqual(value(false));
    expect(same(logic('or', lit(1), lit(true)))).toMatchObject({ code: 'type' });
    expect(same(logic('and', lit(true), lit('x')))).toMatchObject({ code: 'type' });
    expect(same(not(lit(null)))).toEqual(value(true));
    expect(same(not(lit(0)))).toMatchObject({ code: 'type' });
    expect(same(logic('coalesce', path('event.coupon'), lit('none')))).toEqual(value('none'));
    expect(same(neg(lit(0)))).toEqual(value(0));
    expect(same(neg(path('event.coupon')))).toMatchObject({ code: 'null-value' });
  });

  it('lists, objects, templates and secrets', () => {
    same(list(lit(1), path('event.sku')));
    same({ kind: 'object', fields: [{ name: '__proto__', value: lit(1) }], span: sp() });
    const template: ExprIR = {
      kind: 'template',
      parts: [
        { kind: 'text', text: 'id ' },
        { kind: 'interp', expr: path('event.nested'), format: 'value' },
        { kind: 'interp', expr: { kind: 'secret', name: 'TOKEN', span: sp() }, format: 'value' },
      ],
      span: sp(),
    };
    expect(same(template)).toMatchObject({
      value: { $template: ['id {"a":{"b":1}}', { $secret: 'TOKEN' }] },
    });
  });

  it('nesting past the limit fails where the evaluator does, with no stack overflow', () => {
    let deep: ExprIR = lit(true);
    for (let i = 0; i < MAX_DEPTH + 5; i++) deep = not(deep);
    expect(same(deep)).toMatchObject({ code: 'too-deep' });
    let chain: ExprIR = name('event');
    for (let i = 0; i < MAX_DEPTH + 5; i++) chain = member(chain, 'nested', true);
    expect(same(chain)).toMatchObject({ code: 'too-deep' });
  });

  it('hands IR it does not know to the evaluator', () => {
    const odd = { kind: 'matrix', span: sp() } as unknown as ExprIR;
    expect(same(odd)).toMatchObject({ code: 'invalid-ir' });
    expect(same(logic('or', lit(true), odd))).toEqual(value(true));
  });
});

describe('fastCondition', () => {
  it('is cached per IR node and answers like evaluateCondition', () => {
    const guard = logic(
      'and',
      cmp(path('event.qty'), '<', lit(10)),
      call('starts_with', path('event.sku'), lit('A')),
    );
    expect(fastCondition(guard)).toBe(fastCondition(guard));
    expect(fastCondition(guard)(scope, { now: () => NOW })).toBe(true);
    expect(fastCondition(path('event.coupon'))(scope, { now: () => NOW })).toBe(false);
    const sku = path('event.sku');
    expect(() => fastCondition(sku)(scope, { now: () => NOW })).toThrow(EvalError);
    expect(outcome(() => fastCondition(sku)(scope, { now: () => NOW }))).toEqual(
      outcome(() => evaluateCondition(sku, scope, { now: () => NOW })),
    );
  });

  it('stays right when an evaluation runs inside another (a clock that evaluates)', () => {
    const inner = cmp(path('event.qty'), '==', lit(7));
    const ctx: EvalContext = { now: () => (fastCondition(inner)(scope, { now: () => NOW }) ? NOW : 0) };
    const outer = logic(
      'and',
      cmp(call('now'), '==', lit('2024-05-02T00:00:00.000Z')),
      cmp(path('event.qty'), '>', lit(1)),
    );
    expect(fastCondition(outer)(scope, ctx)).toBe(evaluateCondition(outer, scope, ctx));
    expect(fastCondition(outer)(scope, ctx)).toBe(true);
  });
});
