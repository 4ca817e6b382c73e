import { approveUpdate, eventSignal, stateQuery } from './contract';
import type { Harness, RunHandle } from './testing/harness';
import { compileRules, createHarness, eventRun, manualRun, runEvent, stateWhen } from './testing/harness';

// Continue-as-new at safe points, forced with the internal `historyEventLimit` (the test server
// never suggests it on its own), on Temporal's time-skipping test server.

const DAY = 24 * 60 * 60 * 1000;

const rules = compileRules(`
event order.placed { order_id: string, total: number }
event payment.settled { order_id: string, amount: number }
action shop.charge(order_id: string, amount: number) -> { id: string }
action shop.reserve(order_id: string, sku: string)
action shop.note(text: string)

rule long_loop manual(skus: list<string>) do
  let count = 0
  for each sku in input.skus
    if sku != "skip"
      call shop.reserve(order_id: "o", sku: sku)
      set count = count + 1
    end
  end
  call shop.note(text: "reserved \${count}")
end

rule patient on order.placed do
  let charge = call shop.charge(order_id: event.order_id, amount: event.total)
  wait for payment.settled as p where p.order_id == event.order_id within 1d
    on timeout
      call shop.note(text: "unpaid \${charge.id}")
  end
  if p != null
    call shop.note(text: "paid \${p.amount} for \${charge.id}")
  end
end

rule fallback manual(skus: list<string>) do
  wait for payment.settled as p within 1h
    on timeout
      for each sku in input.skus
        call shop.reserve(order_id: "fallback", sku: sku)
      end
  end
  call shop.note(text: "p is \${p}")
end

rule patient_approval on order.placed do
  approve "Ship \${event.order_id}?" as d
  call shop.note(text: "\${d.approved}")
end
`);

let h: Harness;

beforeAll(async () => {
  h = await createHarness('continue-as-new');
});
afterAll(async () => {
  await h?.close();
});
beforeEach(() => h.host.reset({ 'shop.charge': { id: 'ch-1' } }));

const texts = () => h.host.calls.map((c) => c.args['text']).filter((t) => t !== undefined);

/** How the first execution of the run ended. */
async function firstExecutionStatus(handle: RunHandle): Promise<string> {
  const first = h.env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId);
  return (await first.describe()).status.name;
}

/** Waits until the first execution has continued as new. */
async function continuedAsNew(handle: RunHandle): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await firstExecutionStatus(handle)) === 'CONTINUED_AS_NEW') return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('the run did not continue as new');
}

/** Sends `count` events the run does not wait for, one at a time, each growing the history. */
async function sendNoise(handle: RunHandle, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await handle.signal(eventSignal, runEvent('payment.settled', { order_id: 'someone-else', amount: i }));
  }
}

it('continues a long for each as new and carries position, bindings and counters', async () => {
  const skus = Array.from({ length: 25 }, (_, i) => (i === 7 ? 'skip' : `sku-${i}`));
  const handle = await h.start(manualRun(rules.long_loop, { skus }, { historyEventLimit: 40 }));
  expect(await handle.result()).toEqual({ status: 'completed' });
  expect(await firstExecutionStatus(handle)).toBe('CONTINUED_AS_NEW');
  const reserved = h.host.calls.filter((c) => c.action === 'shop.reserve').map((c) => c.args['sku']);
  expect(reserved).toEqual(skus.filter((s) => s !== 'skip'));
  expect(texts()).toEqual(['reserved 24']);
  const keys = h.host.calls.map((c) => c.idempotencyKey);
  expect(new Set(keys).size).toBe(keys.length);
  expect(keys.every((k) => k.startsWith(`${handle.workflowId}/${handle.firstExecutionRunId}/`))).toBe(true);
  // The timeline travelled with the run.
  const timeline = (await handle.query(stateQuery)).timeline;
  expect(timeline[0].kind).toBe('started');
  expect(timeline.filter((e) => e.kind === 'call_result')).toHaveLength(25);
});

it('continues a long wait as new, keeping the buffered events and the deadline', async () => {
  const handle = await h.start(
    eventRun(rules.patient, runEvent('order.placed', { order_id: 'o-7', total: 3 }), {
      historyEventLimit: 20,
    }),
  );
  await stateWhen(handle, (s) => s.waiting.some((w) => w.kind === 'event'));
  await sendNoise(handle, 6);
  await continuedAsNew(handle);
  await handle.signal(eventSignal, runEvent('payment.settled', { order_id: 'o-7', amount: 3 }));
  expect(await handle.result()).toEqual({ status: 'completed' });
  expect(texts()).toEqual(['paid 3 for ch-1']);
  // The new execution subscribed again (with its own run id); only the finished wait unsubscribed.
  expect(h.host.subscriptions.length).toBeGreaterThanOrEqual(2);
  expect(new Set(h.host.subscriptions.map((s) => s.runId)).size).toBe(h.host.subscriptions.length);
  expect(h.host.unsubscriptions).toHaveLength(1);
  expect(h.host.actions().filter((a) => a === 'shop.charge')).toHaveLength(1);
});

it('times out a wait carried through continue-as-new at its original deadline', async () => {
  const handle = await h.start(
    eventRun(rules.patient, runEvent('order.placed', { order_id: 'o-8', total: 3 }), {
      historyEventLimit: 20,
    }),
  );
  await stateWhen(handle, (s) => s.waiting.some((w) => w.kind === 'event'));
  await sendNoise(handle, 6);
  await continuedAsNew(handle);
  expect(await handle.result()).toEqual({ status: 'completed' });
  expect(texts()).toEqual(['unpaid ch-1']);
  // Run time, from the run's own timeline (the test server's clock may skip further once idle).
  const timeline = (await handle.query(stateQuery)).timeline;
  const at = (kind: string) => Date.parse(timeline.find((e) => e.kind === kind)?.at ?? '');
  const waited = at('timeout') - at('wait');
  // `within 1d` counts from the start of the wait, not from the new execution.
  expect(Math.abs(waited - DAY)).toBeLessThan(60_000);
});

it('continues as new inside an on timeout body', async () => {
  const skus = Array.from({ length: 12 }, (_, i) => `sku-${i}`);
  const handle = await h.start(manualRun(rules.fallback, { skus }, { historyEventLimit: 30 }));
  expect(await handle.result()).toEqual({ status: 'completed' });
  expect(await firstExecutionStatus(handle)).toBe('CONTINUED_AS_NEW');
  expect(h.host.calls.filter((c) => c.action === 'shop.reserve').map((c) => c.args['sku'])).toEqual(skus);
  expect(texts()).toEqual(['p is null']);
});

it('continues an approval wait as new and still takes the decision', async () => {
  const handle = await h.start(
    eventRun(rules.patient_approval, runEvent('order.placed', { order_id: 'o-9', total: 1 }), {
      historyEventLimit: 15,
    }),
  );
  await stateWhen(handle, (s) => s.waiting.some((w) => w.kind === 'approval'));
  await sendNoise(handle, 6);
  await continuedAsNew(handle);
  await stateWhen(handle, (s) => s.waiting.some((w) => w.kind === 'approval'));
  await handle.executeUpdate(approveUpdate, { args: [{ approved: true, by: 'carol' }] });
  expect(await handle.result()).toEqual({ status: 'completed' });
  expect(texts()).toEqual(['true']);
  const requested = (await handle.query(stateQuery)).timeline.filter((e) => e.kind === 'approval_requested');
  expect(requested).toHaveLength(1);
});
