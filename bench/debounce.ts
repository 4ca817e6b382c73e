/**
 * `npm run bench:debounce`: `debounce` through the engine — triggers stored, routed, collected by
 * the gate workflow of their key, one interpreter run per burst — against a debounce written by
 * hand as one Temporal workflow per key fed by signal-with-start (`fixtures/debounce-workflow.ts`),
 * on the same dev server. Reports the runs started (one per key: every key's triggers form one
 * burst) and the history events per run (ours: the gate's and the run's together). Target ≤ 1.2×.
 * Sizes: `BENCH_TRIGGERS` (default 10,000) over `BENCH_KEYS` (default 100).
 */
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { RuleIR } from '../dsl/runtime';
import { gateWorkflowId } from '../engine/router/workflow-ids';
import { startEngineHarness, type EngineHarness } from '../engine/router/testing/engine-harness';
import { debounceTrigger } from './fixtures/debounce-workflow';
import { machine, markdownTable, progress, saveReport, summarize, type BenchmarkReport } from './harness';

const TRIGGERS = Number(process.env.BENCH_TRIGGERS ?? 10_000);
const KEYS = Number(process.env.BENCH_KEYS ?? 100);
const QUIET_MS = 5_000;
const BASELINE_QUEUE = 'bench-debounce-baseline';

const RULE = `event bench.update {
  sku: string
  n: int
}
action work.do(sku: string) -> { ok: bool }

rule bench_debounce
  on bench.update
  key event.sku
do
  call work.do(sku: event.sku)
end
`;

async function historyLength(client: Client, workflowId: string, runId?: string): Promise<number> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return history.events?.length ?? 0;
}

const triggerOf = (i: number) => ({ id: `t-${i}`, sku: `sku-${i % KEYS}`, n: i });

async function ours(h: EngineHarness): Promise<{ runs: number; events: number; seconds: number }> {
  await h.deploy({ 'bench.rule': RULE });
  // The v2 clause in the deployed IR (the v2 text form is merged separately).
  await h.database.db.query(
    `UPDATE rule_versions SET ir = ir || jsonb_build_object('flow', $1::jsonb) WHERE rule_name = 'bench_debounce'`,
    [JSON.stringify({ debounce: { quietMs: QUIET_MS } } satisfies RuleIR['flow'])],
  );
  const began = Date.now();
  for (let i = 0; i < TRIGGERS; i += 100) {
    const batch = Array.from({ length: Math.min(100, TRIGGERS - i) }, (_, j) => {
      const t = triggerOf(i + j);
      return { id: t.id, type: 'bench.update', data: { sku: t.sku, n: t.n } };
    });
    await h.store.ingest(batch);
  }
  const router = h.router({ batchSize: 200 });
  router.start();
  while (h.calls.length < KEYS) await new Promise((resolve) => setTimeout(resolve, 500));
  const seconds = (Date.now() - began) / 1000;
  await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
  await router.stop();
  const { rows } = await h.database.db.query<{ workflow_id: string; run_id: string }>(
    `SELECT workflow_id, run_id FROM event_outcomes WHERE rule_name = 'bench_debounce' AND outcome = 'started'`,
  );
  let events = 0;
  for (const r of rows) events += await historyLength(h.client, r.workflow_id, r.run_id);
  for (let k = 0; k < KEYS; k++) {
    // Every run of the key's gate (a new one per burst; continue-as-new on a long one).
    for await (const w of h.client.workflow.list({
      query: `WorkflowId = '${gateWorkflowId('bench_debounce', `sku-${k}`)}'`,
    }))
      events += await historyLength(h.client, w.workflowId, w.runId);
  }
  return { runs: rows.length, events, seconds };
}

async function baseline(h: EngineHarness): Promise<{ runs: number; events: number; seconds: number }> {
  const connection = await Connection.connect({ address: h.address });
  const client = new Client({ connection });
  const native = await NativeConnection.connect({ address: h.address });
  let calls = 0;
  const worker = await Worker.create({
    connection: native,
    taskQueue: BASELINE_QUEUE,
    workflowsPath: require.resolve('./fixtures/debounce-workflows'),
    activities: { runAction: () => Promise.resolve({ result: { ok: true }, n: ++calls }) },
  });
  const running = worker.run();
  try {
    const began = Date.now();
    const lanes = Array.from({ length: 8 }, async (_, lane) => {
      for (let i = lane; i < TRIGGERS; i += 8) {
        const t = triggerOf(i);
        await client.workflow.signalWithStart('handwrittenDebounce', {
          taskQueue: BASELINE_QUEUE,
          workflowId: `baseline/${t.sku}`,
          args: [QUIET_MS],
          signal: debounceTrigger,
          signalArgs: [{ id: t.id, data: { sku: t.sku, n: t.n } }],
        });
      }
    });
    await Promise.all(lanes);
    const handles: WorkflowHandle[] = Array.from({ length: KEYS }, (_, k) =>
      client.workflow.getHandle(`baseline/sku-${k}`),
    );
    await Promise.all(handles.map((handle) => handle.result()));
    const seconds = (Date.now() - began) / 1000;
    let events = 0;
    for (const handle of handles) events += await historyLength(client, handle.workflowId);
    return { runs: calls, events, seconds };
  } finally {
    worker.shutdown();
    await running;
    await connection.close();
    await native.close();
  }
}

export async function benchDebounce(): Promise<BenchmarkReport> {
  const h = await startEngineHarness();
  try {
    progress(`debounce: ${TRIGGERS} triggers over ${KEYS} keys through the engine`);
    const o = await ours(h);
    progress(`debounce: the same through a hand-written debounce workflow`);
    const b = await baseline(h);
    const perRun = o.events / Math.max(1, o.runs);
    const basePerRun = b.events / Math.max(1, b.runs);
    const one = (n: number) => summarize([n]);
    return {
      benchmark: 'debounce',
      at: new Date().toISOString(),
      machine: machine(),
      figures: [
        {
          figure: `runs started, ${TRIGGERS.toLocaleString('en-US')} triggers over ${KEYS} keys (one burst per key)`,
          unit: 'runs',
          ours: one(o.runs),
          baseline: { ...one(b.runs), name: 'hand-written debounce workflow' },
          ratio: o.runs / Math.max(1, b.runs),
          target: `= ${KEYS}`,
          met: o.runs === KEYS && b.runs === KEYS,
        },
        {
          figure: 'history events per run (ours: gate + run)',
          unit: 'events',
          ours: one(perRun),
          baseline: { ...one(basePerRun), name: 'hand-written debounce workflow' },
          ratio: perRun / basePerRun,
          target: '≤ 1.2×',
          met: perRun / basePerRun <= 1.2,
        },
        {
          figure: `seconds from the first trigger to the last run's action (incl. the ${QUIET_MS / 1000} s quiet period)`,
          unit: 's',
          ours: one(o.seconds),
          baseline: { ...one(b.seconds), name: 'hand-written (no PostgreSQL, no routing)' },
          ratio: o.seconds / b.seconds,
        },
      ],
    };
  } finally {
    await h.close();
  }
}

if (require.main === module) {
  benchDebounce()
    .then((report) => {
      saveReport(report);
      process.stdout.write(markdownTable([report]));
    })
    .catch((err: unknown) => {
      process.stderr.write(`bench:debounce failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    });
}
