import { createActivities } from '../../activities/index';
import { json, startHttpServer, type TestHttpServer } from '../../activities/testing/servers';
import { envSecrets } from '../../activities/secrets';
import { eventually } from '../../engine/testing/eventually';
import { Router } from '../../engine/router';
import { expectProblem, startApiHarness, type ApiHarness } from './api-harness';

const CATALOG = `event order.placed {
  order_id: string
}
action audit.record(order_id: string) -> { ok: bool }
`;

// `ship` reserves stock, then ships: a real HTTP target that counts the calls it gets.
const RULES = (version: string) => `rule ship
  manual(target: string, order_id: string)
do
  call http.request(method: "POST", url: "\${input.target}/reserve", body: { order: input.order_id })
  call http.request(method: "POST", url: "\${input.target}/ship", body: { order: input.order_id }) retry 2 every 1s
end

rule refuse
  manual(order_id: string)
do
  call audit.record(order_id: input.order_id)
  fail "refused \${input.order_id}"
end

rule record
  manual(order_id: string)
do
  log "${version}"
  call audit.record(order_id: input.order_id)
end

rule on_order
  on order.placed
  key event.order_id
do
  call audit.record(order_id: event.order_id)
end
`;

interface RunView {
  runId: string;
  workflowId: string;
  status: string;
  version: number | null;
  trigger: { kind: string; input?: Record<string, unknown>; event?: { id: string } };
  timeline: { kind: string; status: string; startedAt: string; endedAt: string | null; detail: string }[];
  rerunOf: string | null;
  reruns: string[];
  retryOf: string | null;
  retriedAs: string | null;
  error: { type: string; file: string | null; line: number | null } | null;
}

// Real PostgreSQL, the Temporal dev server, a worker with the real interpreter, and the real
// http.request action against a local HTTP server.
describe('recovery: retry from the failed step, rerun', () => {
  let h: ApiHarness;
  let target: TestHttpServer;
  let shipWorks = false;
  const as = (role: 'viewer' | 'operator' | 'admin') => `Bearer ${h.tokens[role]}`;
  const getRun = async (runId: string): Promise<RunView> => {
    const res = await h.http().get(`/v1/runs/${runId}`).set('authorization', as('viewer'));
    if (res.status !== 200) throw new Error(`GET run ${runId}: ${res.status} ${res.text}`);
    return res.body as RunView;
  };
  const settled = async (runId: string): Promise<RunView> => {
    let run: RunView | undefined;
    await eventually(
      async () => {
        run = await getRun(runId).catch(() => undefined);
        return run !== undefined && run.status !== 'running';
      },
      60_000,
      `run ${runId} to end`,
    );
    return run as RunView;
  };
  const start = async (rule: string, input: Record<string, unknown>) => {
    const res = await h
      .http()
      .post(`/v1/rules/${rule}/runs`)
      .set('authorization', as('operator'))
      .send({ input });
    if (res.status !== 201) throw new Error(`start ${rule}: ${res.status} ${res.text}`);
    return res.body as { runId: string; workflowId: string };
  };
  const calls = (path: string) => target.requests.filter((r) => r.url === path);

  beforeAll(async () => {
    target = await startHttpServer((req, res) => {
      if (req.url === '/ship' && !shipWorks) json(res, 503, { error: 'carrier down' });
      else json(res, 200, { ok: true });
    });
    const real = createActivities({
      httpAllow: [`127.0.0.1:${target.port}`],
      secrets: envSecrets({}),
      config: {},
      connectors: [],
    });
    h = await startApiHarness({
      worker: true,
      runAction: (input) =>
        input.action === 'http.request' ? real.runAction(input) : Promise.resolve({ result: { ok: true } }),
    });
    await h.deploy({ 'catalog.rule': CATALOG, 'ops.rule': RULES('v1') });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    await target?.close();
  }, 60_000);

  it('retries a failed run from the failed call: the earlier call is not made again', async () => {
    const run = await start('ship', { target: target.origin, order_id: 'O-1' });
    const failed = await settled(run.runId);
    expect(failed.status).toBe('failed');
    expect(failed.error).toEqual(
      expect.objectContaining({ type: 'ActionFailed', file: 'ops.rule', line: 5 }),
    );
    expect(calls('/reserve')).toHaveLength(1);
    expect(calls('/ship')).toHaveLength(2);

    shipWorks = true; // the carrier is back
    const retry = await h.http().post(`/v1/runs/${run.runId}/retry`).set('authorization', as('operator'));
    expect(retry.status).toBe(202);
    const retried = retry.body as { runId: string; workflowId: string; retryOf: string };
    expect(retried).toEqual({ runId: expect.any(String), workflowId: run.workflowId, retryOf: run.runId });
    expect(retried.runId).not.toBe(run.runId);

    const done = await settled(retried.runId);
    expect(done.status).toBe('completed');
    expect(done.retryOf).toBe(run.runId);
    // Reserved once in all; the ship call made again (same idempotency key) and now answered.
    expect(calls('/reserve')).toHaveLength(1);
    expect(calls('/ship')).toHaveLength(3);
    const keys = new Set(calls('/ship').map((r) => r.headers['idempotency-key']));
    expect(keys.size).toBe(1);
    // The new run's timeline holds what the old one did, then the call that now succeeded.
    expect(done.timeline.filter((s) => s.kind === 'call').map((s) => s.status)).toEqual(['done', 'done']);

    const old = await getRun(run.runId);
    expect(old).toEqual(expect.objectContaining({ status: 'failed', retriedAs: retried.runId }));
    // Asking again answers the same retry; nothing is called again.
    const again = await h.http().post(`/v1/runs/${run.runId}/retry`).set('authorization', as('operator'));
    expect(again.status).toBe(202);
    expect((again.body as { runId: string }).runId).toBe(retried.runId);
    expect(calls('/reserve')).toHaveLength(1);

    const audit = await h.http().get('/v1/audit?rule=ship').set('authorization', as('admin'));
    expect((audit.body as { entries: unknown[] }).entries).toContainEqual(
      expect.objectContaining({
        action: 'retried',
        actor: 'key:operator-key',
        detail: expect.objectContaining({ runId: retried.runId, retryOf: run.runId }),
      }),
    );
  });

  it('answers 409 for a run that did not fail, or failed outside an action; 404 for an unknown run', async () => {
    const ok = await start('record', { order_id: 'R-1' });
    expect((await settled(ok.runId)).status).toBe('completed');
    const notFailed = await h.http().post(`/v1/runs/${ok.runId}/retry`).set('authorization', as('operator'));
    expect(expectProblem(notFailed, 409).type).toMatch(/\/not-failed$/);

    const refused = await start('refuse', { order_id: 'F-1' });
    expect((await settled(refused.runId)).status).toBe('failed');
    const inRule = await h
      .http()
      .post(`/v1/runs/${refused.runId}/retry`)
      .set('authorization', as('operator'));
    expect(expectProblem(inRule, 409).type).toMatch(/\/not-retryable$/);

    const viewer = await h.http().post(`/v1/runs/${refused.runId}/retry`).set('authorization', as('viewer'));
    expectProblem(viewer, 403);
    expectProblem(
      await h
        .http()
        .post('/v1/runs/00000000-0000-4000-8000-000000000000/retry')
        .set('authorization', as('operator')),
      404,
    );
  });

  it('reruns a run on the latest or the pinned version, linked both ways', async () => {
    const first = await start('record', { order_id: 'V-1' });
    await settled(first.runId);
    await h.deploy({ 'catalog.rule': CATALOG, 'ops.rule': RULES('v2') });

    const latest = await h.http().post(`/v1/runs/${first.runId}/rerun`).set('authorization', as('operator'));
    expect(latest.status).toBe(201);
    expect(latest.body).toEqual({
      runId: expect.any(String),
      workflowId: expect.stringMatching(/^opsflow\/record\/rerun\//),
      version: 2,
      rerunOf: first.runId,
    });
    const pinned = await h
      .http()
      .post(`/v1/runs/${first.runId}/rerun`)
      .set('authorization', as('operator'))
      .send({ version: 'pinned' });
    expect(pinned.status).toBe(201);
    expect((pinned.body as { version: number }).version).toBe(1);

    const latestRun = await settled((latest.body as { runId: string }).runId);
    const pinnedRun = await settled((pinned.body as { runId: string }).runId);
    for (const [run, log] of [
      [latestRun, 'v2'],
      [pinnedRun, 'v1'],
    ] as const) {
      expect(run).toEqual(
        expect.objectContaining({
          status: 'completed',
          rerunOf: first.runId,
          trigger: expect.objectContaining({ kind: 'manual', input: { order_id: 'V-1' } }),
        }),
      );
      expect(run.timeline.find((s) => s.kind === 'log')?.detail).toBe(log);
    }
    expect((await getRun(first.runId)).reruns).toEqual([latestRun.runId, pinnedRun.runId]);

    const wrong = await h
      .http()
      .post(`/v1/runs/${first.runId}/rerun`)
      .set('authorization', as('operator'))
      .send({ version: 'newest' });
    expect(expectProblem(wrong, 422).errors).toEqual([expect.objectContaining({ path: 'version' })]);
  });

  it('reruns an event run with the same event; refuses a disabled rule', async () => {
    const event = { id: 'evt-rerun-1', type: 'order.placed', data: { order_id: 'E-1' } };
    expect((await h.http().post('/v1/events').set('authorization', as('operator')).send(event)).status).toBe(
      202,
    );
    await new Router({ db: h.database.db, client: h.client, taskQueue: h.taskQueue }).drain();
    const outcome = await h.http().get('/v1/events/evt-rerun-1').set('authorization', as('viewer'));
    const runId = (outcome.body as { outcomes: { runId: string }[] }).outcomes[0].runId;
    await settled(runId);

    const rerun = await h.http().post(`/v1/runs/${runId}/rerun`).set('authorization', as('operator'));
    expect(rerun.status).toBe(201);
    const again = await settled((rerun.body as { runId: string }).runId);
    expect(again.trigger).toEqual(
      expect.objectContaining({ kind: 'event', event: expect.objectContaining({ id: 'evt-rerun-1' }) }),
    );
    expect(again).toEqual(expect.objectContaining({ key: 'E-1', rerunOf: runId }));

    await h.http().post('/v1/rules/on_order/disable').set('authorization', `Bearer ${h.tokens.editor}`);
    const refused = await h.http().post(`/v1/runs/${runId}/rerun`).set('authorization', as('operator'));
    expect(expectProblem(refused, 409).detail).toContain('disabled');
    await h.http().post('/v1/rules/on_order/enable').set('authorization', `Bearer ${h.tokens.editor}`);
  });
});
