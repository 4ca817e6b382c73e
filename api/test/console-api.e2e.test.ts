import { Router } from '../../engine/router';
import { eventually } from '../../engine/testing/eventually';
import { ADMIN_TOKEN, expectProblem, startApiHarness, type ApiHarness } from './api-harness';

const RULES = `event order.placed {
  order_id: string
  total: int
}
action audit.record(order_id: string) -> { ok: bool }

rule risk_hold
  on order.placed
  key event.order_id
  when event.total > 100
do
  approve "Release order \${event.order_id}?" by "risk-team" as d within 1h
  call audit.record(order_id: event.order_id)
end

rule ask_anyone
  manual(order_id: string, note: string?)
do
  sleep 1s
  approve "Refund \${input.order_id}?" as d within 1h
end

rule nightly
  every 1d
do
  call audit.record(order_id: "nightly")
end
`;

interface Approval {
  runId: string;
  rule: string;
  key: string | null;
  description: string;
  by: string | null;
  deadline: string | null;
  mayDecide: boolean;
}

// Real PostgreSQL, the Temporal dev server and a worker running the real interpreter.
describe('the API the console uses: whoami, approvals inbox, overview, events, rules', () => {
  let h: ApiHarness;
  let riskKey: string;
  const as = (role: 'viewer' | 'operator' | 'editor' | 'admin') => `Bearer ${h.tokens[role]}`;
  const inbox = async (token: string): Promise<Approval[]> => {
    const res = await h.http().get('/v1/approvals').set('authorization', token);
    if (res.status !== 200) throw new Error(`GET /v1/approvals: ${res.status} ${res.text}`);
    return (res.body as { approvals: Approval[] }).approvals;
  };

  beforeAll(async () => {
    h = await startApiHarness({ worker: true });
    await h.deploy({ 'shop.rule': RULES });
    const key = await h
      .http()
      .post('/v1/keys')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ name: 'risk-lead', role: 'operator', groups: ['risk-team'] });
    expect(key.status).toBe(201);
    expect(key.body).toEqual(expect.objectContaining({ name: 'risk-lead', groups: ['risk-team'] }));
    riskKey = (key.body as { token: string }).token;
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('says who the caller is and what it may do', async () => {
    const operator = await h.http().get('/v1/whoami').set('authorization', `Bearer ${riskKey}`);
    expect(operator.status).toBe(200);
    const body = operator.body as { role: string; name: string; groups: string[]; permissions: string[] };
    expect(body).toEqual(
      expect.objectContaining({ role: 'operator', name: 'key:risk-lead', groups: ['risk-team'] }),
    );
    expect(body.permissions).toEqual(
      expect.arrayContaining([
        'runs.approve',
        'runs.cancel',
        'runs.rerun',
        'runs.retry',
        'rules.pause',
        'rules.run',
      ]),
    );
    expect(body.permissions).not.toContain('rules.deploy');
    expect(body.permissions).not.toContain('keys.manage');
    const viewer = (await h.http().get('/v1/whoami').set('authorization', as('viewer'))).body as {
      permissions: string[];
    };
    expect(viewer.permissions).toContain('runs.read');
    expect(viewer.permissions).not.toContain('runs.approve');
    const ingest = await h.http().get('/v1/whoami').set('authorization', `Bearer ${h.tokens.ingest}`);
    expect(ingest.body).toEqual(expect.objectContaining({ role: 'ingest', permissions: ['events.ingest'] }));
    const admin = (await h.http().get('/v1/whoami').set('authorization', as('admin'))).body as {
      permissions: string[];
      groups: string[];
    };
    expect(admin.permissions).toEqual(expect.arrayContaining(['audit.read', 'keys.manage', 'rules.deploy']));
    expect(admin.groups).toEqual([]);
    expectProblem(await h.http().get('/v1/whoami'), 401);
    const wrong = await h
      .http()
      .post('/v1/keys')
      .set('authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ name: 'x', role: 'viewer', groups: ['ok', 'not ok'] });
    expect(expectProblem(wrong, 422).errors).toEqual([expect.objectContaining({ path: 'groups[1]' })]);
  });

  it('lists pending approvals and enforces approve … by "GROUP"; the decision records the caller', async () => {
    await h
      .http()
      .post('/v1/events')
      .set('authorization', as('operator'))
      .send({ id: 'big-1', type: 'order.placed', data: { order_id: 'O-1', total: 500 } });
    await new Router({ db: h.database.db, client: h.client, taskQueue: h.taskQueue }).drain();
    await eventually(
      async () => (await inbox(as('viewer'))).length === 1,
      30_000,
      'the approval in the inbox',
    );
    const [pending] = await inbox(as('operator'));
    expect(pending).toEqual(
      expect.objectContaining({
        rule: 'risk_hold',
        key: 'O-1',
        description: 'Release order O-1?',
        by: 'risk-team',
        deadline: expect.any(String),
        mayDecide: false,
      }),
    );
    expect((await inbox(`Bearer ${riskKey}`))[0].mayDecide).toBe(true);
    expect((await inbox(as('admin')))[0].mayDecide).toBe(true);
    expect((await inbox(as('viewer')))[0].mayDecide).toBe(false);

    const approve = (token: string, body: object) =>
      h.http().post(`/v1/runs/${pending.runId}/approve`).set('authorization', token).send(body);
    const outsider = expectProblem(await approve(as('operator'), { approved: true }), 403);
    expect(outsider.type).toMatch(/\/not-in-group$/);
    expect(outsider.detail).toContain('risk-team');
    // A `by` in the body does not make the caller someone else.
    const ok = await approve(`Bearer ${riskKey}`, { approved: true, by: 'the-ceo', comment: 'checked' });
    expect(ok.status).toBe(200);
    await eventually(
      async () => {
        const run = await h.http().get(`/v1/runs/${pending.runId}`).set('authorization', as('viewer'));
        return (run.body as { status: string }).status === 'completed';
      },
      30_000,
      'the run to complete',
    );
    const run = await h.http().get(`/v1/runs/${pending.runId}`).set('authorization', as('viewer'));
    const steps = (
      run.body as { timeline: { kind: string; status: string; detail: string; endedAt: string }[] }
    ).timeline;
    expect(steps.find((s) => s.kind === 'approve')).toEqual(
      expect.objectContaining({
        status: 'done',
        detail: 'approved by key:risk-lead: checked',
        endedAt: expect.any(String),
      }),
    );
    expect(await inbox(as('viewer'))).toEqual([]);
    const audit = await h.http().get('/v1/audit?rule=risk_hold').set('authorization', as('admin'));
    expect((audit.body as { entries: unknown[] }).entries).toContainEqual(
      expect.objectContaining({
        action: 'approved',
        actor: 'key:risk-lead',
        detail: expect.objectContaining({ by: 'key:risk-lead', group: 'risk-team', comment: 'checked' }),
      }),
    );
  });

  it('leaves an approval out of the inbox once its run is cancelled; any operator decides one without group', async () => {
    const start = async (id: string) =>
      (
        await h
          .http()
          .post('/v1/rules/ask_anyone/runs')
          .set('authorization', as('operator'))
          .send({ input: { order_id: id } })
      ).body as { runId: string };
    const first = await start('R-1');
    const second = await start('R-2');
    await eventually(async () => (await inbox(as('operator'))).length === 2, 30_000, 'two approvals');
    expect((await inbox(as('operator'))).map((a) => [a.runId, a.by, a.mayDecide])).toEqual([
      [first.runId, null, true],
      [second.runId, null, true],
    ]);
    await h.http().post(`/v1/runs/${first.runId}/cancel`).set('authorization', as('operator'));
    await eventually(
      async () => (await inbox(as('operator'))).length === 1,
      30_000,
      'the cancelled one to go',
    );
    const paged = await h.http().get('/v1/approvals?limit=1').set('authorization', as('viewer'));
    expect((paged.body as { approvals: Approval[] }).approvals.map((a) => a.runId)).toEqual([second.runId]);
    const decided = await h
      .http()
      .post(`/v1/runs/${second.runId}/approve`)
      .set('authorization', as('operator'))
      .send({ approved: false });
    expect(decided.status).toBe(200);
    expect(await inbox(as('operator'))).toEqual([]);
    expectProblem(await h.http().get('/v1/approvals?limit=0').set('authorization', as('viewer')), 422);
  });

  it('shows rules with their state, trigger and last run, and an overview, failing rules first', async () => {
    const rules = (await h.http().get('/v1/rules').set('authorization', as('viewer'))).body as {
      rules: { name: string; state: string; trigger: unknown; lastRunAt: string | null }[];
    };
    const byName = new Map(rules.rules.map((r) => [r.name, r]));
    expect(byName.get('risk_hold')).toEqual(
      expect.objectContaining({
        state: 'enabled',
        trigger: { kind: 'on', event: 'order.placed' },
        lastRunAt: expect.any(String),
      }),
    );
    expect(byName.get('ask_anyone')?.trigger).toEqual({
      kind: 'manual',
      inputs: [
        { name: 'order_id', type: 'string', optional: false },
        { name: 'note', type: 'string?', optional: true },
      ],
    });
    expect(byName.get('nightly')).toEqual(
      expect.objectContaining({
        trigger: { kind: 'every', every: '1d', intervalMs: 86_400_000, cron: null, timezone: null },
        lastRunAt: null,
      }),
    );

    const overview = await h.http().get('/v1/overview?hours=1').set('authorization', as('viewer'));
    expect(overview.status).toBe(200);
    const body = overview.body as {
      since: string;
      rules: { rule: string; counts: Record<string, number>; lastRunAt: string | null }[];
      pendingApprovals: number;
    };
    expect(body.pendingApprovals).toBe(0);
    expect(body.rules.map((r) => r.rule)).toEqual(['ask_anyone', 'nightly', 'risk_hold']);
    expect(body.rules.find((r) => r.rule === 'ask_anyone')?.counts).toEqual({
      running: 0,
      waiting: 0,
      completed: 1,
      stopped: 0,
      failed: 0,
      cancelled: 1,
      timedOut: 0,
    });
    expectProblem(await h.http().get('/v1/overview?hours=0').set('authorization', as('viewer')), 422);
  });

  it('lists events newest first with their outcomes, by type, a page at a time', async () => {
    await h
      .http()
      .post('/v1/events')
      .set('authorization', as('operator'))
      .send({ id: 'small-1', type: 'order.placed', data: { order_id: 'O-2', total: 5 } });
    await new Router({ db: h.database.db, client: h.client, taskQueue: h.taskQueue }).drain();
    const first = await h
      .http()
      .get('/v1/events?type=order.placed&limit=1')
      .set('authorization', as('viewer'));
    expect(first.status).toBe(200);
    const page = first.body as { events: { id: string; outcomes: unknown[] }[]; nextCursor: string };
    expect(page.events).toEqual([
      expect.objectContaining({ id: 'small-1', outcomes: [{ rule: 'risk_hold', outcome: 'skipped' }] }),
    ]);
    const next = await h
      .http()
      .get(`/v1/events?type=order.placed&limit=1&cursor=${encodeURIComponent(page.nextCursor)}`)
      .set('authorization', as('viewer'));
    expect((next.body as { events: { id: string }[] }).events.map((e) => e.id)).toEqual(['big-1']);
    const none = await h.http().get('/v1/events?type=nothing.here').set('authorization', as('viewer'));
    expect(none.body).toEqual({ events: [], nextCursor: null });
    expectProblem(await h.http().get('/v1/events?cursor=garbage').set('authorization', as('viewer')), 404);
  });

  it('filters runs by start time, and links a run to Temporal’s Web UI', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const later = await h.http().get(`/v1/runs?since=${future}`).set('authorization', as('viewer'));
    expect(later.body).toEqual({ runs: [], nextCursor: null });
    const all = await h
      .http()
      .get('/v1/runs?rule=risk_hold&since=2020-01-01T00:00:00Z')
      .set('authorization', as('viewer'));
    const runs = (all.body as { runs: { runId: string; workflowId: string }[] }).runs;
    expect(runs).toHaveLength(1);
    const detail = await h.http().get(`/v1/runs/${runs[0].runId}`).set('authorization', as('viewer'));
    expect((detail.body as { temporalUiUrl: string }).temporalUiUrl).toBe(
      `http://localhost:8233/namespaces/default/workflows/${encodeURIComponent(runs[0].workflowId)}/${runs[0].runId}/history`,
    );
    const bad = await h
      .http()
      .get('/v1/runs?since=yesterday&until=2020-01-01T00:00:00Z')
      .set('authorization', as('viewer'));
    expect(expectProblem(bad, 422).errors).toEqual([expect.objectContaining({ path: 'since' })]);
  });
});
