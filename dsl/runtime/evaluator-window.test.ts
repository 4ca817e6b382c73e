import { EvalError } from './errors';
import { evaluate, evaluateCondition, type EvalContext } from './evaluator';
import { explainGuard, formatExplanation } from './explain';
import { exprText } from './expr-text';
import type { Value } from './value';
import { listWindowSource, prefetchedWindowSource, windowsOf } from './window-source';
import { X, agg, windowOf } from '../testing/window-fixtures';

const NOW = Date.UTC(2026, 11, 2, 15, 0, 0);
const MIN = 60_000;

const failed = (customer: string, amount: number | null, minutesAgo: number) => ({
  type: 'payment.failed',
  data: { customer_id: customer, amount, card: `card-${amount ?? 'x'}` },
  time: NOW - minutesAgo * MIN,
});

const stored = [
  failed('c1', 10, 1),
  failed('c1', 30, 5),
  failed('c2', 99, 2),
  failed('c1', 20, 9.99),
  failed('c1', 50, 10), // exactly 10 minutes ago: outside (now - 10m, now]
  failed('c1', 70, 30),
  { type: 'order.placed', data: { customer_id: 'c1', amount: 5 }, time: NOW - MIN },
];

const ctx: EvalContext = { now: () => NOW, windows: listWindowSource(stored) };
const scope = { event: { customer_id: 'c1', amount: 10 } };
const byCustomer = windowOf(
  'payment.failed',
  'p',
  10 * MIN,
  X.cmp(X.path('p.customer_id'), '==', X.path('event.customer_id'), 'string'),
);
const amount = X.path('p.amount');

describe('aggregates over a window', () => {
  it('counts the events in (now - within, now] that match where', () => {
    expect(evaluate(agg('count', byCustomer), scope, ctx)).toBe(3);
    expect(evaluate(agg('count', windowOf('payment.failed', 'p', 10 * MIN)), scope, ctx)).toBe(4);
    expect(evaluate(agg('count', windowOf('payment.failed', 'p', 31 * MIN)), scope, ctx)).toBe(6);
  });

  it('sums, averages, takes min, max and distinct values', () => {
    expect(evaluate(agg('sum', byCustomer, amount), scope, ctx)).toBe(60);
    expect(evaluate(agg('avg', byCustomer, amount), scope, ctx)).toBe(20);
    expect(evaluate(agg('min', byCustomer, amount), scope, ctx)).toBe(10);
    expect(evaluate(agg('max', byCustomer, amount), scope, ctx)).toBe(30);
    const all = windowOf('payment.failed', 'p', 10 * MIN);
    expect(evaluate(agg('distinct', all, X.path('p.customer_id')), scope, ctx)).toBe(2);
  });

  it('gives 0 for count and sum and null for avg, min and max on an empty window', () => {
    const none = { event: { customer_id: 'nobody' } };
    expect(evaluate(agg('count', byCustomer), none, ctx)).toBe(0);
    expect(evaluate(agg('sum', byCustomer, amount), none, ctx)).toBe(0);
    expect(evaluate(agg('distinct', byCustomer, amount), none, ctx)).toBe(0);
    for (const fn of ['avg', 'min', 'max'] as const) {
      expect(evaluate(agg(fn, byCustomer, amount), none, ctx)).toBeNull();
    }
  });

  it('leaves null values out of sum, avg, min, max and distinct, and counts them', () => {
    const windows = listWindowSource([failed('c1', null, 1), failed('c1', 4, 2)]);
    const c = { ...ctx, windows };
    expect(evaluate(agg('count', byCustomer), scope, c)).toBe(2);
    expect(evaluate(agg('avg', byCustomer, amount), scope, c)).toBe(4);
    expect(evaluate(agg('distinct', byCustomer, amount), scope, c)).toBe(1);
  });

  it('counts lists and objects as distinct by value', () => {
    const windows = listWindowSource([
      { type: 't', data: { v: { a: 1, b: [2] } }, time: NOW },
      { type: 't', data: { v: { b: [2], a: 1 } }, time: NOW },
      { type: 't', data: { v: [1] }, time: NOW },
      { type: 't', data: { v: '1' }, time: NOW },
      { type: 't', data: { v: 1 }, time: NOW },
    ]);
    expect(evaluate(agg('distinct', windowOf('t', 'x', MIN), X.path('x.v')), {}, { ...ctx, windows })).toBe(
      4,
    );
  });

  it('fails with window-unavailable when the evaluation has no window source', () => {
    const e = agg('count', byCustomer);
    let err: unknown;
    try {
      evaluate(e, scope, { now: () => NOW });
    } catch (caught) {
      err = caught;
    }
    expect(err).toBeInstanceOf(EvalError);
    expect((err as EvalError).code).toBe('window-unavailable');
    expect((err as EvalError).span).toEqual(byCustomer.span);
  });

  it('fails at the value when it is not a number, and sees outer names in where and value', () => {
    const text = agg('sum', byCustomer, X.path('p.card'));
    expect(() => evaluate(text, scope, ctx)).toThrow(/sum\(\.\.\.\) needs numbers, got a string/);
    const bigger = windowOf('payment.failed', 'p', 10 * MIN, X.cmp(amount, '>', X.path('event.amount')));
    expect(evaluate(agg('count', bigger), scope, ctx)).toBe(3);
  });

  it('keeps the window name local: outside the aggregate it is unbound again', () => {
    const e = X.and(X.cmp(agg('count', byCustomer), '>=', X.num(1)), X.cmp(X.name('p'), '==', X.num(1)));
    expect(() => evaluate(e, scope, ctx)).toThrow(/'p' has no value/);
  });

  it('charges the budget per event in the window', () => {
    const many = Array.from({ length: 500 }, (_, i) => failed('c1', i, 0));
    const c = { ...ctx, windows: listWindowSource(many), budget: 600 };
    expect(() => evaluate(agg('count', byCustomer), scope, c)).toThrow(/too many steps/);
  });

  it('reads prefetched windows by id and refuses one that was not read', () => {
    const windows = prefetchedWindowSource({ '1': [{ data: { customer_id: 'c1' }, time: NOW }] });
    expect(evaluate(agg('count', byCustomer), scope, { now: () => NOW, windows })).toBe(1);
    const other = windowOf('payment.failed', 'p', MIN, undefined, 2);
    expect(() => evaluate(agg('count', other), scope, { now: () => NOW, windows })).toThrow(
      /was not read before/,
    );
  });

  it('lists the windows an expression reads', () => {
    const second = windowOf('order.placed', 'o', MIN, undefined, 2);
    const e = X.and(
      X.cmp(agg('count', byCustomer), '>=', X.num(3)),
      X.cmp(agg('count', second), '<', X.num(1)),
    );
    expect(windowsOf(e).map((w) => w.id)).toEqual([1, 2]);
    expect(windowsOf(X.path('event.amount'))).toEqual([]);
  });
});

describe('previous and events', () => {
  it('are plain names bound by the scope', () => {
    const crossing = X.and(
      X.cmp(X.path('event.available'), '<', X.num(10)),
      X.cmp(X.path('previous.available'), '>=', X.num(10)),
    );
    const e = { available: 9 };
    expect(evaluateCondition(crossing, { event: e, previous: { available: 12 } }, ctx)).toBe(true);
    expect(evaluateCondition(crossing, { event: e, previous: { available: 8 } }, ctx)).toBe(false);
    const events: Value = [{ n: 1 }, { n: 2 }];
    expect(evaluate(X.name('events'), { events }, ctx)).toEqual(events);
  });
});

describe('explanations of windows', () => {
  const guard = X.cmp(agg('count', byCustomer), '>=', X.num(4));

  it('show the aggregate as written', () => {
    expect(exprText(agg('sum', byCustomer, amount))).toBe(
      'sum(payment.failed as p within 10m where p.customer_id == event.customer_id, p.amount)',
    );
  });

  it("say what the window's value was and what was needed", () => {
    const ex = explainGuard(guard, scope, ctx);
    expect(ex.value).toBe('false');
    expect(ex.message).toBe(
      'count(payment.failed as p within 10m where p.customer_id == event.customer_id) was 3, needed >= 4',
    );
    const mirrored = explainGuard(X.cmp(X.num(4), '<=', agg('count', byCustomer)), scope, ctx);
    expect(mirrored.message).toMatch(/was 3, needed >= 4$/);
    const held = explainGuard(X.cmp(agg('count', byCustomer), '>=', X.num(3)), scope, ctx);
    expect(held.message).toMatch(/was 3, as needed >= 3$/);
  });

  it('explain an and down to the window that decided it', () => {
    const e = X.and(X.cmp(X.path('event.amount'), '>', X.num(1)), guard);
    expect(formatExplanation(explainGuard(e, scope, ctx))).toMatch(/\n {2}count\(.*\) was 3, needed >= 4$/);
  });

  it('report a window that cannot be read', () => {
    const ex = explainGuard(guard, scope, { now: () => NOW });
    expect(ex.value).toBe('error');
    expect(ex.message).toMatch(/cannot be read here/);
  });
});
