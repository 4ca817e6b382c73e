import { Router } from '../../engine/router';
import { eventually } from '../../engine/testing/eventually';
import { expectProblem, startApiHarness, type ApiHarness } from './api-harness';

const RULES = (fixed: boolean) => `event parcel.scanned {
  parcel_id: string
  hub: string
}
action audit.record(order_id: string) -> { ok: bool }

rule label
  manual(order_id: string)
do
  call audit.record(order_id: input.order_id)
  ${fixed ? 'log "label printed"' : 'fail "printer offline"'}
end

rule track
  on parcel.scanned
  key event.parcel_id
do
  call audit.record(order_id: event.parcel_id)
end
`;

interface JobBody {
  id: string;
  state: string;
  total: number;
  done: number;
  failed: number;
  skipped: number;
}

// Real PostgreSQL, the Temporal dev server and a worker running the real interpreter.
describe('bulk reruns and pausing rules through the API', () => {
  let h: ApiHarness;
  const as = (role: 'viewer' | 'operator' | 'editor' | 'admin') => `Bearer ${h.tokens[role]}`;
  const bulk = (body: object) =>
    h.http().post('/v1/runs:rerun').set('authorization', as('operator')).send(body);
  const job = async (id: string): Promise<JobBody> =>
    (await h.http().get(`/v1/jobs/${id}`).set('authorization', as('viewer'))).body as JobBody;
  const router = () => new Router({ db: h.database.db, client: h.client, taskQueue: h.taskQueue });
  const outcome = async (id: string) =>
    (
      (await h.http().get(`/v1/events/${id}`).set('authorization', as('viewer'))).body as {
        outcomes: { outcome: string; detail: string | null; runId: string | null }[];
      }
    ).outcomes[0];

  beforeAll(async () => {
    h = await startApiHarness({ worker: true, env: { OPSFLOW_BULK_RERUN_RATE: '20' } });
    await h.deploy({ 'ops.rule': RULES(false) });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('reruns the failed runs of a rule: a dry run says which, the job reruns each once', async () => {
    const failed: string[] = [];
    for (const id of ['L-1', 'L-2', 'L-3']) {
      const res = await h
        .http()
        .post('/v1/rules/label/runs')
        .set('authorization', as('operator'))
        .send({ input: { order_id: id } });
      const run = res.body as { runId: string; workflowId: string };
      await h.client.workflow
        .getHandle(run.workflowId, run.runId)
        .result()
        .catch(() => undefined);
      failed.push(run.runId);
    }
    const filter = { rule: 'label', status: 'failed' };
    await eventually(
      async () => ((await bulk({ filter, dryRun: true })).body as { count: number }).count === 3,
      20_000,
      'the failed runs to be visible',
    );
    const preview = await bulk({ filter, dryRun: true });
    expect(preview.status).toBe(200);
    expect(
      (preview.body as { runs: { runId: string; status: string }[] }).runs.map((r) => r.runId).sort(),
    ).toEqual([...failed].sort());

    await h.deploy({ 'ops.rule': RULES(true) }); // the printer is fixed in version 2
    const started = await bulk({ filter, version: 'latest' });
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ jobId: expect.any(String), total: 3, skipped: 0 });
    const jobId = (started.body as { jobId: string }).jobId;
    await eventually(async () => (await job(jobId)).state !== 'running', 30_000, 'the job');
    expect(await job(jobId)).toEqual(
      expect.objectContaining({
        kind: 'bulk_rerun',
        state: 'done',
        total: 3,
        done: 3,
        failed: 0,
        errors: [],
      }),
    );
    for (const runId of failed) {
      const old = await h.http().get(`/v1/runs/${runId}`).set('authorization', as('viewer'));
      const reruns = (old.body as { reruns: string[] }).reruns;
      expect(reruns).toHaveLength(1);
      await eventually(
        async () => {
          const rerun = await h.http().get(`/v1/runs/${reruns[0]}`).set('authorization', as('viewer'));
          return (rerun.body as { status: string }).status === 'completed';
        },
        30_000,
        'the rerun to complete on version 2',
      );
    }

    // The same request again: those runs were rerun, nothing is rerun twice.
    const again = await bulk({ filter, version: 'latest' });
    expect(again.body).toEqual({ jobId: expect.any(String), total: 0, skipped: 0 });
    expect((await job((again.body as { jobId: string }).jobId)).state).toBe('done');
    expect(((await bulk({ filter, dryRun: true })).body as { count: number }).count).toBe(0);
    const audit = await h.http().get('/v1/audit?rule=label').set('authorization', as('admin'));
    expect((audit.body as { entries: unknown[] }).entries).toContainEqual(
      expect.objectContaining({ action: 'bulk_rerun', actor: 'key:operator-key' }),
    );
  });

  it('refuses a bulk rerun without a filter or with wrong fields (422), and unknown jobs (404)', async () => {
    expect(expectProblem(await bulk({}), 422).errors).toEqual([expect.objectContaining({ path: 'filter' })]);
    const wrong = await bulk({ filter: { status: 'odd', colour: 'red', since: 'soon' }, dryRun: 'yes' });
    expect(expectProblem(wrong, 422).errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'filter.colour' }),
        expect.objectContaining({ path: 'filter.status' }),
        expect.objectContaining({ path: 'filter.since' }),
        expect.objectContaining({ path: 'dryRun' }),
      ]),
    );
    const viewer = await h
      .http()
      .post('/v1/runs:rerun')
      .set('authorization', as('viewer'))
      .send({ filter: {}, dryRun: true });
    expectProblem(viewer, 403);
    expectProblem(await h.http().get('/v1/jobs/nope').set('authorization', as('viewer')), 404);
  });

  it('pauses a rule: triggers are held as paused and routed in order on resume', async () => {
    const pause = await h
      .http()
      .post('/v1/rules/track/pause')
      .set('authorization', as('operator'))
      .send({ message: 'carrier API down' });
    expect(pause.status).toBe(200);
    expect(pause.body).toEqual(expect.objectContaining({ name: 'track', state: 'paused', enabled: true }));
    await h
      .http()
      .post('/v1/events')
      .set('authorization', as('operator'))
      .send([
        { id: 'scan-1', type: 'parcel.scanned', data: { parcel_id: 'P-1', hub: 'A' } },
        { id: 'scan-2', type: 'parcel.scanned', data: { parcel_id: 'P-2', hub: 'A' } },
      ]);
    await router().drain();
    expect(await outcome('scan-1')).toEqual(expect.objectContaining({ outcome: 'paused', runId: null }));
    const listed = await h.http().get('/v1/rules').set('authorization', as('viewer'));
    expect((listed.body as { rules: { name: string; state: string }[] }).rules).toContainEqual(
      expect.objectContaining({ name: 'track', state: 'paused' }),
    );
    expectProblem(await h.http().post('/v1/rules/track/resume').set('authorization', as('viewer')), 403);

    const resume = await h.http().post('/v1/rules/track/resume').set('authorization', as('operator'));
    expect(resume.status).toBe(200);
    expect(resume.body).toEqual(expect.objectContaining({ state: 'enabled', released: 2, dropped: 0 }));
    for (const id of ['scan-1', 'scan-2']) {
      expect(await outcome(id)).toEqual(
        expect.objectContaining({ outcome: 'started', runId: expect.any(String) }),
      );
    }
    const audit = await h.http().get('/v1/audit?rule=track').set('authorization', as('admin'));
    const actions = (audit.body as { entries: { action: string; actor: string }[] }).entries
      .slice(0, 2)
      .map((e) => [e.action, e.actor]);
    expect(actions).toEqual([
      ['resumed', 'key:operator-key'],
      ['paused', 'key:operator-key'],
    ]);
  });

  it('drops held triggers on resume with drop; disable drops at once', async () => {
    await h.http().post('/v1/rules/track/pause').set('authorization', as('operator'));
    await h
      .http()
      .post('/v1/events')
      .set('authorization', as('operator'))
      .send({ id: 'scan-3', type: 'parcel.scanned', data: { parcel_id: 'P-3', hub: 'B' } });
    await router().drain();
    const resume = await h
      .http()
      .post('/v1/rules/track/resume')
      .set('authorization', as('operator'))
      .send({ drop: true });
    expect(resume.body).toEqual(expect.objectContaining({ released: 0, dropped: 1 }));
    expect(await outcome('scan-3')).toEqual(expect.objectContaining({ outcome: 'dropped' }));
    expect(
      expectProblem(
        await h
          .http()
          .post('/v1/rules/track/resume')
          .set('authorization', as('operator'))
          .send({ drop: 'yes' }),
        422,
      ).errors,
    ).toEqual([expect.objectContaining({ path: 'drop' })]);

    // Disabled is not paused: its triggers are not held (no outcome at all) and nothing runs later.
    await h.http().post('/v1/rules/track/disable').set('authorization', as('editor'));
    await h
      .http()
      .post('/v1/events')
      .set('authorization', as('operator'))
      .send({ id: 'scan-4', type: 'parcel.scanned', data: { parcel_id: 'P-4', hub: 'B' } });
    await router().drain();
    expect(await outcome('scan-4')).toBeUndefined();
    await h.http().post('/v1/rules/track/enable').set('authorization', as('editor'));
  });
});
