import { scheduleId } from '../../engine/schedules/schedule-spec';
import { syncSchedules } from '../../engine/schedules/sync';
import { eventually } from '../../engine/testing/eventually';
import { expectProblem, startApiHarness, type ApiHarness } from './api-harness';

const CATALOG = `action audit.record(order_id: string) -> { ok: bool }
`;
const RULES = `rule gated
  manual(order_id: string)
do
  approve "Ship \${input.order_id}?" as d within 1h
  call audit.record(order_id: input.order_id)
end

rule sleepy
  manual(order_id: string)
do
  sleep 1h
  approve "Later \${input.order_id}?" as d within 1h
end

rule quick
  manual(order_id: string)
do
  call audit.record(order_id: input.order_id)
end

rule stopper
  manual(order_id: string)
do
  stop "nothing to do"
end

rule ticker
  every 1h
do
  call audit.record(order_id: "tick")
end
`;

interface RunBody {
  runId: string;
  workflowId: string;
  rule: string;
  version: number | null;
  status: string;
  key: string | null;
  startedAt: string;
  closedAt: string | null;
}

// Real PostgreSQL, a real Temporal dev server and a worker running the real interpreter.
describe('API runs, rule history, schedules and audit', () => {
  let h: ApiHarness;
  const as = (role: 'viewer' | 'operator' | 'editor' | 'admin') => `Bearer ${h.tokens[role]}`;
  const startRun = async (rule: string, orderId: string): Promise<{ runId: string; workflowId: string }> => {
    const res = await h
      .http()
      .post(`/v1/rules/${rule}/runs`)
      .set('authorization', as('operator'))
      .send({ input: { order_id: orderId } });
    if (res.status !== 201) throw new Error(`start ${rule}: ${res.status} ${res.text}`);
    return res.body as { runId: string; workflowId: string };
  };
  const getRun = (runId: string) => h.http().get(`/v1/runs/${runId}`).set('authorization', as('viewer'));
  const deploy = (rules: string, message: string) =>
    h.deploy({ 'catalog.rule': CATALOG, 'ops.rule': rules }, message);

  beforeAll(async () => {
    h = await startApiHarness({ worker: true });
    await deploy(RULES, 'first');
  }, 120_000);
  afterAll(async () => {
    await h?.client.schedule
      .getHandle(scheduleId('ticker'))
      .delete()
      .catch(() => undefined);
    await h?.close();
  }, 60_000);

  it('lists versions, shows one, diffs two, rolls back, disables and enables, all audited', async () => {
    await deploy(RULES.replace('stop "nothing to do"', 'stop "nothing at all"'), 'second');
    const versions = await h.http().get('/v1/rules/stopper/versions').set('authorization', as('viewer'));
    expect(versions.status).toBe(200);
    expect((versions.body as { versions: { version: number; current: boolean }[] }).versions).toEqual([
      expect.objectContaining({ version: 2, current: true, message: 'second', author: 'key:editor-key' }),
      expect.objectContaining({ version: 1, current: false }),
    ]);
    const one = await h.http().get('/v1/rules/stopper/versions/1').set('authorization', as('viewer'));
    expect(one.status).toBe(200);
    expect(one.body).toEqual(
      expect.objectContaining({ rule: 'stopper', version: 1, sourcePath: 'ops.rule' }),
    );
    expect((one.body as { source: string }).source).toContain('nothing to do');
    const diff = await h.http().get('/v1/rules/stopper/diff?from=1&to=2').set('authorization', as('viewer'));
    expect(diff.status).toBe(200);
    const text = (diff.body as { diff: string }).diff;
    expect(text).toContain('-  stop "nothing to do"');
    expect(text).toContain('+  stop "nothing at all"');
    expect(text).toContain('--- ops.rule@v1');

    const back = await h
      .http()
      .post('/v1/rules/stopper/rollback')
      .set('authorization', as('editor'))
      .send({ version: 1 });
    expect(back.status).toBe(200);
    expect(back.body).toEqual(expect.objectContaining({ name: 'stopper', version: 1 }));
    const off = await h.http().post('/v1/rules/stopper/disable').set('authorization', as('editor'));
    expect(off.body).toEqual(expect.objectContaining({ enabled: false }));
    const on = await h.http().post('/v1/rules/stopper/enable').set('authorization', as('editor'));
    expect(on.body).toEqual(expect.objectContaining({ enabled: true }));

    const audit = await h.http().get('/v1/audit?rule=stopper').set('authorization', as('admin'));
    expect(audit.status).toBe(200);
    const entries = (audit.body as { entries: { action: string; actor: string }[] }).entries;
    expect(entries.slice(0, 3).map((e) => [e.action, e.actor])).toEqual([
      ['enabled', 'key:editor-key'],
      ['disabled', 'key:editor-key'],
      ['rolled_back', 'key:editor-key'],
    ]);
  });

  it('answers unknown rules and versions with 404, wrong parameters with 422', async () => {
    for (const path of [
      '/v1/rules/nope/versions',
      '/v1/rules/stopper/versions/99',
      '/v1/rules/stopper/versions/x',
      '/v1/rules/stopper/diff?from=1&to=99',
    ]) {
      expectProblem(await h.http().get(path).set('authorization', as('viewer')), 404);
    }
    expectProblem(
      await h
        .http()
        .post('/v1/rules/stopper/rollback')
        .set('authorization', as('editor'))
        .send({ version: 42 }),
      404,
    );
    expectProblem(await h.http().post('/v1/rules/nope/enable').set('authorization', as('editor')), 404);
    const bad = await h.http().get('/v1/rules/stopper/diff?from=a').set('authorization', as('viewer'));
    expect(expectProblem(bad, 422).errors).toEqual([
      expect.objectContaining({ path: 'from' }),
      expect.objectContaining({ path: 'to' }),
    ]);
    expectProblem(
      await h.http().post('/v1/rules/stopper/rollback').set('authorization', as('editor')).send({}),
      422,
    );
  });

  it('approves a run waiting for approval; it completes; 409 once it no longer waits', async () => {
    const run = await startRun('gated', 'G-1');
    await eventually(
      async () => {
        const res = await getRun(run.runId);
        return (
          res.status === 200 && (res.body as { waiting: { kind: string }[] }).waiting[0]?.kind === 'approval'
        );
      },
      30_000,
      'the run to wait for approval',
    );
    const waiting = await getRun(run.runId);
    expect(waiting.body).toEqual(
      expect.objectContaining({
        runId: run.runId,
        workflowId: run.workflowId,
        rule: 'gated',
        version: 1,
        status: 'running',
        key: null,
        trigger: expect.objectContaining({
          kind: 'manual',
          input: { order_id: 'G-1' },
          by: 'key:operator-key',
        }),
        waiting: [expect.objectContaining({ kind: 'approval', description: 'Ship G-1?' })],
      }),
    );
    const timeline = (waiting.body as { timeline: { kind: string; where: string | null }[] }).timeline;
    expect(timeline).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'approve',
          status: 'running',
          startedAt: expect.any(String),
          endedAt: null,
          where: expect.stringMatching(/^ops\.rule:\d+$/),
          source: { file: 'ops.rule', line: expect.any(Number), column: expect.any(Number) },
        }),
      ]),
    );

    const approve = await h
      .http()
      .post(`/v1/runs/${run.runId}/approve`)
      .set('authorization', as('operator'))
      .send({ approved: true, comment: 'ship it' });
    expect(approve.status).toBe(200);
    await h.client.workflow.getHandle(run.workflowId, run.runId).result();
    const done = await getRun(run.runId);
    expect(done.body).toEqual(
      expect.objectContaining({ status: 'completed', waiting: [], closedAt: expect.any(String) }),
    );
    expect(h.calls.some((c) => c.args.order_id === 'G-1')).toBe(true);

    const again = await h
      .http()
      .post(`/v1/runs/${run.runId}/approve`)
      .set('authorization', as('operator'))
      .send({ approved: true });
    expectProblem(again, 409);
    const audit = await h.http().get('/v1/audit').set('authorization', as('admin'));
    expect((audit.body as { entries: unknown[] }).entries).toContainEqual(
      expect.objectContaining({
        action: 'approved',
        actor: 'key:operator-key',
        rule: 'gated',
        detail: expect.objectContaining({ runId: run.runId, comment: 'ship it' }),
      }),
    );
  });

  it('answers 409 to an approval for a running run that waits for none, 422 to a wrong body', async () => {
    const run = await startRun('gated', 'G-2');
    await eventually(async () => (await getRun(run.runId)).status === 200, 10_000, 'the run to be visible');
    const wrong = await h
      .http()
      .post(`/v1/runs/${run.runId}/approve`)
      .set('authorization', as('operator'))
      .send({});
    expect(expectProblem(wrong, 422).errors).toEqual([expect.objectContaining({ path: 'approved' })]);
    // Cancel it: compensation runs, the run ends cancelled and no longer waits.
    const cancel = await h.http().post(`/v1/runs/${run.runId}/cancel`).set('authorization', as('operator'));
    expect(cancel.status).toBe(202);
    await eventually(async () => (await getRun(run.runId)).body.status === 'cancelled', 20_000, 'the cancel');
    expectProblem(
      await h
        .http()
        .post(`/v1/runs/${run.runId}/approve`)
        .set('authorization', as('operator'))
        .send({ approved: false }),
      409,
    );
    expectProblem(
      await h.http().post(`/v1/runs/${run.runId}/cancel`).set('authorization', as('operator')),
      409,
    );
    const audit = await h.http().get('/v1/audit').set('authorization', as('admin'));
    expect((audit.body as { entries: unknown[] }).entries).toContainEqual(
      expect.objectContaining({ action: 'cancelled', actor: 'key:operator-key', rule: 'gated' }),
    );
  });

  it('answers 409 to an approval while the run sleeps (the update validator refuses it)', async () => {
    const run = await startRun('sleepy', 'Z-1');
    await eventually(
      async () => {
        const res = await getRun(run.runId);
        return (
          res.status === 200 && (res.body as { waiting: { kind: string }[] }).waiting[0]?.kind === 'sleep'
        );
      },
      30_000,
      'the run to sleep',
    );
    const refused = await h
      .http()
      .post(`/v1/runs/${run.runId}/approve`)
      .set('authorization', as('operator'))
      .send({ approved: true });
    expect(expectProblem(refused, 409).detail).toContain('not waiting for an approval');
    const res = await getRun(run.runId);
    expect(res.body).toEqual(
      expect.objectContaining({ status: 'running', waiting: [expect.objectContaining({ kind: 'sleep' })] }),
    );
    await h.http().post(`/v1/runs/${run.runId}/cancel`).set('authorization', as('operator'));
  });

  it('answers unknown run ids with 404', async () => {
    expectProblem(await getRun('not-a-run'), 404);
    expectProblem(await getRun('00000000-0000-4000-8000-000000000000'), 404);
    expectProblem(
      await h
        .http()
        .post('/v1/runs/00000000-0000-4000-8000-000000000000/approve')
        .set('authorization', as('operator'))
        .send({ approved: true }),
      404,
    );
  });

  it('lists runs newest first, a page at a time, filtered by rule and status', async () => {
    const started: string[] = [];
    for (const id of ['Q-1', 'Q-2', 'Q-3', 'Q-4', 'Q-5']) {
      const run = await startRun('quick', id);
      await h.client.workflow.getHandle(run.workflowId, run.runId).result();
      started.push(run.runId);
    }
    const newestFirst = [...started].reverse();
    await eventually(
      async () => {
        const res = await h.http().get('/v1/runs?rule=quick&limit=100').set('authorization', as('viewer'));
        return (res.body as { runs: RunBody[] }).runs.filter((r) => r.status === 'completed').length === 5;
      },
      20_000,
      'the runs to be visible',
    );
    const seen: RunBody[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/v1/runs?rule=quick&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await h.http().get(query).set('authorization', as('viewer'));
      expect(res.status).toBe(200);
      const page = res.body as { runs: RunBody[]; nextCursor: string | null };
      expect(page.runs.length).toBeLessThanOrEqual(2);
      seen.push(...page.runs);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((r) => r.runId)).toEqual(newestFirst);
    expect(seen[0]).toEqual({
      runId: newestFirst[0],
      workflowId: expect.stringMatching(/^opsflow\/quick\/manual\//),
      rule: 'quick',
      version: 1,
      status: 'completed',
      key: null,
      eventId: null,
      startedAt: expect.any(String),
      closedAt: expect.any(String),
    });

    const stopped = await startRun('stopper', 'S-1');
    await h.client.workflow.getHandle(stopped.workflowId, stopped.runId).result();
    await eventually(
      async () => {
        const res = await h.http().get('/v1/runs?status=stopped').set('authorization', as('viewer'));
        return (res.body as { runs: RunBody[] }).runs.some((r) => r.runId === stopped.runId);
      },
      20_000,
      'the stopped run',
    );
    const completed = await h
      .http()
      .get('/v1/runs?status=completed&limit=100')
      .set('authorization', as('viewer'));
    const ids = (completed.body as { runs: RunBody[] }).runs.map((r) => r.runId);
    expect(ids).toEqual(expect.arrayContaining(started));
    expect(ids).not.toContain(stopped.runId);

    const bad = await h
      .http()
      .get('/v1/runs?status=odd&limit=0&trigger=x')
      .set('authorization', as('viewer'));
    const problem = expectProblem(bad, 422);
    expect(problem).toEqual(
      expect.objectContaining({
        type: 'https://opsflow.dev/problems/invalid-query',
        title: 'The query parameters are not valid',
      }),
    );
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'limit' }),
        expect.objectContaining({ path: 'status' }),
        expect.objectContaining({ path: 'trigger' }),
      ]),
    );
    // A cursor names a page: one that is not ours names none.
    expectProblem(await h.http().get('/v1/runs?cursor=garbage').set('authorization', as('viewer')), 404);
    const first = await h.http().get('/v1/runs?rule=quick&cursor=').set('authorization', as('viewer'));
    expect(first.status).toBe(200);
    const byTrigger = await h
      .http()
      .get('/v1/runs?rule=quick&trigger=manual&limit=100')
      .set('authorization', as('viewer'));
    expect((byTrigger.body as { runs: RunBody[] }).runs.map((r) => r.runId)).toEqual(newestFirst);
  });

  it('lists, pauses, unpauses, triggers and backfills schedules; 404 for a rule without one', async () => {
    await syncSchedules({ client: h.client, db: h.database.db, taskQueue: h.taskQueue });
    await eventually(
      async () => {
        const res = await h.http().get('/v1/schedules').set('authorization', as('operator'));
        return (res.body as { schedules: { rule: string }[] }).schedules.some((s) => s.rule === 'ticker');
      },
      20_000,
      'the schedule to be listed',
    );
    const post = (action: string, body: object = {}) =>
      h.http().post(`/v1/schedules/ticker/${action}`).set('authorization', as('operator')).send(body);
    const paused = await post('pause');
    expect(paused.status).toBe(200);
    expect(paused.body).toEqual(
      expect.objectContaining({ rule: 'ticker', paused: true, note: 'paused by key:operator-key' }),
    );
    expect((await post('unpause')).body).toEqual(expect.objectContaining({ paused: false }));
    expect((await post('trigger')).status).toBe(200);
    const to = new Date();
    const from = new Date(to.getTime() - 2 * 3_600_000);
    expect((await post('backfill', { from: from.toISOString(), to: to.toISOString() })).status).toBe(200);
    expect(expectProblem(await post('backfill', { from: 'soon' }), 422).errors).toEqual([
      expect.objectContaining({ path: 'from' }),
      expect.objectContaining({ path: 'to' }),
    ]);
    expectProblem(await h.http().post('/v1/schedules/quick/pause').set('authorization', as('operator')), 404);

    // Each action that succeeded is in the audit, with who, when and which rule; refused ones are not.
    const audit = await h.http().get('/v1/audit?rule=ticker').set('authorization', as('admin'));
    const entries = (
      audit.body as {
        entries: {
          action: string;
          actor: string;
          at: string;
          rule: string;
          detail: Record<string, unknown>;
        }[];
      }
    ).entries
      .filter((e) => e.action.startsWith('schedule_'))
      .reverse();
    expect(entries.map((e) => e.action)).toEqual([
      'schedule_paused',
      'schedule_unpaused',
      'schedule_triggered',
      'schedule_backfilled',
    ]);
    for (const e of entries) {
      expect(e).toEqual(
        expect.objectContaining({ actor: 'key:operator-key', rule: 'ticker', at: expect.any(String) }),
      );
    }
    expect(entries[3].detail).toEqual(
      expect.objectContaining({
        from: from.toISOString(),
        to: to.toISOString(),
        scheduleId: expect.any(String),
      }),
    );
    const quick = await h.http().get('/v1/audit?rule=quick').set('authorization', as('admin'));
    expect((quick.body as { entries: { action: string }[] }).entries.map((e) => e.action)).not.toContain(
      'schedule_paused',
    );
  });
});
