import { WorkflowFailedError } from '@temporalio/client';
import { ManualRunError } from '../errors';
import { startManualRun } from './manual';
import { eventually } from '../testing/eventually';
import { startEngineHarness, type EngineHarness } from './testing/engine-harness';

// Real PostgreSQL, real Temporal dev server, the real interpreter; only actions are fakes.
const RULES = `event ticket.opened {
  ticket_id: string
}
event ticket.resolved {
  ticket_id: string
}
event order.placed {
  order_id: string
}
event chain.step {
  n: int
}
action helpdesk.escalate(ticket_id: string) -> { ok: bool }
action audit.record(order_id: string) -> { ok: bool }
action stock.reorder(skus: list<string>, quantity: int) -> { ok: bool }

rule escalate_ticket
  on ticket.opened
  key event.ticket_id
  concurrency single
do
  wait for ticket.resolved as r where r.ticket_id == event.ticket_id within 20s
    on timeout
      call helpdesk.escalate(ticket_id: event.ticket_id)
    end
end

rule record_order
  on order.placed
  key event.order_id
  concurrency single
do
  call audit.record(order_id: event.order_id)
end

rule chain
  on chain.step
  concurrency parallel
do
  emit chain.step { n: event.n + 1 }
end

rule manual_reorder
  manual(skus: list<string>, quantity: int)
do
  call stock.reorder(skus: input.skus, quantity: input.quantity)
end
`;

describe('router on Temporal', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
    await h.deploy({ 'ops.rule': RULES });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  const outcomes = async (eventId: string) =>
    (
      await h.database.db.query<{ rule_name: string; outcome: string; workflow_id: string; run_id: string }>(
        'SELECT rule_name, outcome, workflow_id, run_id FROM event_outcomes WHERE event_id = $1',
        [eventId],
      )
    ).rows;
  const callsOf = (action: string, field: string, value: string) =>
    h.calls.filter((c) => c.action === action && c.args[field] === value);

  it('stores the same event posted 20 times at once once, and starts one run', async () => {
    const event = { id: 'dup-order', type: 'order.placed', data: { order_id: 'O-dup' } };
    const results = await Promise.all(Array.from({ length: 20 }, () => h.store.ingest(event)));
    expect(results.filter((r) => !r[0].duplicate)).toHaveLength(1);
    const router = h.router();
    await Promise.all([router.drain(), h.router().drain()]);
    const rows = await outcomes('dup-order');
    expect(rows).toEqual([expect.objectContaining({ rule_name: 'record_order', outcome: 'started' })]);
    await h.client.workflow.getHandle(rows[0].workflow_id).result();
    expect(callsOf('audit.record', 'order_id', 'O-dup')).toHaveLength(1);
  }, 60_000);

  it('routes events stored before a crash once, after restart, and never twice', async () => {
    await h.store.ingest([
      { id: 'crash-1', type: 'order.placed', data: { order_id: 'O-c1' } },
      { id: 'crash-2', type: 'order.placed', data: { order_id: 'O-c2' } },
    ]);
    // No router ran; a new one (as after a restart) finds them pending.
    expect(await h.router().drain()).toBe(2);
    for (const id of ['crash-1', 'crash-2']) {
      const [row] = await outcomes(id);
      expect(row.outcome).toBe('started');
      await h.client.workflow.getHandle(row.workflow_id).result();
    }
    // Marked pending again (a crash before the commit): routing again starts nothing new.
    await h.database.db.query(
      "UPDATE events SET route_status = 'pending' WHERE id IN ('crash-1', 'crash-2')",
    );
    expect(await h.router().drain()).toBe(2);
    expect(callsOf('audit.record', 'order_id', 'O-c1')).toHaveLength(1);
    expect(callsOf('audit.record', 'order_id', 'O-c2')).toHaveLength(1);
  }, 60_000);

  it('does not start a second run after a crash between the start and marking the event routed', async () => {
    await h.store.ingest({ id: 'crash-3', type: 'order.placed', data: { order_id: 'O-c3' } });
    const crashing = h.router({
      onStarted: () => {
        throw new Error('simulated crash after the workflow started');
      },
    });
    await crashing.routeBatch();
    const [before] = await outcomes('crash-3');
    expect(before.outcome).toBe('starting');
    // The run it started finishes meanwhile, so Temporal alone would allow the id again.
    await h.client.workflow.getHandle(before.workflow_id).result();

    expect(await h.router().drain()).toBe(1);
    const [after] = await outcomes('crash-3');
    expect(after.outcome).toBe('started');
    expect(after.run_id).toBeTruthy();
    expect(callsOf('audit.record', 'order_id', 'O-c3')).toHaveLength(1);
    const { rows } = await h.database.db.query<{ route_status: string }>(
      "SELECT route_status FROM events WHERE id = 'crash-3'",
    );
    expect(rows[0].route_status).toBe('routed');
  }, 60_000);

  it('delivers a resolve posted right after its open: 200 tickets, no escalation', async () => {
    const routers = [h.router(), h.router()];
    for (const router of routers) router.start();
    const n = 200;
    const ids = Array.from({ length: n }, (_, i) => `T-${i}`);
    // 20 producers at a time, each posting an open and immediately its resolve.
    for (let i = 0; i < n; i += 20) {
      await Promise.all(
        ids.slice(i, i + 20).map(async (ticket) => {
          await h.store.ingest({ id: `open-${ticket}`, type: 'ticket.opened', data: { ticket_id: ticket } });
          for (const router of routers) router.wake();
          await h.store.ingest({
            id: `resolve-${ticket}`,
            type: 'ticket.resolved',
            data: { ticket_id: ticket },
          });
        }),
      );
    }
    await eventually(
      async () => {
        const { rows } = await h.database.db.query<{ n: string }>(
          "SELECT count(*) AS n FROM event_outcomes WHERE rule_name = 'escalate_ticket' AND outcome = 'started'",
        );
        return Number(rows[0].n) === n;
      },
      60_000,
      'every open to start a run',
    );
    const { rows } = await h.database.db.query<{ workflow_id: string }>(
      "SELECT workflow_id FROM event_outcomes WHERE rule_name = 'escalate_ticket'",
    );
    await Promise.all(rows.map((r) => h.client.workflow.getHandle(r.workflow_id).result()));
    expect(h.calls.filter((c) => c.action === 'helpdesk.escalate')).toEqual([]);
    const left = await h.database.db.query<{ n: string }>('SELECT count(*) AS n FROM subscriptions');
    expect(left.rows[0].n).toBe('0');
    await Promise.all(routers.map((r) => r.stop()));
  }, 120_000);

  it('routes emitted events through the store with their causal depth, up to the bound', async () => {
    const router = h.router();
    router.start();
    await h.store.ingest({ id: 'chain-0', type: 'chain.step', data: { n: 0 } });
    router.wake();
    type Depth = { causal_depth: number; n: number };
    await eventually(
      async () => {
        const { rows } = await h.database.db.query<{ n: string }>(
          "SELECT count(*) AS n FROM event_outcomes o JOIN events e ON e.id = o.event_id WHERE e.type = 'chain.step'",
        );
        return Number(rows[0].n) === 9;
      },
      30_000,
      'the chain to reach its bound',
    );
    const { rows } = await h.database.db.query<Depth>(
      "SELECT causal_depth, (data->>'n')::int AS n FROM events WHERE type = 'chain.step' ORDER BY causal_depth",
    );
    expect(rows.map((r) => [r.causal_depth, r.n])).toEqual(Array.from({ length: 9 }, (_, i) => [i, i]));
    // The run at depth 8 tries to emit at depth 9 and fails for good.
    const last = await h.database.db.query<{ workflow_id: string }>(
      "SELECT o.workflow_id FROM event_outcomes o JOIN events e ON e.id = o.event_id WHERE e.type = 'chain.step' AND e.causal_depth = 8",
    );
    const error = await h.client.workflow
      .getHandle(last.rows[0].workflow_id)
      .result()
      .catch((err: unknown) => err);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    await router.stop();
  }, 60_000);

  it('starts a manual run with checked input, and names the failing fields of wrong input', async () => {
    const deps = { db: h.database.db, client: h.client, taskQueue: h.taskQueue };
    const error = await startManualRun(deps, {
      rule: 'manual_reorder',
      input: { skus: ['A', 7], quantity: 'many' },
    }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ManualRunError);
    expect((error as ManualRunError).problems.map((p) => p.path).sort()).toEqual(['quantity', 'skus[1]']);

    const started = await startManualRun(deps, {
      rule: 'manual_reorder',
      input: { skus: ['A', 'B'], quantity: 3 },
      by: 'ana',
    });
    await h.client.workflow.getHandle(started.workflowId, started.runId).result();
    expect(h.calls.filter((c) => c.action === 'stock.reorder').map((c) => c.args)).toEqual([
      { skus: ['A', 'B'], quantity: 3 },
    ]);

    const eventRun = await startManualRun(deps, {
      rule: 'record_order',
      event: { data: { order_id: 'O-m' } },
    });
    await h.client.workflow.getHandle(eventRun.workflowId).result();
    expect(callsOf('audit.record', 'order_id', 'O-m')).toHaveLength(1);
    await expect(startManualRun(deps, { rule: 'record_order', event: { data: {} } })).rejects.toThrow(
      /event\.data\.order_id/,
    );
  }, 60_000);
});
