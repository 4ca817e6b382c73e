import type { Database } from '../db/sql';
import { startManualRun } from '../router/manual';
import { startEngineHarness, type EngineHarness } from '../router/testing/engine-harness';
import { eventually } from '../testing/eventually';
import { INTERPRETER_WORKFLOW_TYPE } from '../../workflows/contract';
import { createBulkRerunJob, findJob } from './bulk-jobs';
import { JobRunner } from './job-runner';

const RULES = `action shop.note(text: string)

rule tally
  manual(n: int)
do
  call shop.note(text: "n=\${input.n}")
end
`;

/** The database, except that writing an item's outcome fails: a process dying right after the start. */
function dyingAfterStart(db: Database): Database {
  return {
    ...db,
    query: (text, params) =>
      text.includes('UPDATE job_items')
        ? Promise.reject(new Error('the process died'))
        : db.query(text, params),
  };
}

// Real PostgreSQL, the Temporal dev server and the real interpreter (fake actions).
describe('bulk rerun jobs', () => {
  let h: EngineHarness;
  const runner = (db: Database, ratePerSecond = 50) =>
    new JobRunner({
      db,
      client: h.client,
      taskQueue: h.taskQueue,
      rules: h.rules,
      registry: h.registry,
      ratePerSecond,
      pollMs: 20,
    });
  const reruns = async (): Promise<string[]> => {
    const ids: string[] = [];
    const query = `WorkflowType = '${INTERPRETER_WORKFLOW_TYPE}' AND WorkflowId STARTS_WITH 'opsflow/tally/rerun/of/'`;
    for await (const info of h.client.workflow.list({ query })) ids.push(info.workflowId);
    return ids.sort();
  };

  beforeAll(async () => {
    h = await startEngineHarness();
    await h.deploy({ 'tally.rule': RULES });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('reruns each run once across a crash after a start and a restart, at a bounded rate', async () => {
    const deps = { db: h.database.db, client: h.client, taskQueue: h.taskQueue, rules: h.rules };
    const sources = [];
    for (const n of [1, 2, 3, 4]) {
      const started = await startManualRun(deps, { rule: 'tally', input: { n } });
      await h.client.workflow.getHandle(started.workflowId, started.runId).result();
      sources.push(started);
    }
    const created = Date.now();
    const job = await createBulkRerunJob(h.database.db, {
      params: { filter: { rule: 'tally' }, version: 'latest' },
      runs: sources,
      by: 'key:ops',
    });
    expect(job).toEqual(expect.objectContaining({ state: 'running', total: 4, done: 0, skipped: 0 }));

    // The first process starts the first rerun, then dies before it records it.
    await expect(runner(dyingAfterStart(h.database.db)).step()).rejects.toThrow('the process died');
    expect(await reruns()).toHaveLength(1);

    // Another process takes the job up (4 runs per second) and finishes it.
    const next = runner(h.database.db, 4);
    next.start();
    await eventually(
      async () => (await findJob(h.database.db, job.id))?.state !== 'running',
      30_000,
      'the job',
    );
    await next.stop();
    const finished = await findJob(h.database.db, job.id);
    expect(finished).toEqual(
      expect.objectContaining({
        state: 'done',
        total: 4,
        done: 4,
        failed: 0,
        finishedAt: expect.any(String),
      }),
    );
    // Four reruns in all, one per run: the start repeated after the crash found the first one.
    expect(await reruns()).toEqual(sources.map((s) => `opsflow/tally/rerun/of/${s.runId}`).sort());
    const links = await h.database.db.query<{ source_run_id: string; job_id: string }>(
      'SELECT source_run_id, job_id FROM run_links ORDER BY source_run_id',
    );
    expect(links.rows.map((r) => r.source_run_id)).toEqual(sources.map((s) => s.runId).sort());
    // 4 per second: the second process's four starts and the job's end are a quarter second apart.
    expect(Date.now() - created).toBeGreaterThanOrEqual(1000);

    // The same request again: every run was rerun, so the new job has nothing to do.
    const again = await createBulkRerunJob(h.database.db, {
      params: { filter: { rule: 'tally' }, version: 'latest' },
      runs: sources,
      by: 'key:ops',
    });
    expect(again).toEqual(expect.objectContaining({ state: 'done', total: 0, skipped: 4 }));
  });

  it('marks a run that cannot be rerun failed, and the job failed, with the reason', async () => {
    const deps = { db: h.database.db, client: h.client, taskQueue: h.taskQueue, rules: h.rules };
    const source = await startManualRun(deps, { rule: 'tally', input: { n: 9 } });
    await h.client.workflow.getHandle(source.workflowId, source.runId).result();
    await h.registry.setEnabled('tally', false, { author: 'key:ops' });
    const job = await createBulkRerunJob(h.database.db, {
      params: { filter: { rule: 'tally' }, version: 'pinned' },
      runs: [source],
      by: 'key:ops',
    });
    const r = runner(h.database.db);
    await eventually(
      async () => {
        await r.step();
        return (await findJob(h.database.db, job.id))?.state !== 'running';
      },
      30_000,
      'the job to end',
    );
    expect(await findJob(h.database.db, job.id)).toEqual(
      expect.objectContaining({
        state: 'failed',
        done: 0,
        failed: 1,
        errors: [{ runId: source.runId, error: 'rule tally is disabled' }],
      }),
    );
    await h.registry.setEnabled('tally', true, { author: 'key:ops' });
  });
});
