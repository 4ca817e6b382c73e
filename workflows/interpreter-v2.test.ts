import { WorkflowFailedError } from '@temporalio/client';
import { CancelledFailure } from '@temporalio/common';
import { IR_VERSION_V2, type ExprIR, type RuleIR, type StepIR } from '../dsl/runtime';
import { X, agg, windowOf } from './testing/v2-ir';
import { eventSignal, stateQuery, type RunEvent } from './contract';
import type { Harness } from './testing/harness';
import { compileRules, createHarness, eventRun, failureOf, runEvent, stateWhen } from './testing/harness';

// v2 in the interpreter on Temporal's time-skipping test server (only the activities are fakes):
// windows in `do`, `previous` / `events`, `wait for first`, `cancel on`, the failed-run event.
// Until the v2 parser is on main, the v2 parts of the IR are put in by hand into compiled rules.

const MIN = 60_000;
const HOUR = 60 * MIN;

const base = compileRules(`
event order.placed { order_id: string, customer_email: string, total: number }
event payment.captured { order_id: string, amount: number }
event order.cancelled { order_id: string }
action shop.note(text: string)
action shop.refund(order_id: string)

rule notes on order.placed do
  call shop.note(text: "one")
  call shop.note(text: "two")
  call shop.note(text: "three")
  sleep 1h
  call shop.note(text: "last")
compensate
  call shop.refund(order_id: event.order_id)
end

rule failing on order.placed do
  call shop.note(text: "before")
  fail "no stock for \${event.order_id}"
end
`);

const notes = base.notes;
const [one, two] = notes.body;

/** A v2 rule made from a compiled one. */
function v2(rule: RuleIR, extra: Partial<RuleIR>): RuleIR {
  return { ...rule, irVersion: IR_VERSION_V2, ...extra };
}

/** `call shop.note(text: "${value}")` with another value. */
function noteOf(value: ExprIR, id = 1): StepIR {
  if (one.kind !== 'call') throw new Error('expected a call');
  const text: ExprIR = {
    kind: 'template',
    parts: [{ kind: 'interp', expr: value, format: 'value' }],
    span: one.span,
  };
  return { ...one, id, args: [{ name: 'text', value: text }] };
}

const order = (id = 'o-1', email = 'ann@example.com', eventId?: string): RunEvent =>
  runEvent('order.placed', { order_id: id, customer_email: email, total: 10 }, eventId);

let h: Harness;
beforeAll(async () => {
  h = await createHarness('interpreter-v2');
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.host.reset());

const texts = () => h.host.calls.map((c) => c.args['text']);

describe('windows in do', () => {
  const refunds = windowOf(
    'refund.requested',
    'r',
    HOUR,
    X.cmp(X.path('r.order_id'), '==', X.path('event.order_id'), 'string'),
  );
  const rule = v2(notes, {
    name: 'kpi',
    body: [
      { kind: 'let', id: 1, name: 'n', value: agg('count', refunds), span: one.span },
      {
        kind: 'if',
        id: 2,
        branches: [
          {
            cond: X.cmp(
              agg('sum', windowOf('refund.requested', 'r', HOUR, undefined, 2), X.path('r.amount')),
              '>',
              X.num(50),
            ),
            body: [noteOf(X.str('big'), 3)],
            span: one.span,
          },
        ],
        else: [noteOf(X.str('small'), 4)],
        span: one.span,
      },
      noteOf(X.name('n'), 5),
    ],
    compensate: [],
  });

  it('reads them by activity, ending at the run clock, with the names they use', async () => {
    const now = await h.env.currentTimeMs();
    h.host.log = [
      { type: 'refund.requested', data: { order_id: 'o-1', amount: 40 }, time: now - 10 * MIN },
      { type: 'refund.requested', data: { order_id: 'o-1', amount: 30 }, time: now - 20 * MIN },
      { type: 'refund.requested', data: { order_id: 'o-2', amount: 5 }, time: now - 30 * MIN },
      { type: 'refund.requested', data: { order_id: 'o-1', amount: 99 }, time: now - 2 * HOUR },
    ];
    const handle = await h.start(eventRun(rule, order('o-1')));
    expect(await handle.result()).toEqual({ status: 'completed' });
    expect(texts()).toEqual(['big', '2']);
    expect(h.host.windowReads).toHaveLength(2);
    const [first] = h.host.windowReads;
    expect(Object.keys(first.items[0].scope)).toEqual(['event']);
    expect(Math.abs(first.now - now)).toBeLessThan(5 * MIN);
  });

  it('fails the run at the window when it cannot be read', async () => {
    const bad = v2(rule, {
      body: [
        { kind: 'let', id: 1, name: 'n', value: agg('sum', refunds, X.path('r.order_id')), span: one.span },
      ],
    });
    const now = await h.env.currentTimeMs();
    h.host.log = [{ type: 'refund.requested', data: { order_id: 'o-1', amount: 1 }, time: now - MIN }];
    const failure = await failureOf(await h.start(eventRun(bad, order('o-1'))));
    expect(failure.type).toBe('ExpressionError');
    expect(failure.message).toMatch(/rules\/v2\.rule:1:1: sum\(\.\.\.\) needs numbers/);
  });
});

describe('previous and events', () => {
  it('binds them from the run input', async () => {
    const rule = v2(notes, {
      name: 'edges',
      usesPrevious: true,
      usesEvents: true,
      body: [
        noteOf(
          { kind: 'member', object: X.name('previous'), name: 'order_id', optional: true, span: one.span },
          1,
        ),
        noteOf({ kind: 'call', fn: 'len', impl: 'len', args: [X.name('events')], span: one.span }, 2),
      ],
      compensate: [],
    });
    const trigger = order('o-3');
    const handle = await h.start(
      eventRun(rule, trigger, { previous: order('o-2'), events: [order('o-1'), order('o-2'), trigger] }),
    );
    expect(await handle.result()).toEqual({ status: 'completed' });
    expect(texts()).toEqual(['o-2', '3']);
    const first = await h.start(eventRun(rule, trigger, { previous: null }));
    await first.result();
    expect(texts().slice(2)).toEqual(['null', '1']);
  });
});

describe('wait for first', () => {
  const paid: RunEvent = runEvent('payment.captured', { order_id: 'o-1', amount: 10 }, 'pay-1');
  const cancelled: RunEvent = runEvent('order.cancelled', { order_id: 'o-1' }, 'cancel-1');
  const byOrder = (as: string) => X.cmp(X.path(`${as}.order_id`), '==', X.path('event.order_id'), 'string');
  const rule = v2(notes, {
    name: 'first_of',
    body: [
      {
        kind: 'wait_first',
        id: 1,
        cases: [
          {
            event: 'payment.captured',
            as: 'p',
            where: byOrder('p'),
            correlation: { field: 'order_id', value: X.path('event.order_id') },
            body: [noteOf(X.path('p.amount'), 2)],
            span: one.span,
          },
          {
            event: 'order.cancelled',
            as: 'c',
            where: byOrder('c'),
            correlation: { field: 'order_id', value: X.path('event.order_id') },
            body: [noteOf(X.str('cancelled'), 3)],
            span: two.span,
          },
        ],
        withinMs: HOUR,
        onTimeout: [noteOf(X.str('nothing'), 4)],
        span: one.span,
      },
      noteOf(X.str('after'), 5),
    ],
    compensate: [],
  });

  it('runs the case of the first fitting event, which arrived before the wait', async () => {
    const handle = await h.start(eventRun(rule, order('o-1')));
    await handle.signal(eventSignal, runEvent('order.cancelled', { order_id: 'other' }));
    await handle.signal(eventSignal, cancelled);
    await handle.signal(eventSignal, paid);
    expect(await handle.result()).toEqual({ status: 'completed' });
    expect(texts()).toEqual(['cancelled', 'after']);
  });

  it('subscribes every case and takes what the host delivers, then unsubscribes them', async () => {
    const handle = await h.start(eventRun(rule, order('o-1')));
    h.host.onSubscribe = async (s) => {
      if (s.event === 'payment.captured') await handle.signal(eventSignal, paid);
    };
    expect(await handle.result()).toEqual({ status: 'completed' });
    expect(texts()).toEqual(['10', 'after']);
    expect(h.host.subscriptions.map((s) => [s.event, s.correlation])).toEqual([
      ['payment.captured', { field: 'order_id', value: 'o-1' }],
      ['order.cancelled', { field: 'order_id', value: 'o-1' }],
    ]);
    expect(h.host.unsubscriptions.map((s) => s.event)).toEqual(['payment.captured', 'order.cancelled']);
    const state = await handle.query(stateQuery);
    expect(state.bindings['p']).toBeUndefined();
  });

  it('runs the timeout statements when none arrives within the time', async () => {
    const handle = await h.start(eventRun(rule, order('o-1')));
    expect(await handle.result()).toEqual({ status: 'completed' });
    expect(texts()).toEqual(['nothing', 'after']);
    const timeline = (await handle.query(stateQuery)).timeline;
    expect(timeline.some((e) => e.kind === 'timeout' && e.detail.includes('payment.captured'))).toBe(true);
  });
});

describe('cancel on', () => {
  const rule = v2(notes, {
    name: 'cart_reminder',
    cancelOn: {
      event: 'order.placed',
      as: 'o',
      where: X.cmp(X.path('o.customer_email'), '==', X.path('event.customer_email'), 'string'),
      correlation: { field: 'customer_email', value: X.path('event.customer_email') },
      span: one.span,
    },
  });

  it('subscribes when the run starts, and a fitting event cancels it: compensate runs, nothing after', async () => {
    const handle = await h.start(eventRun(rule, order('cart-1', 'ann@example.com', 'trigger-1')));
    await h.env.sleep(30 * MIN);
    await handle.signal(eventSignal, order('o-other', 'bob@example.com'));
    await handle.signal(eventSignal, order('o-9', 'ann@example.com', 'buy-1'));
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect((err as WorkflowFailedError).cause).toBeInstanceOf(CancelledFailure);
    expect(texts()).toEqual(['one', 'two', 'three']);
    expect(h.host.actions()).toEqual(['shop.note', 'shop.note', 'shop.note', 'shop.refund']);
    expect(h.host.subscriptions[0]).toMatchObject({
      event: 'order.placed',
      correlation: { field: 'customer_email', value: 'ann@example.com' },
    });
    const state = await handle.query(stateQuery);
    expect(state.status).toBe('cancelled');
    expect(state.timeline.filter((e) => e.kind === 'cancelled').map((e) => e.detail)).toEqual([
      'cancelled by order.placed buy-1',
      'the run was cancelled',
    ]);
    expect((await handle.describe()).status.name).toBe('CANCELLED');
  });

  it('never starts an action once the cancel was recorded, even racing the step before it', async () => {
    const handle = await h.start(eventRun(rule, order('cart-2', 'cy@example.com')));
    // The cancel arrives while the second call is running: its completion and the cancel race.
    h.host.mocks = {
      'shop.note': async (input: { args: Record<string, unknown> }) => {
        if (input.args['text'] === 'two') await handle.signal(eventSignal, order('o-7', 'cy@example.com'));
        return {};
      },
    };
    await handle.result().catch(() => undefined);
    expect(texts()).toEqual(['one', 'two']);
    expect(h.host.actions()).toEqual(['shop.note', 'shop.note', 'shop.refund']);
    const timeline = (await handle.query(stateQuery)).timeline;
    const cancelAt = timeline.findIndex((e) => e.kind === 'cancelled');
    expect(timeline.slice(cancelAt).filter((e) => e.kind === 'call' && e.detail === 'shop.note')).toEqual([]);
  });

  it('lets a run whose events do not fit complete', async () => {
    const handle = await h.start(eventRun(rule, order('cart-3', 'dee@example.com')));
    await handle.signal(eventSignal, order('o-8', 'eve@example.com'));
    expect(await handle.result()).toEqual({ status: 'completed' });
    expect(texts()).toEqual(['one', 'two', 'three', 'last']);
    expect(h.host.unsubscriptions).toEqual([{ workflowId: handle.workflowId, event: 'order.placed' }]);
  });
});

describe('failed runs', () => {
  it('store an opsflow.run_failed event with the rule, run, key, error and step', async () => {
    const handle = await h.start(
      eventRun(base.failing, order('o-5'), { version: 3, key: 'o-5', causalDepth: 1 }),
    );
    const failure = await failureOf(handle);
    expect(failure.type).toBe('RuleFailed');
    const { runId } = await handle.describe();
    expect(h.host.emits).toEqual([
      expect.objectContaining({
        type: 'opsflow.run_failed',
        causalDepth: 2,
        data: {
          rule: 'failing',
          version: 3,
          run_id: runId,
          key: 'o-5',
          error: 'no stock for o-5',
          step: `rules/test.rule:${base.failing.body[1].span.line}`,
        },
      }),
    ]);
  });

  it('do not when the run was about a failed run, nor when a run is cancelled or stopped', async () => {
    const alert = runEvent('opsflow.run_failed', { rule: 'x', version: 1, run_id: 'r', error: 'e' });
    await failureOf(await h.start(eventRun(base.failing, alert)));
    expect(h.host.emits).toEqual([]);
    const handle = await h.start(eventRun(notes, order('o-6')));
    await stateWhen(handle, (s) => s.waiting.some((w) => w.kind === 'sleep'));
    await handle.cancel();
    await handle.result().catch(() => undefined);
    expect(h.host.emits).toEqual([]);
  });
});
