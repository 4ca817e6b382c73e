/**
 * `npm run bench:interpreter`: on the dev server, the same job — 3 calls, an `if`, a `wait for`
 * answered at once — run by the interpreter from a rule's IR and by a hand-written TypeScript
 * workflow. Reports runs/s and history events per run for both, and the ratios.
 * Targets: throughput ≥ 0.9×, history events ≤ 1.1×.
 */
import { Client, Connection, type WorkflowHandle } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { compileRuleSet } from '../dsl';
import { quietTemporalRuntime } from '../engine/temporal/testing/quiet-runtime';
import { startDevServer } from '../engine/temporal/dev-server';
import { eventSignal, INTERPRETER_WORKFLOW_TYPE, type RunInput } from '../workflows/contract';
import { machine, markdownTable, progress, saveReport, summarize, type BenchmarkReport } from './harness';

const RULE = `event order.placed { order_id: string }
event order.paid { order_id: string }
action shop.reserve(order_id: string) -> { ok: bool }
action shop.charge(order_id: string)
action shop.ship(order_id: string)

rule bench_order_flow
  on order.placed
  key event.order_id
  concurrency parallel
do
  let reservation = call shop.reserve(order_id: event.order_id)
  if reservation.ok
    call shop.charge(order_id: event.order_id)
  end
  wait for order.paid as payment where payment.order_id == event.order_id within 1h
  call shop.ship(order_id: event.order_id)
end
`;

const RUNS = Number(process.env.BENCH_RUNS ?? 150);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = 25;
const TASK_QUEUE = 'bench-interpreter';

type Starter = (client: Client, id: string) => Promise<WorkflowHandle>;

async function runBatch(
  client: Client,
  prefix: string,
  start: Starter,
): Promise<{ seconds: number; handles: WorkflowHandle[] }> {
  const handles: WorkflowHandle[] = [];
  const began = process.hrtime.bigint();
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < RUNS) {
      const id = `${prefix}-${next++}`;
      const handle = await start(client, id);
      await handle.signal(eventSignal, {
        id: `${id}-paid`,
        type: 'order.paid',
        time: new Date().toISOString(),
        data: { order_id: id },
      });
      await handle.result();
      handles.push(handle);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  return { seconds: Number(process.hrtime.bigint() - began) / 1e9, handles };
}

async function historyLength(handles: readonly WorkflowHandle[]): Promise<number> {
  let total = 0;
  for (const handle of handles.slice(0, 20)) total += (await handle.fetchHistory()).events?.length ?? 0;
  return total / Math.min(handles.length, 20);
}

export async function benchInterpreter(): Promise<BenchmarkReport> {
  quietTemporalRuntime('ERROR');
  const compiled = compileRuleSet([{ path: 'bench.rule', content: RULE }]);
  const rule = compiled.rules[0];
  if (!rule) throw new Error(`the benchmark rule does not compile: ${compiled.diagnostics[0]?.message}`);
  progress('starting the Temporal dev server');
  const server = await startDevServer();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const native = await NativeConnection.connect({ address: server.address });
  const worker = await Worker.create({
    connection: native,
    taskQueue: TASK_QUEUE,
    workflowsPath: require.resolve('./fixtures/bench-workflows'),
    activities: {
      runAction: async (input: { action: string }) => ({
        result: input.action === 'shop.reserve' ? { ok: true } : {},
      }),
      emit: async () => ({ eventId: 'unused' }),
      subscribe: async () => undefined,
      unsubscribe: async () => undefined,
    },
    maxConcurrentWorkflowTaskExecutions: 40,
    maxConcurrentActivityTaskExecutions: 100,
  });

  const interpreted: Starter = (c, id) =>
    c.workflow.start(INTERPRETER_WORKFLOW_TYPE, {
      taskQueue: TASK_QUEUE,
      workflowId: id,
      args: [
        {
          rule,
          trigger: {
            kind: 'event',
            event: {
              id: `${id}-placed`,
              type: 'order.placed',
              time: new Date().toISOString(),
              data: { order_id: id },
            },
          },
        } satisfies RunInput,
      ],
    });
  const handwritten: Starter = (c, id) =>
    c.workflow.start('handwrittenOrderFlow', { taskQueue: TASK_QUEUE, workflowId: id, args: [id] });

  const ours: number[] = [];
  const base: number[] = [];
  let oursEvents = 0;
  let baseEvents = 0;
  try {
    await worker.runUntil(async () => {
      progress('warm-up');
      await runBatch(client, 'warm-i', interpreted);
      await runBatch(client, 'warm-h', handwritten);
      for (let round = 1; round <= ROUNDS; round++) {
        progress(`round ${round}/${ROUNDS}: ${RUNS} runs each`);
        const i = await runBatch(client, `i${round}`, interpreted);
        const h = await runBatch(client, `h${round}`, handwritten);
        ours.push(RUNS / i.seconds);
        base.push(RUNS / h.seconds);
        if (round === 1) {
          oursEvents = await historyLength(i.handles);
          baseEvents = await historyLength(h.handles);
        }
      }
    });
  } finally {
    await connection.close();
    await native.close();
    await server.stop();
  }
  const oursSample = summarize(ours);
  const baseSample = summarize(base);
  const throughputRatio = oursSample.median / baseSample.median;
  const eventsRatio = oursEvents / baseEvents;
  const one = (v: number) => summarize([v]);
  return {
    benchmark: 'interpreter',
    at: new Date().toISOString(),
    machine: machine(),
    figures: [
      {
        figure: 'runs/s (3 calls, an if, a wait answered at once; higher is better)',
        unit: 'runs/s',
        ours: oursSample,
        baseline: { ...baseSample, name: 'hand-written workflow' },
        ratio: throughputRatio,
        target: '≥ 0.9×',
        met: throughputRatio >= 0.9,
      },
      {
        figure: 'history events per run',
        unit: 'events',
        ours: one(oursEvents),
        baseline: { ...one(baseEvents), name: 'hand-written workflow' },
        ratio: eventsRatio,
        target: '≤ 1.1×',
        met: eventsRatio <= 1.1,
      },
    ],
  };
}

if (require.main === module) {
  benchInterpreter()
    .then((report) => {
      saveReport(report);
      process.stdout.write(markdownTable([report]));
    })
    .catch((err: unknown) => {
      process.stderr.write(`bench:interpreter failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    });
}
