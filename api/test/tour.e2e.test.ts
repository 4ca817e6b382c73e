/**
 * The 5-minute tour of `docs/api.md` as one test: deploy a rule, post an event, watch the run,
 * approve it, and see why another event was skipped. Real PostgreSQL, the real Temporal dev
 * server and a worker running the real interpreter; the router (a loop of `opsflow api` in
 * production) is drained in-process where the tour waits for it.
 */
import { Router } from '../../engine/router';
import { eventually } from '../../engine/testing/eventually';
import { startApiHarness, type ApiHarness } from './api-harness';

const TOUR_RULES = `event order.placed {
  order_id: string
  total: int
}
action audit.record(order_id: string) -> { ok: bool }

rule approve_big_order
  on order.placed
  key event.order_id
  when event.total > 100
do
  approve "Ship order \${event.order_id}?" as d within 1h
  call audit.record(order_id: event.order_id)
end
`;

interface RunListBody {
  runs: { runId: string; workflowId: string; rule: string; status: string; key: string | null }[];
  nextCursor: string | null;
}

interface EventBody {
  outcomes: { rule: string; outcome: string; runId: string | null; detail: string | null }[];
}

describe('the 5-minute tour of docs/api.md', () => {
  let h: ApiHarness;
  const bearer = () => `Bearer ${h.tokens.admin}`;
  const drain = () => new Router({ db: h.database.db, client: h.client, taskQueue: h.taskQueue }).drain();

  beforeAll(async () => {
    h = await startApiHarness({ worker: true });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('deploys, ingests, watches, approves and explains a skipped event', async () => {
    // 1. Deploy the rule.
    const deployed = await h
      .http()
      .post('/v1/deployments')
      .set('authorization', bearer())
      .send({ files: [{ path: 'orders.rule', content: TOUR_RULES }], message: 'tour' });
    expect(deployed.status).toBe(201);
    expect(deployed.body).toEqual(
      expect.objectContaining({
        changes: [{ rule: 'approve_big_order', change: 'added', version: 1 }],
        diagnostics: [],
      }),
    );

    // 2. Post an event that passes the guard.
    const posted = await h
      .http()
      .post('/v1/events')
      .set('authorization', bearer())
      .send({ id: 'evt-big', type: 'order.placed', data: { order_id: 'O-1', total: 250 } });
    expect(posted.status).toBe(202);
    expect(posted.body).toEqual({ id: 'evt-big', duplicate: false });
    await drain();

    // 3. Watch the run: listed for the rule, then waiting for the approval.
    let runId = '';
    await eventually(
      async () => {
        const res = await h.http().get('/v1/runs?rule=approve_big_order').set('authorization', bearer());
        const run = (res.body as RunListBody).runs[0];
        runId = run?.runId ?? '';
        return res.status === 200 && run?.status === 'running' && run.key === 'O-1';
      },
      30_000,
      'the run to be listed',
    );
    await eventually(
      async () => {
        const res = await h.http().get(`/v1/runs/${runId}`).set('authorization', bearer());
        return (res.body as { waiting: { kind: string }[] }).waiting[0]?.kind === 'approval';
      },
      30_000,
      'the run to wait for the approval',
    );
    const waiting = await h.http().get(`/v1/runs/${runId}`).set('authorization', bearer());
    expect(waiting.body).toEqual(
      expect.objectContaining({
        runId,
        rule: 'approve_big_order',
        version: 1,
        status: 'running',
        key: 'O-1',
        waiting: [expect.objectContaining({ kind: 'approval', description: 'Ship order O-1?' })],
      }),
    );
    const event = await h.http().get('/v1/events/evt-big').set('authorization', bearer());
    expect((event.body as EventBody).outcomes).toEqual([
      expect.objectContaining({ rule: 'approve_big_order', outcome: 'started', runId }),
    ]);

    // 4. Approve it; the run goes on, calls the action and completes.
    const approved = await h
      .http()
      .post(`/v1/runs/${runId}/approve`)
      .set('authorization', bearer())
      .send({ approved: true, comment: 'looks fine' });
    expect(approved.status).toBe(200);
    await eventually(
      async () => {
        const res = await h.http().get(`/v1/runs/${runId}`).set('authorization', bearer());
        return (res.body as { status: string }).status === 'completed';
      },
      30_000,
      'the run to complete',
    );
    expect(h.calls.map((c) => c.args.order_id)).toContain('O-1');

    // 5. Another event that fails the guard: skipped, with the guard's explanation.
    const small = await h
      .http()
      .post('/v1/events')
      .set('authorization', bearer())
      .send({ id: 'evt-small', type: 'order.placed', data: { order_id: 'O-2', total: 40 } });
    expect(small.status).toBe(202);
    await drain();
    const skipped = await h.http().get('/v1/events/evt-small').set('authorization', bearer());
    expect(skipped.status).toBe(200);
    const outcome = (skipped.body as EventBody).outcomes[0];
    expect(outcome).toEqual(
      expect.objectContaining({ rule: 'approve_big_order', outcome: 'skipped', runId: null }),
    );
    expect(outcome.detail).toContain('event.total');
  }, 120_000);
});
