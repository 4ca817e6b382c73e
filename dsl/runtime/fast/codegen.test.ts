import type * as Closures from './closures';
import { fastCondition, fastExpression } from './closures';
import { generateSource, generated, stringLiteral } from './codegen';
import { evaluate, evaluateCondition, type EvalContext, type EvalScope } from '../evaluator';
import type { ExprIR } from '../ir';
import { compileRuleSet } from '../../rule-set';
import type { Span } from '../../core/span';
import { outcome } from '../../testing/eval-outcome';
import { GUARD_EVENT } from '../../testing/guard-arbitraries';
import type { Value } from '../value';

const NOW = Date.UTC(2024, 4, 2, 10, 0, 0);
const ctx: EvalContext = { now: () => NOW };

/** The IR of `when <text>` on `order.placed` through the real compiler. */
function guardIr(text: string): ExprIR {
  const source = `${GUARD_EVENT}\n\nrule r\n  on order.placed\n  when ${text}\ndo\n  log "x"\nend\n`;
  const { rules, diagnostics } = compileRuleSet([{ path: 'guard.rule', content: source }]);
  const guard = rules[0]?.guard;
  if (!guard) throw new Error(`${text}: ${diagnostics.map((d) => d.message).join('; ')}`);
  return guard;
}

const EVENT: Value = {
  qty: 3,
  price: -2.5,
  sku: 'A-1',
  country: ' DE ',
  vip: true,
  coupon: null,
  tags: ['vip', 'new'],
  placed_at: '2024-05-01T10:00:00Z',
  wait: 7_200_000,
  extra: { n: 4, flag: true },
};

/** Runs the generated condition with a slow path that records being called. */
function runGenerated(ir: ExprIR, scope: EvalScope, context: EvalContext = ctx) {
  let bailed = 0;
  const fn = generated<boolean>(
    ir,
    (s, c) => {
      bailed++;
      return evaluateCondition(ir, s, c);
    },
    true,
  );
  if (fn === undefined) throw new Error('not generated');
  return { result: outcome(() => fn(scope, context)), bailed };
}

describe('generated guards: every supported construct answers without the slow path', () => {
  const cases: [string, boolean][] = [
    ['event.qty < 5 and starts_with(event.sku, "A")', true],
    ['event.price > 100 or event.country in ["FR", "IT"]', false],
    ['not event.vip', false],
    ['event.coupon == null', true],
    ['event.coupon != null', false],
    ['(event.coupon ?? "none") == "none"', true],
    ['ends_with(event.sku, "1")', true],
    ['lower(event.sku) == "a-1"', true],
    ['upper(event.sku) == "A-1"', true],
    ['trim(event.country) == "DE"', true],
    ['len(event.tags) == 2 and len(event.sku) == 3', true],
    ['abs(event.price) == 2.5 and floor(event.price) == -3 and ceil(event.price) == -2', true],
    ['contains(event.tags, "vip") and contains(event.sku, "-")', true],
    ['"vip" in event.tags and "x" not in event.tags', true],
    ['"A" in event.sku', true],
    ['event.qty in [1, 2, 3]', true],
    ['event.tags[0] == "vip"', true],
    ['event.extra.n > 3 and event.extra.flag == true', true],
    ['event.extra?.deep?.x == null', true],
    ['(event.qty + 1) * 2 == 8 and event.qty - 5 == -2', true],
    ['event.price / 2 < 0 and event.qty % 2 == 1', true],
    ['-event.qty < 0', true],
    ['"${event.qty}-x" == "3-x"', true],
    ['event.sku + "!" == "A-1!"', true],
    ['event.wait > 1h', true],
    ['event.sku < "B" and event.country >= " "', true],
  ];
  it.each(cases)('%s', (text, expected) => {
    const ir = guardIr(text);
    expect(generateSource(ir)).toBeDefined();
    const { result, bailed } = runGenerated(ir, { event: EVENT });
    expect(result).toEqual({ value: expected });
    expect(result).toEqual(outcome(() => evaluateCondition(ir, { event: EVENT }, ctx)));
    expect(bailed).toBe(0);
  });

  it('reads a missing field as null, like the evaluator', () => {
    const ir = guardIr('event.qty > 3');
    const { qty: _qty, ...rest } = EVENT as Record<string, Value>;
    const { result, bailed } = runGenerated(ir, { event: rest });
    expect(result).toEqual({ value: false });
    expect(bailed).toBe(0);
  });
});

describe('generated guards bail out to the slow path, which answers exactly', () => {
  const bails: [string, string, Value][] = [
    ['a string where a number is expected', 'event.extra.n > 3', { n: '7' }],
    ['a secret marker', 'event.extra.n > 3', { $secret: 'TOKEN' }],
    ['null where a value is needed', 'event.extra.n > 3', null],
    ['a list where an object is expected', 'event.extra.n > 3', [1]],
    ['a non-bool in a boolean context', 'event.extra.flag and true', { flag: 'yes' }],
  ];
  it.each(bails)('%s', (_what, text, extra) => {
    const ir = guardIr(text);
    const scope = { event: { ...(EVENT as Record<string, Value>), extra } };
    const { result, bailed } = runGenerated(ir, scope);
    expect(bailed).toBe(1);
    expect(result).toEqual(outcome(() => evaluateCondition(ir, scope, ctx)));
    expect(outcome(() => fastCondition(ir)(scope, ctx))).toEqual(result);
  });

  it('a string where a number is expected gives the evaluator EvalError (code, message, span)', () => {
    const ir = guardIr('event.extra.n > 3');
    const scope = { event: { ...(EVENT as Record<string, Value>), extra: { n: 'seven' } } };
    const { result } = runGenerated(ir, scope);
    expect(result).toMatchObject({ code: 'type', message: expect.stringContaining('cannot order') });
    expect(result).toEqual(outcome(() => evaluateCondition(ir, scope, ctx)));
  });

  it('a budget that could run out: the exact budget-exhausted error', () => {
    const ir = guardIr('event.qty < 5 and starts_with(event.sku, "A")');
    for (let budget = 1; budget <= 20; budget++) {
      const small = { now: () => NOW, budget };
      const { result, bailed } = runGenerated(ir, { event: EVENT }, small);
      expect(result).toEqual(outcome(() => evaluateCondition(ir, { event: EVENT }, small)));
      if (budget < (generateSource(ir)?.steps ?? 0)) expect(bailed).toBe(1);
    }
  });

  it('a missing name, a class instance and a null-prototype object', () => {
    const ir = guardIr('event.qty > 1');
    class Order {
      qty = 3;
    }
    const bare = Object.assign(Object.create(null) as Record<string, Value>, { qty: 3 });
    const scopes: EvalScope[] = [{}, { event: new Order() as unknown as Value }, { event: bare }];
    for (const scope of scopes) {
      expect(runGenerated(ir, scope).result).toEqual(outcome(() => evaluateCondition(ir, scope, ctx)));
    }
  });
});

describe('hostile names and strings are data, never code', () => {
  const HOSTILE = [
    '"); process.exit(1); ("',
    "'); process.exit(1); ('",
    '`${process.exit(1)}`',
    'back\\slash',
    'line\u2028sep\u2029para',
    '*/ process.exit(1) /*',
    '\ud800 lone surrogate',
    'toString',
    'hasOwnProperty',
  ];
  let n = 0;
  const sp = (): Span => ({ file: 'hostile.rule', line: ++n, column: 1, endLine: n, endColumn: 2 });
  const event: ExprIR = { kind: 'name', name: 'event', span: sp() };
  const member = (name: string): ExprIR => ({
    kind: 'member',
    object: event,
    name,
    optional: false,
    span: sp(),
  });
  const literal = (value: string): ExprIR => ({ kind: 'literal', value, span: sp() });
  const equals = (left: ExprIR, right: ExprIR): ExprIR => ({
    kind: 'compare',
    op: '==',
    mode: 'string',
    left,
    right,
    span: sp(),
  });

  it.each(HOSTILE)('field and literal %j', (text) => {
    const ir = equals(member(text), literal(text));
    const source = generateSource(ir)?.body ?? '';
    expect(source).toContain(`[${stringLiteral(text)}]`);
    expect(source).not.toContain('\u2028');
    const scope = { event: { [text]: text } };
    expect(runGenerated(ir, scope)).toEqual({ result: { value: true }, bailed: 0 });
    // An inherited name is not a field: null, as the evaluator says.
    expect(outcome(() => fastExpression(member(text))({ event: {} }, ctx))).toEqual(
      outcome(() => evaluate(member(text), { event: {} }, ctx)),
    );
  });

  it('a scope name and an index key that are hostile text', () => {
    const name = '"); process.exit(1); ("';
    const root: ExprIR = { kind: 'name', name, span: sp() };
    const ir: ExprIR = { kind: 'index', object: root, index: literal('\u2028'), span: sp() };
    const scope = { [name]: { '\u2028': 'x' } };
    expect(outcome(() => fastExpression(ir)(scope, ctx))).toEqual({ value: 'x' });
  });

  it.each(['__proto__', 'constructor', 'prototype'])('%s is refused as the evaluator refuses it', (text) => {
    const data = JSON.parse(`{"${text}": {"x": 1}, "key": "${text}"}`) as Value;
    const byMember = member(text);
    const byIndex: ExprIR = { kind: 'index', object: event, index: member('key'), span: sp() };
    expect(generateSource(byMember)).toBeUndefined();
    for (const ir of [byMember, byIndex]) {
      const got = outcome(() => fastExpression(ir)({ event: data }, ctx));
      expect(got).toMatchObject({ code: 'forbidden-member' });
      expect(got).toEqual(outcome(() => evaluate(ir, { event: data }, ctx)));
    }
  });
});

describe('without new Function', () => {
  it('falls back to the closures silently', () => {
    const original = globalThis.Function;
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require('./closures') as typeof Closures;
      const ir = guardIr('event.qty < 5');
      globalThis.Function = function refuse() {
        throw new EvalError('Code generation from strings disallowed for this context');
      } as unknown as FunctionConstructor;
      try {
        expect(fresh.fastCondition(ir)({ event: EVENT }, ctx)).toBe(true);
        // The isolated modules have their own EvalError class: compare what it carries.
        const expected = outcome(() => evaluate(ir, { event: { qty: 'x' } }, ctx));
        let thrown: unknown;
        try {
          fresh.fastExpression(ir)({ event: { qty: 'x' } }, ctx);
        } catch (err) {
          thrown = err;
        }
        const { code, message, span } = thrown as { code: string; message: string; span: Span };
        expect({ code, message, span }).toEqual(expected);
      } finally {
        globalThis.Function = original;
      }
    });
  });
});
