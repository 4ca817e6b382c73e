import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { approvalSignal, approveUpdate, enqueueSignal, eventSignal, stateQuery } from './contract';
import type { Harness } from './testing/harness';
import { compileRules, createHarness, eventRun, failureOf, runEvent, stateWhen } from './testing/harness';

// Waiting statements, cancellation, rule timeouts and the queue on Temporal's time-skipping test
// server; only the activities are fakes.

const HOUR = 60 * 60 * 1000;

const rules = compileRules(`
event order.placed { order_id: string, total: number }
event payment.settled { order_id: string, amount: number }
action shop.charge(order_id: string, amount: number) -> { id: string }
action shop.refund(id: string)
action shop.note(text: string)

rule payment_watch on order.placed do
  call shop.note(text: "working")
  sleep 1h
  wait for payment.settled as p where p.order_id == event.order_id within 1d
    on timeout
      call shop.note(text: "no payment for \${event.order_id}")
  end
  if p != null
    call shop.note(text: "paid \${p.amount}")
  end
end

rule bad_where on order.placed do
  wait for payment.settled as p where p.amount / 0 > 1
end

rule approver on order.placed do
  sleep 1h
  approve "Ship order \${event.order_id}?" by "ops-lead" as d within 12h
    on timeout
      call shop.note(text: "nobody decided")
  end
  if d != null
    call shop.note(text: "\${d.approved} by \${d.by}: \${d.comment ?? "-"}")
  end
end

rule cancellable on order.placed do
  let charge = call shop.charge(order_id: event.order_id, amount: event.total)
  wait for payment.settled as p where p.order_id == "never"
compensate
  call shop.refund(id: charge.id)
end

rule slow on order.placed
  timeout 2h
do
  let charge = call shop.charge(order_id: event.order_id, amount: event.total)
  sleep 1d
  call shop.note(text: "too late")
compensate
  call shop.refund(id: charge.id)
end

rule queued on order.placed
  concurrency queue
do
  call shop.note(text: "start \${event.order_id}")
  sleep 1h
  call shop.note(text: "end \${event.order_id}")
end
`);

const order = (id = 'o-1', total = 10) => runEvent('order.placed', { order_id: id, total });
const payment = (order_id: string, amount: number, id?: string) =>
  runEvent('payment.settled', { order_id, amount }, id);

let h: Harness;

beforeAll(async () => {
  h = await createHarness('interpreter-waits');
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.host.reset());

const texts = () => h.host.calls.map((c) => c.args['text']);

describe('wait for', () => {
  it('sees an event that arrived before the wait was reached', async () => {
    const handle = await h.start(eventRun(rules.payment_watch, order()));
    await handle.signal(eventSignal, payment('other', 1, 'pay-0'));
    await handle.signal(eventSignal, payment('o-1', 42, 'pay-1'));
    await handle.signal(eventSignal, payment('o-1', 99, 'pay-1')); // a duplicate id: ignored
    expect(await handle.result()).toEqual({ status: 'completed' });
    expect(texts()).toEqual(['working', 'paid 42']);
    // The event was in the buffer already: no need to subscribe.
    expect(h.host.subscriptions).toHaveLength(0);
    const events = (await handle.query(stateQuery)).timeline.filter((e) => e.kind === 'event');
    expect(events.map((e) => e.detail)).toEqual(['payment.settled pay-1']);
  });

  it('subscribes with the correlation and takes events the host delivers', async () => {
    const handle = await h.start(eventRun(rules.payment_watch, order('o-2')));
    h.host.onSubscribe = async () => {
      await handle.signal(eventSignal, payment('o-2', 7));
    };
    expect(await handle.result()).toEqual({ status: 'completed' });
    expect(texts()).toEqual(['working', 'paid 7']);
    expect(h.host.subscriptions).toEqual([
      expect.objectContaining({
        workflowId: handle.workflowId,
        event: 'payment.settled',
        correlation: { field: 'order_id', value: 'o-2' },
      }),
    ]);
    // Only this wait's subscription goes: a parallel branch may wait for the same type.
    expect(h.host.unsubscriptions).toEqual([
      {
        workflowId: handle.workflowId,
        event: 'payment.settled',
        correlation: { field: 'order_id', value: 'o-2' },
        exact: true,
      },
    ]);
  });

  it('runs on timeout with the name bound to null when nothing arrives', async () => {
    const handle = await h.start(eventRun(rules.payment_watch, order('o-3')));
    const state = await stateWhen(handle, (s) => s.waiting.some((w) => w.kind === 'sleep'));
    expect(state.step).toMatchObject({ kind: 'sleep', source: { file: 'rules/test.rule' } });
    await handle.signal(eventSignal, payment('o-9', 5));
    expect(await handle.result()).toEqual({ status: 'completed' });
    expect(texts()).toEqual(['working', 'no payment for o-3']);
    expect((await handle.query(stateQuery)).bindings['p']).toBeNull();
    expect(h.host.unsubscriptions).toHaveLength(1);
  });

  it('shows what it waits for in the state', async () => {
    const handle = await h.start(eventRun(rules.payment_watch, order('o-4')));
    await h.env.sleep(2 * HOUR);
    const state = await stateWhen(handle, (s) => s.waiting.some((w) => w.kind === 'event'));
    expect(state.waiting).toEqual([
      expect.objectContaining({
        kind: 'event',
        event: 'payment.settled',
        correlation: { field: 'order_id', value: 'o-4' },
        until: expect.stringMatching(/Z$/),
      }),
    ]);
    expect(state.step).toMatchObject({
      kind: 'wait',
      source: { line: rules.payment_watch.body[2].span.line },
    });
    expect(state.bindings).toMatchObject({ event: { order_id: 'o-4', total: 10 } });
    await handle.signal(eventSignal, payment('o-4', 3));
    await handle.result();
    expect(texts()).toEqual(['working', 'paid 3']);
  });

  it('fails with ExpressionError when where cannot be evaluated', async () => {
    const handle = await h.start(eventRun(rules.bad_where, order()));
    await handle.signal(eventSignal, payment('o-1', 5));
    const failure = await failureOf(handle);
    expect(failure.type).toBe('ExpressionError');
    expect(failure.message).toContain('division by zero');
  });

  it('ignores events whose data forges a secret marker', async () => {
    const handle = await h.start(eventRun(rules.payment_watch, order('o-5')));
    await handle.signal(
      eventSignal,
      runEvent('payment.settled', { order_id: 'o-5', amount: { $secret: 'X' } }),
    );
    expect(await handle.result()).toEqual({ status: 'completed' });
    expect(texts()).toEqual(['working', 'no payment for o-5']);
    const errors = (await handle.query(stateQuery)).timeline.filter((e) => e.kind === 'error');
    expect(errors[0].detail).toContain('secret marker');
  });
});

describe('approve', () => {
  const waitingForApproval = (s: { waiting: readonly { kind: string }[] }) =>
    s.waiting.some((w) => w.kind === 'approval');

  it('takes a decision by update, and refuses one while not waiting', async () => {
    const handle = await h.start(eventRun(rules.approver, order()));
    const early = handle.executeUpdate(approveUpdate, { args: [{ approved: true }] });
    await expect(early).rejects.toBeInstanceOf(WorkflowUpdateFailedError);
    await expect(early).rejects.toMatchObject({ cause: { type: 'NotWaitingForApproval' } });
    await h.env.sleep(2 * HOUR);
    const state = await stateWhen(handle, waitingForApproval);
    expect(state.waiting).toEqual([
      { kind: 'approval', description: 'Ship order o-1?', role: 'ops-lead', until: expect.any(String) },
    ]);
    expect(state.step).toMatchObject({ kind: 'approve', source: { line: rules.approver.body[1].span.line } });
    const accepted = await handle.executeUpdate(approveUpdate, {
      args: [{ approved: true, by: 'alice', comment: 'ok' }],
    });
    expect(accepted).toEqual({ accepted: true });
    expect(await handle.result()).toEqual({ status: 'completed' });
    expect(texts()).toEqual(['true by alice: ok']);
    const decision = (await handle.query(stateQuery)).bindings['d'];
    expect(decision).toEqual({ approved: true, by: 'alice', comment: 'ok', at: expect.stringMatching(/Z$/) });
    // The approvals inbox heard of it when it began waiting, and of the decision.
    expect(h.host.inbox).toEqual([
      {
        kind: 'opened',
        workflowId: handle.workflowId,
        runId: handle.firstExecutionRunId,
        seq: 1,
        rule: 'approver',
        description: 'Ship order o-1?',
        group: 'ops-lead',
        deadline: (state.waiting[0] as { until?: string }).until,
        requestedAt: expect.stringMatching(/Z$/),
      },
      { kind: 'closed', runId: handle.firstExecutionRunId, seq: 1, outcome: 'approved', by: 'alice' },
    ]);
  });

  it('takes a decision by signal', async () => {
    const handle = await h.start(eventRun(rules.approver, order()));
    await h.env.sleep(2 * HOUR);
    await stateWhen(handle, waitingForApproval);
    await handle.signal(approvalSignal, { approved: false, by: 'bob' });
    expect(await handle.result()).toEqual({ status: 'completed' });
    expect(texts()).toEqual(['false by bob: -']);
  });

  it('runs on timeout when nobody decides', async () => {
    const handle = await h.start(eventRun(rules.approver, order()));
    expect(await handle.result()).toEqual({ status: 'completed' });
    expect(texts()).toEqual(['nobody decided']);
    expect(h.host.inbox.map((r) => [r.kind, 'outcome' in r ? r.outcome : null])).toEqual([
      ['opened', null],
      ['closed', 'timed_out'],
    ]);
  });

  it('tells the inbox the approval ended when the run is cancelled while it waits', async () => {
    const handle = await h.start(eventRun(rules.approver, order()));
    await h.env.sleep(2 * HOUR);
    await stateWhen(handle, waitingForApproval);
    await handle.cancel();
    await handle.result().catch(() => undefined);
    expect(h.host.inbox.map((r) => [r.kind, 'outcome' in r ? r.outcome : null])).toEqual([
      ['opened', null],
      ['closed', 'cancelled'],
    ]);
  });
});

describe('cancellation and rule timeout', () => {
  it('compensates when the run is cancelled', async () => {
    h.host.reset({ 'shop.charge': { id: 'ch-5' } });
    const handle = await h.start(eventRun(rules.cancellable, order()));
    await stateWhen(handle, (s) => s.waiting.some((w) => w.kind === 'event'));
    await handle.cancel();
    const error = await handle.result().catch((err: unknown) => err);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    expect((error as WorkflowFailedError).cause?.name).toBe('CancelledFailure');
    expect(h.host.calls.map((c) => [c.action, c.args])).toEqual([
      ['shop.charge', { order_id: 'o-1', amount: 10 }],
      ['shop.refund', { id: 'ch-5' }],
    ]);
    expect(h.host.unsubscriptions).toHaveLength(1);
    expect((await handle.query(stateQuery)).status).toBe('cancelled');
  });

  it('fails with RuleTimedOut past the rule timeout and compensates', async () => {
    h.host.reset({ 'shop.charge': { id: 'ch-6' } });
    const handle = await h.start(eventRun(rules.slow, order()));
    const failure = await failureOf(handle);
    expect(failure.type).toBe('RuleTimedOut');
    expect(failure.message).toContain("the rule's timeout of 2h passed during 'sleep'");
    expect(h.host.actions()).toEqual(['shop.charge', 'shop.refund']);
  });
});

describe('concurrency queue', () => {
  it('runs queued triggers one after the other, ignoring repeats', async () => {
    const first = order('A');
    const handle = await h.start(eventRun(rules.queued, first));
    await handle.signal(enqueueSignal, { kind: 'event', event: order('B') });
    await handle.signal(enqueueSignal, { kind: 'event', event: first });
    await handle.signal(enqueueSignal, { kind: 'event', event: order('C') });
    expect(await handle.result()).toEqual({ status: 'completed' });
    expect(texts()).toEqual(['start A', 'end A', 'start B', 'end B', 'start C', 'end C']);
    expect(new Set(h.host.calls.map((c) => c.idempotencyKey)).size).toBe(6);
  });
});
