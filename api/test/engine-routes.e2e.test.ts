import { Router } from '../../engine/router';
import { DEFAULT_BODY_LIMIT } from '../create-api-app';
import { expectProblem, startApiHarness, type ApiHarness } from './api-harness';

const RULES = `event order.placed {
  order_id: string
  total: int
}
action audit.record(order_id: string) -> { ok: bool }

rule record_big_order
  on order.placed
  key event.order_id
  when event.total > 100
do
  call audit.record(order_id: event.order_id)
end

rule manual_audit
  manual(order_id: string)
do
  call audit.record(order_id: input.order_id)
end
`;

// Real PostgreSQL and a real Temporal dev server (runs are started; no worker is needed for that).
describe('API events, rules and runs', () => {
  let h: ApiHarness;
  const as = (role: 'ingest' | 'viewer' | 'operator' | 'editor') => `Bearer ${h.tokens[role]}`;

  beforeAll(async () => {
    h = await startApiHarness();
    const res = await h
      .http()
      .post('/v1/deployments')
      .set('authorization', as('editor'))
      .send({ files: [{ path: 'orders.rule', content: RULES }], message: 'first deploy' });
    if (res.status !== 201) throw new Error(`deploy failed: ${res.status} ${res.text}`);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('deploys a rule set: 201 with the new versions, authored by the key', async () => {
    const res = await h
      .http()
      .post('/v1/deployments')
      .set('authorization', as('editor'))
      .send({ files: [{ path: 'orders.rule', content: RULES }] });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      deploymentId: expect.any(String),
      dryRun: false,
      plan: {
        added: [],
        changed: [],
        removed: [],
        restored: [],
        unchanged: ['manual_audit', 'record_big_order'],
      },
      changes: [
        { rule: 'manual_audit', change: 'unchanged', version: 1 },
        { rule: 'record_big_order', change: 'unchanged', version: 1 },
      ],
      diagnostics: [],
    });
    const audit = await h.database.db.query<{ actor: string }>('SELECT DISTINCT actor FROM audit');
    expect(audit.rows.map((r) => r.actor)).toContain('key:editor-key');
  });

  it('refuses a rule set with errors: 422 with diagnostics, nothing stored', async () => {
    const res = await h
      .http()
      .post('/v1/deployments')
      .set('authorization', as('editor'))
      .send({
        files: [{ path: 'broken.rule', content: 'rule x\n  on nothing.here\ndo\n  call nope()\nend\n' }],
      });
    const body = expectProblem(res, 422);
    const diagnostics = body.diagnostics as { file: string; line: number; severity: string; code: string }[];
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0]).toEqual(
      expect.objectContaining({ file: 'broken.rule', line: expect.any(Number), severity: 'error' }),
    );
    const rules = await h.http().get('/v1/rules').set('authorization', as('viewer'));
    expect((rules.body as { rules: { name: string }[] }).rules.map((r) => r.name)).not.toContain('x');
  });

  it('validates files without storing anything', async () => {
    const ok = await h
      .http()
      .post('/v1/rules:validate')
      .set('authorization', as('editor'))
      .send({ files: [{ path: 'orders.rule', content: RULES }] });
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ ok: true, diagnostics: [] });
    const bad = await h
      .http()
      .post('/v1/rules:validate')
      .set('authorization', as('editor'))
      .send({ files: [{ path: 'a.rule', content: 'rule' }] });
    expect(bad.status).toBe(200);
    expect((bad.body as { ok: boolean }).ok).toBe(false);
    expect((bad.body as { diagnostics: { file: string }[] }).diagnostics[0].file).toBe('a.rule');
    const wrong = await h
      .http()
      .post('/v1/rules:validate')
      .set('authorization', as('editor'))
      .send({ files: [{ path: '', content: 3 }], message: 'x' });
    expect(expectProblem(wrong, 422).errors).toEqual([
      { path: 'message', message: expect.stringContaining('unknown field') },
      { path: 'files[0].path', message: expect.any(String) },
      { path: 'files[0].content', message: expect.any(String) },
    ]);
  });

  it('lists rules and shows one with its source; 404 for an unknown rule', async () => {
    const list = await h.http().get('/v1/rules').set('authorization', as('viewer'));
    expect(list.status).toBe(200);
    const rules = (list.body as { rules: { name: string; version: number; trigger: { kind: string } }[] })
      .rules;
    expect(rules.map((r) => r.name)).toEqual(['manual_audit', 'record_big_order']);
    const one = await h.http().get('/v1/rules/record_big_order').set('authorization', as('viewer'));
    expect(one.status).toBe(200);
    expect(one.body).toEqual(
      expect.objectContaining({
        name: 'record_big_order',
        version: 1,
        enabled: true,
        sourcePath: 'orders.rule',
      }),
    );
    expect((one.body as { source: string }).source).toContain('rule record_big_order');
    const missing = expectProblem(
      await h.http().get('/v1/rules/nope').set('authorization', as('viewer')),
      404,
    );
    expect(missing.detail).toContain('nope');
  });

  it('ingests one event and a batch with 202; a repeated id is a duplicate', async () => {
    const event = { id: 'e-1', type: 'order.placed', data: { order_id: 'O-1', total: 500 } };
    const first = await h.http().post('/v1/events').set('authorization', as('ingest')).send(event);
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ id: 'e-1', duplicate: false });
    const again = await h.http().post('/v1/events').set('authorization', as('ingest')).send(event);
    expect(again.body).toEqual({ id: 'e-1', duplicate: true });
    const batch = await h
      .http()
      .post('/v1/events')
      .set('authorization', as('ingest'))
      .set('content-type', 'application/cloudevents-batch+json')
      .send(
        JSON.stringify([
          {
            specversion: '1.0',
            id: 'e-2',
            type: 'order.placed',
            source: 'shop',
            data: { order_id: 'O-2', total: 5 },
          },
          // A CloudEvents batch holds CloudEvents only (the short form goes as application/json).
          { specversion: '1.0', source: 'shop', ...event },
        ]),
      );
    expect(batch.status).toBe(202);
    expect(batch.body).toEqual({
      results: [
        { id: 'e-2', duplicate: false },
        { id: 'e-1', duplicate: true },
      ],
    });
  });

  it('refuses events that do not fit their schema or envelope with 422 naming the fields', async () => {
    const schema = await h
      .http()
      .post('/v1/events')
      .set('authorization', as('ingest'))
      .send([
        { id: 'bad-1', type: 'order.placed', data: { order_id: 'O', total: 'lots' } },
        { id: 'bad-2', type: 'order.placed', data: { order_id: 'O', total: 3 } },
      ]);
    expect(expectProblem(schema, 422).errors).toEqual([
      { index: 0, path: 'data.total', message: expect.any(String) },
    ]);
    const envelope = await h
      .http()
      .post('/v1/events')
      .set('authorization', as('ingest'))
      .send({ type: 'order.placed', data: [] });
    expect(expectProblem(envelope, 422).errors).toEqual([
      { index: 0, path: 'id', message: expect.any(String) },
      { index: 0, path: 'data', message: expect.any(String) },
    ]);
    const stored = await h.database.db.query("SELECT 1 FROM events WHERE id IN ('bad-1', 'bad-2')");
    expect(stored.rowCount).toBe(0);
  });

  it('shows an event with its routing status and per-rule outcome', async () => {
    await h
      .http()
      .post('/v1/events')
      .set('authorization', as('ingest'))
      .send([
        { id: 'big', type: 'order.placed', data: { order_id: 'O-big', total: 900 } },
        { id: 'small', type: 'order.placed', data: { order_id: 'O-small', total: 1 } },
      ]);
    const pending = await h.http().get('/v1/events/big').set('authorization', as('viewer'));
    expect(pending.status).toBe(200);
    expect(pending.body).toEqual(
      expect.objectContaining({
        id: 'big',
        type: 'order.placed',
        routing: expect.objectContaining({ status: 'pending' }),
      }),
    );
    await new Router({ db: h.database.db, client: h.client, taskQueue: h.taskQueue }).drain();
    const big = await h.http().get('/v1/events/big').set('authorization', as('viewer'));
    expect(big.body).toEqual(
      expect.objectContaining({
        data: { order_id: 'O-big', total: 900 },
        routing: expect.objectContaining({ status: 'routed' }),
        outcomes: [
          expect.objectContaining({
            rule: 'record_big_order',
            version: 1,
            outcome: 'started',
            workflowId: expect.any(String),
          }),
        ],
      }),
    );
    const small = await h.http().get('/v1/events/small').set('authorization', as('viewer'));
    expect(small.body).toEqual(
      expect.objectContaining({
        outcomes: [
          expect.objectContaining({
            rule: 'record_big_order',
            outcome: 'skipped',
            detail: expect.any(String),
          }),
        ],
      }),
    );
    expectProblem(await h.http().get('/v1/events/never-sent').set('authorization', as('viewer')), 404);
  });

  it('starts a manual run: 201, 422 on wrong input, 404 for an unknown rule', async () => {
    const res = await h
      .http()
      .post('/v1/rules/manual_audit/runs')
      .set('authorization', as('operator'))
      .send({ input: { order_id: 'O-9' } });
    expect(res.status).toBe(201);
    const run = res.body as { runId: string; workflowId: string; version: number };
    expect(run).toEqual({ runId: expect.any(String), workflowId: expect.any(String), version: 1 });
    const described = await h.client.workflow.getHandle(run.workflowId, run.runId).describe();
    expect(described.runId).toBe(run.runId);

    const event = await h
      .http()
      .post('/v1/rules/record_big_order/runs')
      .set('authorization', as('operator'))
      .send({ event: { data: { order_id: 'O-10', total: 101 } } });
    expect(event.status).toBe(201);

    const wrong = await h
      .http()
      .post('/v1/rules/manual_audit/runs')
      .set('authorization', as('operator'))
      .send({ input: { order_id: 7 } });
    expect(expectProblem(wrong, 422).errors).toEqual([expect.objectContaining({ path: 'order_id' })]);
    const noEvent = await h
      .http()
      .post('/v1/rules/record_big_order/runs')
      .set('authorization', as('operator'));
    // A body for another kind of rule: the rule's trigger refuses it.
    expect(expectProblem(noEvent, 409)).toEqual(
      expect.objectContaining({
        type: 'https://opsflow.dev/problems/run-refused',
        detail: expect.stringContaining('"event"'),
      }),
    );
    const unknownField = await h
      .http()
      .post('/v1/rules/manual_audit/runs')
      .set('authorization', as('operator'))
      .send({ inputs: {} });
    expect(expectProblem(unknownField, 422).errors).toEqual([expect.objectContaining({ path: 'inputs' })]);
    expectProblem(
      await h.http().post('/v1/rules/nope/runs').set('authorization', as('operator')).send({}),
      404,
    );
  });

  it('answers malformed JSON with 400, a wrong content type with 415, an oversized body with 413', async () => {
    const malformed = await h
      .http()
      .post('/v1/events')
      .set('authorization', as('ingest'))
      .set('content-type', 'application/json')
      .send('{"id": "x", ');
    expectProblem(malformed, 400);
    for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
      const res = await h
        .http()
        .post('/v1/deployments')
        .set('authorization', as('editor'))
        .set('content-type', type)
        .send('files=1');
      expectProblem(res, 415);
    }
    const huge = JSON.stringify({
      id: 'huge',
      type: 'order.placed',
      data: { pad: 'x'.repeat(DEFAULT_BODY_LIMIT) },
    });
    const tooLarge = await h
      .http()
      .post('/v1/events')
      .set('authorization', as('ingest'))
      .set('content-type', 'application/json')
      .send(huge);
    expectProblem(tooLarge, 413);
  });
});
