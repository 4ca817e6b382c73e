/**
 * `npm run bench:ingest`: events/s from HTTP ingest (POST /v1/events, stored, routed by the
 * router) to run started, against raw `client.workflow.start` of the same interpreter input on the
 * same dev server in the same run; p50/p99 ingest latency; and the router's subscription lookup
 * with 10,000 waiting runs against 10. Targets: ≥ 0.9× the raw start rate; lookup flat. Then the
 * latency at fixed offered rates and the emit wake-up, on the dev server and on the real Temporal
 * server (`latency.ts`).
 *
 * The engine runs as deployed: `opsflow api` (API + router) and `opsflow worker` are separate
 * processes, the load comes from this one. Each round posts 1,000 events (`BENCH_EVENTS`) with 20
 * concurrent clients and starts 1,000 runs raw with 20 concurrent callers, the order alternating
 * per round; a round is long enough for a steady state (with 300 the pipeline's fill and drain,
 * a few hundred milliseconds, were a tenth of it). Every run finishes before the next side goes.
 *
 * Needs PostgreSQL (`DATABASE_URL`, provisioned by `npm run bench`) and builds the Temporal CLI
 * the first time, like the tests.
 */
import { Client, Connection } from '@temporalio/client';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshDatabase } from '../engine/db/testing/fresh-database';
import { testDatabaseUrl } from '../engine/db/testing/test-database';
import { ActiveRuleCache } from '../engine/registry/active-rules';
import { RuleRegistry } from '../engine/registry/registry';
import { findSubscribers } from '../engine/router/subscriptions';
import { freePort, startDevServer } from '../engine/temporal/dev-server';
import { quietTemporalRuntime } from '../engine/temporal/runtime-logging';
import { INTERPRETER_WORKFLOW_TYPE, type RunInput } from '../workflows/contract';
import type { Database } from '../engine/db/sql';
import { machine, markdownTable, progress, saveReport, summarize, type BenchmarkReport } from './harness';
import { latencyFigures } from './latency';
import { spawnOpsflow, waitFor } from './processes';

const RULES = `event order.placed { order_id: string }
event ticket.resolved { ticket_id: string }

rule bench_ingest
  on order.placed
  key event.order_id
  concurrency parallel
do
  log "order \${event.order_id}"
end
`;

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = 20;
const TASK_QUEUE = 'bench-ingest';
const TOKEN = 'bench-admin-token-0123456789abcdef';

async function inLanes(count: number, job: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) await job(next++);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
}

async function waitStarted(db: Database, prefix: string, count: number): Promise<void> {
  for (;;) {
    const { rows } = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM event_outcomes WHERE event_id LIKE $1 AND outcome = 'started'`,
      [`${prefix}%`],
    );
    if (Number(rows[0].n) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Median time of `findSubscribers` for one event with `waiting` runs subscribed to its type. */
async function lookupMs(db: Database, waiting: number): Promise<number> {
  await db.exec('DELETE FROM subscriptions');
  await db.query(
    `INSERT INTO subscriptions (workflow_id, event_type, correlation_key, correlation_field, correlation_value, run_id, since)
     SELECT 'wf-' || i, 'ticket.resolved', 'ticket_id=' || i, 'ticket_id', to_jsonb('T-' || i), 'run-' || i, now()
       FROM generate_series(1, $1::int) AS i`,
    [waiting],
  );
  await db.exec('ANALYZE subscriptions');
  const times: number[] = [];
  for (let i = 0; i < 300; i++) {
    const wanted = `T-${1 + ((i * 7919) % waiting)}`;
    const start = process.hrtime.bigint();
    const found = await findSubscribers(db, { type: 'ticket.resolved', data: { ticket_id: wanted } });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (found.length !== 1) throw new Error(`lookup found ${found.length} runs for ${wanted}`);
  }
  return summarize(times.slice(50)).median;
}

/** CPU time (user + system, ms) a process used so far, from /proc (Linux). */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, in clock ticks (100 per second).
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
  } catch {
    return 0;
  }
}

/**
 * Waits until every run has finished, so the CPU a side's runs use is counted for that side and
 * the next measurement starts on an idle engine.
 */
async function settle(client: Client): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const { count } = await client.workflow.count('ExecutionStatus = "Running"');
    if (count === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('the benchmark runs did not finish within a minute');
}

export async function benchIngest(): Promise<BenchmarkReport> {
  quietTemporalRuntime('ERROR');
  progress('starting a PostgreSQL schema, the Temporal dev server, `opsflow worker` and `opsflow api`');
  const fresh = await freshDatabase(4);
  const { db } = fresh;
  const server = await startDevServer();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const deployed = await new RuleRegistry(db).deploy([{ path: 'bench.rule', content: RULES }], {
    author: 'bench',
  });
  if (!deployed.ok) throw new Error('the benchmark rule does not deploy');
  const active = (await new ActiveRuleCache(db).get()).find('bench_ingest');
  if (!active) throw new Error('the benchmark rule is not active');
  // The engine as deployed: the API with its router in one process, the worker in another, both
  // on the benchmark's schema; the load comes from this process, like clients from elsewhere.
  const url = new URL(testDatabaseUrl());
  url.searchParams.set('options', `-c search_path=${fresh.schema}`);
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'opsflow-bench-'));
  const env = {
    DATABASE_URL: url.toString(),
    TEMPORAL_ADDRESS: server.address,
    OPSFLOW_TASK_QUEUE: TASK_QUEUE,
    OPSFLOW_ADMIN_TOKEN: TOKEN,
    OPSFLOW_DATA_DIR: dataDir,
    PORT: String(port),
    // The load comes from one key, far above the default per-key limit a shop's system needs.
    OPSFLOW_INGEST_RATE_LIMIT: '0',
  };
  const worker = spawnOpsflow('worker', env);
  const api = spawnOpsflow('api', env);

  const ingestRates: number[] = [];
  const rawRates: number[] = [];
  // CPU ms per event of the dev server, `opsflow api`, `opsflow worker` and the load generator.
  const ingestCpu: number[][] = [];
  const rawCpu: number[][] = [];
  const latencies: number[] = [];
  let lookup10: number;
  let lookup10k: number;
  try {
    await waitFor('opsflow worker', worker, () =>
      Promise.resolve(worker.output().includes('worker polling')),
    );
    await waitFor('opsflow api', api, async () => (await fetch(`http://127.0.0.1:${port}/readyz`)).ok);
    const post = async (id: string): Promise<void> => {
      const start = process.hrtime.bigint();
      const res = await fetch(`http://127.0.0.1:${port}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ id, type: 'order.placed', data: { order_id: id } }),
      });
      latencies.push(Number(process.hrtime.bigint() - start) / 1e6);
      if (res.status !== 202) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
    };
    const raw = async (id: string): Promise<void> => {
      const input: RunInput = {
        rule: active.ir,
        trigger: {
          kind: 'event',
          event: { id, type: 'order.placed', time: new Date().toISOString(), data: { order_id: id } },
        },
      };
      await client.workflow.start(INTERPRETER_WORKFLOW_TYPE, {
        taskQueue: TASK_QUEUE,
        workflowId: `raw/${id}`,
        args: [input],
      });
    };
    progress('warm-up');
    await inLanes(50, (i) => post(`warm-${i}`));
    await waitStarted(db, 'warm-', 50);
    await inLanes(50, (i) => raw(`warm-raw-${i}`));
    await settle(client);
    latencies.length = 0;
    const cpu = (): number[] => [
      processCpuMs(server.pid),
      processCpuMs(api.process.pid),
      processCpuMs(worker.process.pid),
      process.cpuUsage().user / 1000 + process.cpuUsage().system / 1000,
    ];
    const viaHttp = async (round: number): Promise<void> => {
      const before = cpu();
      const began = process.hrtime.bigint();
      await inLanes(EVENTS, (i) => post(`r${round}-${i}`));
      await waitStarted(db, `r${round}-`, EVENTS);
      ingestRates.push(EVENTS / (Number(process.hrtime.bigint() - began) / 1e9));
      await settle(client);
      ingestCpu.push(cpu().map((ms, i) => (ms - before[i]) / EVENTS));
    };
    const viaRaw = async (round: number): Promise<void> => {
      const before = cpu();
      const began = process.hrtime.bigint();
      await inLanes(EVENTS, (i) => raw(`raw-r${round}-${i}`));
      rawRates.push(EVENTS / (Number(process.hrtime.bigint() - began) / 1e9));
      await settle(client);
      rawCpu.push(cpu().map((ms, i) => (ms - before[i]) / EVENTS));
    };
    for (let round = 1; round <= ROUNDS; round++) {
      progress(`round ${round}/${ROUNDS}: ${EVENTS} events over HTTP and ${EVENTS} raw starts`);
      // Alternating which side goes first keeps a drift in the machine's load off one side.
      if (round % 2 === 1) {
        await viaHttp(round);
        await viaRaw(round);
      } else {
        await viaRaw(round);
        await viaHttp(round);
      }
    }
    progress('subscription lookup with 10 and with 10,000 waiting runs');
    lookup10 = await lookupMs(db, 10);
    lookup10k = await lookupMs(db, 10_000);
  } finally {
    await Promise.all([api.stop(), worker.stop()]);
    await connection.close();
    await server.stop();
    await fresh.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const ours = summarize(ingestRates);
  const base = summarize(rawRates);
  // Per round: both sides ran back to back under the same load.
  const ratio = summarize(ingestRates.map((rate, i) => rate / rawRates[i])).median;
  const cpuOf = (rounds: number[][], part: number): number =>
    summarize(rounds.map((r) => (part < 0 ? r.reduce((a, b) => a + b, 0) : r[part]))).median;
  const parts = ['dev server', 'opsflow api', 'opsflow worker', 'load generator'];
  const breakdown = (rounds: number[][]): string =>
    parts.map((name, i) => `${name} ${cpuOf(rounds, i).toFixed(2)}`).join(', ');
  progress(`CPU ms per event via HTTP: ${breakdown(ingestCpu)}`);
  progress(`CPU ms per event raw: ${breakdown(rawCpu)}`);
  const atRates = await latencyFigures();
  const lat = [...latencies].sort((a, b) => a - b);
  const pct = (p: number): number => lat[Math.min(lat.length - 1, Math.floor((p / 100) * lat.length))];
  const one = (v: number) => summarize([v]);
  return {
    benchmark: 'ingest',
    at: new Date().toISOString(),
    machine: machine(),
    figures: [
      {
        figure: 'events/s from HTTP ingest to run started (higher is better)',
        unit: 'events/s',
        ours,
        baseline: { ...base, name: 'raw client.workflow.start' },
        ratio,
        target: '≥ 0.9×',
        met: ratio >= 0.9,
      },
      {
        figure: 'CPU per event: dev server, opsflow api, worker and load generator (PostgreSQL not counted)',
        unit: 'ms',
        ours: one(cpuOf(ingestCpu, -1)),
        baseline: { ...one(cpuOf(rawCpu, -1)), name: 'raw client.workflow.start' },
        ratio: cpuOf(ingestCpu, -1) / cpuOf(rawCpu, -1),
      },
      { figure: 'ingest latency p50 (HTTP 202)', unit: 'ms', ours: one(pct(50)) },
      { figure: 'ingest latency p99 (HTTP 202)', unit: 'ms', ours: one(pct(99)) },
      {
        figure: 'subscription lookup, 10,000 waiting runs vs 10',
        unit: 'ms',
        ours: one(lookup10k),
        baseline: { ...one(lookup10), name: '10 waiting runs' },
        ratio: lookup10k / lookup10,
        target: 'flat (≤ 2×)',
        met: lookup10k / lookup10 <= 2,
      },
      ...atRates,
    ],
  };
}

if (require.main === module) {
  benchIngest()
    .then((report) => {
      saveReport(report);
      process.stdout.write(markdownTable([report]));
    })
    .catch((err: unknown) => {
      process.stderr.write(`bench:ingest failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    });
}
