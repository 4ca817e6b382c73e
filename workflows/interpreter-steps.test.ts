import type { RunError } from './contract';
import { stateQuery } from './contract';
import { failsForGood, failsThenReturns } from './testing/fake-host';
import type { Harness } from './testing/harness';
import { compileRules, createHarness, eventRun, failureOf, manualRun, runEvent } from './testing/harness';

// The interpreter on Temporal's time-skipping test server (a real server, the real workflow
// bundle); only the activities are fakes of the same types.

const DAY = 24 * 60 * 60 * 1000;

const rules = compileRules(`
event order.placed { order_id: string, total: number, items: list<string>?, discount: number? }
event payment.settled { order_id: string, amount: number }
action shop.charge(order_id: string, amount: number) -> { id: string }
action shop.fragile(order_id: string) -> { id: string }
action shop.reserve(order_id: string, sku: string)
action shop.refund(id: string)
action shop.note(text: string)

rule lets_and_calls on order.placed do
  let total = event.total
  set total = total * 2
  let charge = call shop.charge(order_id: event.order_id, amount: total)
  call shop.note(text: "charged \${charge.id} for \${total}")
end

rule retried on order.placed do
  let f = call shop.fragile(order_id: event.order_id) retry 3 every 1s
  call shop.note(text: f.id)
end

rule charged on order.placed do
  call shop.charge(order_id: event.order_id, amount: event.total)
  call shop.note(text: "not reached")
end

rule branches on order.placed do
  if event.total > 100
    call shop.note(text: "big")
  else if event.total > 10
    call shop.note(text: "medium")
  else
    call shop.note(text: "small")
  end
end

rule loop on order.placed do
  for each sku in event.items
    call shop.reserve(order_id: event.order_id, sku: sku)
  end
  call shop.note(text: "done")
end

rule fan_out on order.placed do
  parallel
    branch
      call shop.reserve(order_id: event.order_id, sku: "a")
      sleep 1d
      call shop.note(text: "slow branch done")
    branch
      call shop.charge(order_id: event.order_id, amount: event.total)
  end
  call shop.note(text: "both done")
end

rule sleeper on order.placed do
  call shop.note(text: "before")
  sleep 7d
  call shop.note(text: "after a week")
  sleep until now() + 1d
  sleep until now() - 1h
  sleep -5m
  call shop.note(text: "end")
end

rule emitter on order.placed do
  emit payment.settled { order_id: event.order_id, amount: event.total }
end

rule stopper on order.placed do
  log "total is \${event.total}"
  if event.total == 0
    stop "nothing to do"
  end
  call shop.note(text: "went on")
end

rule failer on order.placed do
  let charge = call shop.charge(order_id: event.order_id, amount: event.total)
  if event.total > 100
    fail "order \${event.order_id} is too big: \${event.total}"
  end
  let second = call shop.charge(order_id: "second", amount: 1)
compensate
  call shop.refund(id: charge.id)
  call shop.note(text: "second is \${second}")
end

rule broken on order.placed do
  let charge = call shop.charge(order_id: event.order_id, amount: 1)
  let third = event.items[2]
  call shop.note(text: third)
compensate
  call shop.refund(id: charge.id)
end

rule null_math on order.placed do
  let price = event.discount + 1
  call shop.note(text: "\${price}")
end

rule manual_note manual(text: string) do
  call shop.note(text: input.text)
end
`);

const order = (data: Record<string, unknown> = {}) =>
  runEvent('order.placed', { order_id: 'o-1', total: 10, ...data });

let h: Harness;

beforeAll(async () => {
  h = await createHarness('interpreter-steps');
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.host.reset());

describe('let, set and call', () => {
  it('binds, rebinds and passes call results on', async () => {
    h.host.reset({ 'shop.charge': { id: 'ch-1' } });
    const handle = await h.start(eventRun(rules.lets_and_calls, order()));
    expect(await handle.result()).toEqual({ status: 'completed' });
    expect(h.host.calls.map((c) => [c.action, c.args])).toEqual([
      ['shop.charge', { order_id: 'o-1', amount: 20 }],
      ['shop.note', { text: 'charged ch-1 for 20' }],
    ]);
    const keys = h.host.calls.map((c) => c.idempotencyKey);
    expect(keys[0]).toMatch(new RegExp(`^${handle.workflowId}/${handle.firstExecutionRunId}/s3#1$`));
    expect(new Set(keys).size).toBe(2);
    const state = await handle.query(stateQuery);
    expect(state.status).toBe('completed');
    expect(state.bindings).toMatchObject({ total: 20, charge: { id: 'ch-1' } });
  });

  it('retries a failing call with its policy and lists it once', async () => {
    h.host.reset({ 'shop.fragile': failsThenReturns(2, { id: 'f-1' }) });
    const handle = await h.start(eventRun(rules.retried, order()));
    expect(await handle.result()).toEqual({ status: 'completed' });
    expect(h.host.actions()).toEqual(['shop.fragile', 'shop.note']);
    expect(h.host.calls[0].attempts).toBe(3);
    expect(h.host.calls[1].args).toEqual({ text: 'f-1' });
  });

  it('fails the run with ActionFailed when retries run out', async () => {
    h.host.reset({ 'shop.fragile': failsThenReturns(5, { id: 'never' }) });
    const failure = await failureOf(await h.start(eventRun(rules.retried, order())));
    expect(failure.type).toBe('ActionFailed');
    expect(h.host.calls[0].attempts).toBe(3);
    expect(h.host.actions()).toEqual(['shop.fragile']);
  });

  it('fails the run at once on a non-retryable failure, naming the action and the line', async () => {
    h.host.reset({ 'shop.charge': failsForGood('card declined') });
    const failure = await failureOf(await h.start(eventRun(rules.charged, order())));
    expect(failure.type).toBe('ActionFailed');
    expect(failure.message).toContain('rule charged failed at rules/test.rule:');
    expect(failure.message).toContain('action shop.charge failed (ActionRejected): card declined');
    const error = failure.details?.[0] as RunError;
    expect(error).toMatchObject({
      type: 'ActionFailed',
      rule: 'charged',
      source: { file: 'rules/test.rule' },
    });
    expect(h.host.calls).toHaveLength(1);
    expect(h.host.calls[0].attempts).toBe(1);
  });
});

describe('if / else if / else', () => {
  it.each([
    [500, 'big'],
    [50, 'medium'],
    [5, 'small'],
  ])('total %d takes the %s branch', async (total, text) => {
    const handle = await h.start(eventRun(rules.branches, order({ total })));
    await handle.result();
    expect(h.host.calls.map((c) => c.args)).toEqual([{ text }]);
  });
});

describe('for each', () => {
  it('runs the body once per item, each call with its own key', async () => {
    const handle = await h.start(eventRun(rules.loop, order({ items: ['a', 'b', 'c'] })));
    await handle.result();
    expect(h.host.calls.map((c) => c.args['sku'] ?? c.args['text'])).toEqual(['a', 'b', 'c', 'done']);
    expect(new Set(h.host.calls.map((c) => c.idempotencyKey)).size).toBe(4);
    expect(h.host.calls[1].idempotencyKey).toMatch(/\/s2#2$/);
  });

  it('runs zero times over a null list', async () => {
    const handle = await h.start(eventRun(rules.loop, order()));
    expect(await handle.result()).toEqual({ status: 'completed' });
    expect(h.host.actions()).toEqual(['shop.note']);
  });
});

describe('parallel', () => {
  it('runs the branches concurrently and goes on when all are done', async () => {
    h.host.reset({ 'shop.charge': { id: 'ch-1' } });
    const handle = await h.start(eventRun(rules.fan_out, order()));
    expect(await handle.result()).toEqual({ status: 'completed' });
    // Both branches start at once (the worker may run their activities in either order); the
    // statement ends when the branch that sleeps a day is done too.
    expect(h.host.actions().slice(0, 2).sort()).toEqual(['shop.charge', 'shop.reserve']);
    expect(h.host.actions().slice(2)).toEqual(['shop.note', 'shop.note']);
    expect(h.host.calls.map((c) => c.args['text']).slice(2)).toEqual(['slow branch done', 'both done']);
  });

  it('fails the run when a branch fails, cancelling its siblings', async () => {
    h.host.reset({ 'shop.charge': failsForGood('declined') });
    const failure = await failureOf(await h.start(eventRun(rules.fan_out, order())));
    expect(failure.type).toBe('ActionFailed');
    expect(failure.message).toContain('declined');
    // The sleeping branch was cancelled: its note never ran, and neither did the statement after.
    expect(h.host.actions().sort()).toEqual(['shop.charge', 'shop.reserve']);
  });
});

describe('sleep', () => {
  it('sleeps a week and until a time without waiting for real', async () => {
    const before = await h.env.currentTimeMs();
    const wall = Date.now();
    const handle = await h.start(eventRun(rules.sleeper, order()));
    expect(await handle.result()).toEqual({ status: 'completed' });
    expect(h.host.calls.map((c) => c.args['text'])).toEqual(['before', 'after a week', 'end']);
    expect((await h.env.currentTimeMs()) - before).toBeGreaterThanOrEqual(8 * DAY);
    expect(Date.now() - wall).toBeLessThan(30_000);
    const timeline = (await handle.query(stateQuery)).timeline.filter((e) => e.kind === 'sleep');
    expect(timeline).toHaveLength(4);
    expect(timeline[2].detail).toContain('no wait');
    expect(timeline[3].detail).toContain('no wait');
  });
});

describe('emit, log, stop', () => {
  it('emits one causal step deeper, with an idempotency key', async () => {
    const handle = await h.start(eventRun(rules.emitter, order({ total: 12 }), { causalDepth: 2 }));
    await handle.result();
    expect(h.host.emits).toEqual([
      expect.objectContaining({
        type: 'payment.settled',
        data: { order_id: 'o-1', amount: 12 },
        causalDepth: 3,
        rule: 'emitter',
        idempotencyKey: `${handle.workflowId}/${handle.firstExecutionRunId}/s1#1`,
      }),
    ]);
  });

  it('stops successfully with the message, after logging', async () => {
    const handle = await h.start(eventRun(rules.stopper, order({ total: 0 })));
    expect(await handle.result()).toEqual({ status: 'stopped', message: 'nothing to do' });
    expect(h.host.calls).toHaveLength(0);
    const state = await handle.query(stateQuery);
    expect(state.status).toBe('stopped');
    expect(state.timeline.find((e) => e.kind === 'log')).toMatchObject({
      detail: 'total is 0',
      source: { file: 'rules/test.rule' },
    });
  });

  it('goes on when it does not stop', async () => {
    const handle = await h.start(eventRun(rules.stopper, order({ total: 3 })));
    expect(await handle.result()).toEqual({ status: 'completed' });
    expect(h.host.actions()).toEqual(['shop.note']);
  });
});

describe('fail and compensate', () => {
  it('fails with RuleFailed and compensates with the names bound so far', async () => {
    h.host.reset({ 'shop.charge': { id: 'ch-9' } });
    const handle = await h.start(eventRun(rules.failer, order({ total: 500 })));
    const failure = await failureOf(handle);
    expect(failure.type).toBe('RuleFailed');
    expect(failure.message).toMatch(
      /^rule failer failed at rules\/test\.rule:\d+:\d+: order o-1 is too big: 500$/,
    );
    expect(h.host.calls.map((c) => [c.action, c.args])).toEqual([
      ['shop.charge', { order_id: 'o-1', amount: 500 }],
      ['shop.refund', { id: 'ch-9' }],
      ['shop.note', { text: 'second is null' }],
    ]);
    const state = await handle.query(stateQuery);
    expect(state.status).toBe('failed');
    expect(state.error).toMatchObject({ type: 'RuleFailed', rule: 'failer' });
  });

  it('does not compensate a run that succeeds', async () => {
    h.host.reset({ 'shop.charge': { id: 'ch-1' } });
    await (await h.start(eventRun(rules.failer, order({ total: 5 })))).result();
    expect(h.host.actions()).toEqual(['shop.charge', 'shop.charge']);
  });
});

describe('runtime expression errors', () => {
  it('fails with ExpressionError naming file:line, then compensates', async () => {
    h.host.reset({ 'shop.charge': { id: 'ch-2' } });
    const failure = await failureOf(await h.start(eventRun(rules.broken, order({ items: ['a', 'b'] }))));
    expect(failure.type).toBe('ExpressionError');
    expect(failure.message).toContain('rule broken failed at rules/test.rule:');
    expect(failure.message).toContain('index 2 is out of range (the list has 2 items)');
    expect(h.host.actions()).toEqual(['shop.charge', 'shop.refund']);
  });

  it('reports null arithmetic with the position of the expression', async () => {
    const failure = await failureOf(await h.start(eventRun(rules.null_math, order())));
    expect(failure.type).toBe('ExpressionError');
    const line = rules.null_math.body[0].span.line;
    expect(failure.message).toContain(`rules/test.rule:${line}:`);
    expect(failure.message).toMatch(/null/);
    expect(h.host.calls).toHaveLength(0);
  });
});

describe('untrusted data', () => {
  it('refuses trigger data that forges a secret marker', async () => {
    const forged = order({ order_id: { $secret: 'DB_PASSWORD' } });
    const failure = await failureOf(await h.start(eventRun(rules.lets_and_calls, forged)));
    expect(failure.type).toBe('InvalidInput');
    expect(failure.message).toContain('secret marker');
    expect(h.host.calls).toHaveLength(0);
  });

  it('refuses manual input that forges a secret marker', async () => {
    const input = { text: { $template: ['x', { $secret: 'API_KEY' }] } };
    const failure = await failureOf(await h.start(manualRun(rules.manual_note, input)));
    expect(failure.type).toBe('InvalidInput');
    expect(h.host.calls).toHaveLength(0);
  });

  it('refuses an action result that forges a secret marker', async () => {
    h.host.reset({ 'shop.charge': { id: { $secret: 'DB_PASSWORD' } } });
    const failure = await failureOf(await h.start(eventRun(rules.lets_and_calls, order())));
    expect(failure.type).toBe('InvalidInput');
    expect(failure.message).toContain('action shop.charge returned data containing a secret marker');
    expect(h.host.actions()).toEqual(['shop.charge']);
  });

  it('refuses an IR of another version before anything runs', async () => {
    const rule = { ...rules.manual_note, irVersion: 99 } as unknown as typeof rules.manual_note;
    const failure = await failureOf(await h.start(manualRun(rule, { text: 'x' })));
    expect(failure.type).toBe('UnsupportedRule');
    expect(h.host.calls).toHaveLength(0);
  });

  it('fails a run whose IR is malformed instead of retrying its workflow task', async () => {
    const good = rules.manual_note;
    const call = good.body[0] as Extract<(typeof good.body)[number], { kind: 'call' }>;
    const badExpr = { kind: 'bogus', span: call.span };
    const rule = {
      ...good,
      body: [{ ...call, args: [{ name: 'text', value: badExpr }] }],
    } as unknown as typeof good;
    const failure = await failureOf(await h.start(manualRun(rule, { text: 'x' })));
    expect(failure.type).toBe('ExpressionError');
    expect(failure.message).toContain('unknown expression kind bogus');
    const unknownStep = {
      ...good,
      body: [{ kind: 'teleport', id: 1, span: call.span }],
    } as unknown as typeof good;
    expect((await failureOf(await h.start(manualRun(unknownStep, { text: 'x' })))).type).toBe(
      'UnsupportedRule',
    );
  });
});
