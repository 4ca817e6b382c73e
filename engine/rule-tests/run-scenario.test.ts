import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { compileRuleSet, IR_VERSION_V2, parseRuleTests, type RuleIR } from '../../dsl';
import type { ExprIR, StepIR } from '../../dsl/runtime';
import { X, agg, windowOf } from '../../workflows/testing/v2-ir';
import { createTimeSkippingEnv } from '../temporal/time-skipping';
import { quietTemporalRuntime } from '../temporal/testing/quiet-runtime';
import { prepareTest } from './prepare';
import { runPreparedTests, type RuleTestReport } from './run-rule-tests';

// `opsflow test` v2 on the time-skipping server and the real interpreter: several triggers,
// history, flow control, windows and previous in guards, cancel on, outcomes and runs. Until the
// v2 parser is on main, the v2 clauses are put into compiled rules by hand.
quietTemporalRuntime('ERROR');

const SEC = 1000;
const MIN = 60 * SEC;

const RULES = `event inventory.updated { sku: string, available: int }
event payment.failed { customer_id: string, amount: number }
event cart.abandoned { cart_id: string, customer_email: string }
event order.placed { order_id: string, customer_email: string }
action shop.note(text: string)

rule sync on inventory.updated key event.sku do
  call shop.note(text: "\${event.sku} \${event.available}")
end

rule velocity on payment.failed key event.customer_id do
  call shop.note(text: "hold \${event.customer_id}")
end

rule crossing on inventory.updated key event.sku do
  call shop.note(text: "low \${event.available}")
end

rule remind on cart.abandoned key event.cart_id do
  sleep 1h
  call shop.note(text: "remind \${event.customer_email}")
end

rule placed on order.placed do
  log "placed"
end

rule single on inventory.updated key event.sku do
  sleep 10m
  call shop.note(text: "single \${event.available}")
end
`;

const compiled = compileRuleSet([{ path: 'rules/shop.rule', content: RULES }]);
const base = Object.fromEntries(compiled.rules.map((r) => [r.name, r])) as Record<string, RuleIR>;
const v2 = (rule: RuleIR, extra: Partial<RuleIR>): RuleIR => ({
  ...rule,
  irVersion: IR_VERSION_V2,
  ...extra,
});
const noteWith = (rule: RuleIR, text: ExprIR): StepIR[] => {
  const [call] = rule.body;
  if (call.kind !== 'call') throw new Error('expected a call');
  return [{ ...call, args: [{ name: 'text', value: text }] }];
};
const template = (...parts: (string | ExprIR)[]): ExprIR => ({
  kind: 'template',
  parts: parts.map((p) =>
    typeof p === 'string' ? { kind: 'text', text: p } : { kind: 'interp', expr: p, format: 'value' },
  ),
  span: X.name('x').span,
});
const len = (e: ExprIR): ExprIR => ({ kind: 'call', fn: 'len', impl: 'len', args: [e], span: e.span });
const isNull = (e: ExprIR): ExprIR => X.cmp(e, '==', { kind: 'literal', value: null, span: e.span }, 'value');
const or = (left: ExprIR, right: ExprIR): ExprIR => ({ kind: 'or', left, right, span: left.span });

const rules: Record<string, RuleIR> = {
  sync: v2(base.sync, {
    flow: { debounce: { quietMs: 30 * SEC, maxMs: 5 * MIN } },
    usesEvents: true,
    body: noteWith(base.sync, template(len(X.name('events')), ' updates, last ', X.path('event.available'))),
  }),
  throttled: v2(base.sync, { name: 'throttled', flow: { throttle: { runs: 1, perMs: MIN } } }),
  velocity: v2(base.velocity, {
    guard: X.cmp(
      agg(
        'count',
        windowOf(
          'payment.failed',
          'p',
          10 * MIN,
          X.cmp(X.path('p.customer_id'), '==', X.path('event.customer_id'), 'string'),
        ),
      ),
      '>=',
      X.num(3),
    ),
    flow: { limit: { runs: 1, perMs: 60 * MIN } },
  }),
  crossing: v2(base.crossing, {
    usesPrevious: true,
    guard: X.and(
      X.cmp(X.path('event.available'), '<', X.num(10)),
      or(isNull(X.name('previous')), X.cmp(X.path('previous.available'), '>=', X.num(10))),
    ),
  }),
  remind: v2(base.remind, {
    events: [...base.remind.events, ...base.placed.events],
    cancelOn: {
      event: 'order.placed',
      as: 'o',
      where: X.cmp(X.path('o.customer_email'), '==', X.path('event.customer_email'), 'string'),
      correlation: { field: 'customer_email', value: X.path('event.customer_email') },
      span: X.name('x').span,
    },
  }),
  single: base.single,
};

const TESTS = `test: a burst of updates is pushed once, with the last stock level
rule: sync
triggers:
  - event: inventory.updated
    data: { sku: A, available: 9 }
  - after: 10s
    event: inventory.updated
    data: { sku: A, available: 8 }
  - after: 10s
    event: inventory.updated
    data: { sku: A, available: 7 }
  - after: 1s
    event: inventory.updated
    data: { sku: B, available: 1 }
expect:
  runs: 2
  outcomes: { debounced: 2, started: 2 }
  status: completed
  calls:
    - action: shop.note
      with: { text: "3 updates, last 7" }
    - action: shop.note
      with: { text: "1 updates, last 1" }
---
test: throttle holds the later triggers and starts them in order
rule: throttled
triggers:
  - event: inventory.updated
    data: { sku: A, available: 1 }
  - event: inventory.updated
    data: { sku: A, available: 2 }
  - event: inventory.updated
    data: { sku: A, available: 3 }
expect:
  runs: 3
  outcomes: { started: 1, throttled: 2 }
  status: [completed, completed, completed]
  calls:
    - action: shop.note
      with: { text: "A 1" }
    - action: shop.note
      with: { text: "A 2" }
    - action: shop.note
      with: { text: "A 3" }
---
test: the third failed payment in ten minutes holds the customer, once an hour
rule: velocity
history:
  - ago: 5m
    event: payment.failed
    data: { customer_id: C1, amount: 10 }
  - ago: 20m
    event: payment.failed
    data: { customer_id: C1, amount: 10 }
  - ago: 1m
    event: payment.failed
    data: { customer_id: C2, amount: 10 }
triggers:
  - event: payment.failed
    data: { customer_id: C1, amount: 5 }
  - after: 1m
    event: payment.failed
    data: { customer_id: C1, amount: 6 }
  - after: 1m
    event: payment.failed
    data: { customer_id: C1, amount: 7 }
expect:
  runs: 1
  outcomes: { skipped: 1, started: 1, limited: 1 }
  calls:
    - action: shop.note
      with: { text: "hold C1" }
---
test: only crossing below the threshold alerts
rule: crossing
history:
  - ago: 1h
    event: inventory.updated
    data: { sku: A, available: 40 }
triggers:
  - event: inventory.updated
    data: { sku: A, available: 9 }
  - after: 1m
    event: inventory.updated
    data: { sku: A, available: 7 }
  - after: 1m
    event: inventory.updated
    data: { sku: A, available: 12 }
  - after: 1m
    event: inventory.updated
    data: { sku: A, available: 5 }
expect:
  runs: 2
  outcomes: { started: 2, skipped: 2 }
  status: [completed, completed]
  calls:
    - action: shop.note
      with: { text: "low 9" }
    - action: shop.note
      with: { text: "low 5" }
---
test: an order cancels the reminder
rule: remind
trigger:
  event: cart.abandoned
  data: { cart_id: K1, customer_email: ann@example.com }
timeline:
  - after: 10m
    event: order.placed
    data: { order_id: O1, customer_email: bob@example.com }
  - after: 10m
    event: order.placed
    data: { order_id: O2, customer_email: ann@example.com }
expect:
  status: cancelled
  calls: []
---
test: without an order the reminder goes out
rule: remind
trigger:
  event: cart.abandoned
  data: { cart_id: K2, customer_email: ann@example.com }
expect:
  status: completed
  calls:
    - action: shop.note
---
test: concurrency single drops a trigger while its key runs
rule: single
triggers:
  - event: inventory.updated
    data: { sku: A, available: 1 }
  - after: 1m
    event: inventory.updated
    data: { sku: A, available: 2 }
  - after: 1m
    event: inventory.updated
    data: { sku: B, available: 3 }
expect:
  runs: 2
  outcomes: { started: 2, dropped: 1 }
  status: completed
---
test: a wrong expectation says what differs
rule: crossing
triggers:
  - event: inventory.updated
    data: { sku: A, available: 9 }
expect:
  runs: 2
  outcomes: { skipped: 1 }
  status: [completed, failed]
`;

describe('opsflow test with several triggers, history and flow control', () => {
  let env: TestWorkflowEnvironment;
  let reports: RuleTestReport[];

  beforeAll(async () => {
    env = await createTimeSkippingEnv();
    const { tests, diagnostics } = parseRuleTests('rules/shop.test.yaml', TESTS);
    expect(diagnostics).toEqual([]);
    const map = new Map(Object.entries(rules));
    const prepared = tests.map((t) => {
      const p = prepareTest(t, map);
      expect(p.diagnostics).toEqual([]);
      return p.prepared!;
    });
    reports = await runPreparedTests(prepared, { env });
  }, 240_000);
  afterAll(async () => {
    await env?.teardown();
  });

  const report = (name: string): RuleTestReport => {
    const r = reports.find((x) => x.test.name.startsWith(name));
    if (!r) throw new Error(`no report for ${name}`);
    return r;
  };

  it.each([
    'a burst of updates',
    'throttle holds',
    'the third failed payment',
    'only crossing below',
    'an order cancels',
    'without an order',
    'concurrency single',
  ])('%s', (name) => {
    expect(report(name).problems).toEqual([]);
  });

  it('reports every difference of a wrong expectation', () => {
    expect(report('a wrong expectation').problems).toEqual([
      'runs: expected 2, got 1 (outcomes {"started":1})',
      'outcomes: expected 1 skipped, got 0 (all: {"started":1})',
      'status: expected 2 run(s) (completed, failed), got 1 (completed)',
    ]);
  });
});
