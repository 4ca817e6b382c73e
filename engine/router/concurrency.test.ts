import { runInputOf } from '../recovery/run-history';
import { INTERPRETER_WORKFLOW_TYPE } from '../../workflows/contract';
import { BATCH_SUBSCRIBERS_SQL, findSubscribers } from './subscriptions';
import { legacyWorkflowId, ruleWorkflowId } from './workflow-ids';
import { startEngineHarness, type EngineHarness } from './testing/engine-harness';

// Each concurrency mode on the real dev server with the real interpreter: a first event starts a
// run that sleeps, a second one for the same key arrives while it sleeps.
function modeRule(mode: string): string {
  return `event ${mode}.req {
  key: string
  n: int
}

rule run_${mode}
  on ${mode}.req
  key event.key
  concurrency ${mode}
do
  call work.do(mode: "${mode}", n: event.n)
  sleep 2s
  call work.done(mode: "${mode}", n: event.n)
end
`;
}

const GUARDED = `rule guarded
  on single.req
  when event.n > 100 and event.key != ""
do
  log "big"
end
`;

const ACTIONS =
  'action work.do(mode: string, n: int) -> { ok: bool }\naction work.done(mode: string, n: int) -> { ok: bool }\n';

describe('concurrency modes', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
    const files: Record<string, string> = { 'actions.rule': ACTIONS, 'guarded.rule': GUARDED };
    for (const mode of ['single', 'replace', 'queue', 'parallel']) files[`${mode}.rule`] = modeRule(mode);
    await h.deploy(files);
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  type Outcome = { outcome: string; workflow_id: string; run_id: string; detail: string | null };
  async function outcome(eventId: string, rule: string): Promise<Outcome> {
    const { rows } = await h.database.db.query<Outcome>(
      'SELECT outcome, workflow_id, run_id, detail FROM event_outcomes WHERE event_id = $1 AND rule_name = $2',
      [eventId, rule],
    );
    return rows[0];
  }
  /** Posts two events for one key, routing each at once; returns both outcomes. */
  async function twoEvents(mode: string): Promise<[Outcome, Outcome]> {
    const router = h.router();
    await h.store.ingest({ id: `${mode}-1`, type: `${mode}.req`, data: { key: 'k', n: 1 } });
    await router.drain();
    await h.store.ingest({ id: `${mode}-2`, type: `${mode}.req`, data: { key: 'k', n: 2 } });
    await router.drain();
    return [await outcome(`${mode}-1`, `run_${mode}`), await outcome(`${mode}-2`, `run_${mode}`)];
  }
  const calls = (mode: string) =>
    h.calls
      .filter((c) => c.args.mode === mode)
      .map((c) => `${c.action === 'work.do' ? 'do' : 'done'} ${c.args.n}`);

  it('single: drops a trigger for a key that has a run going on; a false guard is skipped with why', async () => {
    const [first, second] = await twoEvents('single');
    expect(first.outcome).toBe('started');
    expect(second).toMatchObject({
      outcome: 'dropped',
      workflow_id: first.workflow_id,
      run_id: first.run_id,
    });
    await h.client.workflow.getHandle(first.workflow_id).result();
    expect(calls('single')).toEqual(['do 1', 'done 1']);
    const skipped = await outcome('single-1', 'guarded');
    expect(skipped.outcome).toBe('skipped');
    expect(skipped.detail).toContain('event.n > 100 was false');
  }, 60_000);

  it('replace: cancels the run going on and starts anew', async () => {
    const [first, second] = await twoEvents('replace');
    expect(first.outcome).toBe('started');
    expect(second.outcome).toBe('replaced');
    expect(second.run_id).not.toBe(first.run_id);
    const old = await h.client.workflow.getHandle(first.workflow_id, first.run_id).describe();
    expect(old.status.name).toBe('CANCELLED');
    await h.client.workflow.getHandle(second.workflow_id, second.run_id).result();
    expect(calls('replace')).toEqual(['do 1', 'do 2', 'done 2']);
  }, 60_000);

  it('queue: runs the second trigger after the first, in the same per-key workflow', async () => {
    const [first, second] = await twoEvents('queue');
    expect(first.outcome).toBe('started');
    expect(second).toMatchObject({ outcome: 'queued', workflow_id: first.workflow_id });
    // The queued trigger runs by continue-as-new once the first is done.
    const deadline = Date.now() + 30_000;
    while (calls('queue').length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    expect(calls('queue')).toEqual(['do 1', 'done 1', 'do 2', 'done 2']);
  }, 60_000);

  it('queue: a crash after enqueueing does not run the event again once its run has ended', async () => {
    const router = h.router();
    await h.store.ingest({ id: 'qc-1', type: 'queue.req', data: { key: 'qc', n: 11 } });
    await router.drain();
    const first = await outcome('qc-1', 'run_queue');
    // The second trigger reaches the key's run, then the process dies before recording it.
    await h.store.ingest({ id: 'qc-2', type: 'queue.req', data: { key: 'qc', n: 12 } });
    await h
      .router({
        onStarted: () => {
          throw new Error('simulated crash after the trigger was enqueued');
        },
      })
      .routeBatch();
    expect((await outcome('qc-2', 'run_queue')).outcome).toBe('starting');
    // The queue works through both triggers and the chain ends: Temporal would start a new run.
    const deadline = Date.now() + 30_000;
    while (calls('queue').filter((c) => c.endsWith(' 12')).length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 200));
    await h.client.workflow.getHandle(first.workflow_id).result();

    expect(await router.drain()).toBe(1);
    const second = await outcome('qc-2', 'run_queue');
    expect(second.outcome).toBe('queued');
    expect(second.run_id).toBeTruthy();
    expect(calls('queue').filter((c) => c.endsWith(' 11') || c.endsWith(' 12'))).toEqual([
      'do 11',
      'done 11',
      'do 12',
      'done 12',
    ]);
    const runs = h.client.workflow.list({ query: `WorkflowId = "${first.workflow_id}"` });
    let running = 0;
    for await (const run of runs) if (run.status.name === 'RUNNING') running++;
    expect(running).toBe(0);
  }, 90_000);

  it('parallel: starts a run per event', async () => {
    const [first, second] = await twoEvents('parallel');
    expect([first.outcome, second.outcome]).toEqual(['started', 'started']);
    expect(second.workflow_id).not.toBe(first.workflow_id);
    await Promise.all([first, second].map((o) => h.client.workflow.getHandle(o.workflow_id).result()));
    expect(calls('parallel').sort()).toEqual(['do 1', 'do 2', 'done 1', 'done 2']);
  }, 60_000);

  it('single: a run going on under its id of before the injective ids still holds its key (issue 12)', async () => {
    const router = h.router();
    // A run started by a version that named it the old way: the same input, under the old id.
    await h.store.ingest({ id: 'legacy-seed', type: 'single.req', data: { key: 'seed', n: 10 } });
    await router.drain();
    const seed = await outcome('legacy-seed', 'run_single');
    const input = await runInputOf(h.client, { workflowId: seed.workflow_id, runId: seed.run_id });
    if (!input) throw new Error('no input');
    const legacyId = legacyWorkflowId('run_single', 'a/b');
    expect(legacyId).not.toBe(ruleWorkflowId('run_single', 'a/b'));
    const legacy = await h.client.workflow.start(INTERPRETER_WORKFLOW_TYPE, {
      taskQueue: h.taskQueue,
      workflowId: legacyId,
      args: [{ ...input, key: 'a/b' }],
    });
    await h.store.ingest({ id: 'legacy-next', type: 'single.req', data: { key: 'a/b', n: 11 } });
    await router.drain();
    expect(await outcome('legacy-next', 'run_single')).toMatchObject({
      outcome: 'dropped',
      workflow_id: legacyId,
      run_id: legacy.firstExecutionRunId,
    });
    await legacy.result();
    // Once it has ended, the key's runs take the new id.
    await h.store.ingest({ id: 'legacy-after', type: 'single.req', data: { key: 'a/b', n: 12 } });
    await router.drain();
    const after = await outcome('legacy-after', 'run_single');
    expect(after).toMatchObject({ outcome: 'started', workflow_id: ruleWorkflowId('run_single', 'a/b') });
    await h.client.workflow.getHandle(after.workflow_id).result();
    await h.client.workflow.getHandle(seed.workflow_id).result();
  }, 90_000);

  it('finds subscribers by correlation index, whatever the number of waiting runs', async () => {
    const db = h.database.db;
    await db.query(
      `INSERT INTO subscriptions (workflow_id, event_type, correlation_key, correlation_field, correlation_value, run_id, since)
       SELECT 'wf-' || i, 'ticket.resolved', 'ticket_id="T' || i || '"', 'ticket_id', to_jsonb('T' || i), 'r', now()
         FROM generate_series(1, 10000) AS i`,
    );
    await db.query(
      `INSERT INTO subscriptions (workflow_id, event_type, correlation_key, run_id, since)
       VALUES ('wf-any', 'ticket.resolved', '', 'r', now())`,
    );
    await db.query('ANALYZE subscriptions');
    expect(
      (await findSubscribers(db, { type: 'ticket.resolved', data: { ticket_id: 'T42' } })).sort(),
    ).toEqual(['wf-42', 'wf-any']);
    const { rows } = await db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN ${BATCH_SUBSCRIBERS_SQL.replace('$1', `'[{"type":"ticket.resolved","data":{"ticket_id":"T42","n":1}}]'`)}`,
    );
    expect(rows.map((r) => r['QUERY PLAN']).join('\n')).not.toMatch(/Seq Scan on subscriptions/);

    // The lookup for a whole claimed batch: the same answers per event, by index too.
    const batch = JSON.stringify([
      { type: 'ticket.resolved', data: { ticket_id: 'T7' } },
      { type: 'ticket.opened', data: { ticket_id: 'T7' } },
      { type: 'ticket.resolved', data: { ticket_id: 'T9999', n: 2 } },
    ]);
    const found = await db.query<{ ord: number; workflow_id: string }>(BATCH_SUBSCRIBERS_SQL, [batch]);
    expect(found.rows.map((r) => `${r.ord}:${r.workflow_id}`).sort()).toEqual([
      '1:wf-7',
      '1:wf-any',
      '3:wf-9999',
      '3:wf-any',
    ]);
    const plan = await db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN ${BATCH_SUBSCRIBERS_SQL.replace('$1', `'${batch}'`)}`,
    );
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).not.toMatch(/Seq Scan on subscriptions/);
  }, 60_000);
});
