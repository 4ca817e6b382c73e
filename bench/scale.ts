/**
 * `npm run bench:scale`: many runs waiting on `wait for scale.done as e where e.id == event.id` at
 * once, on the dev server with the real worker, subscriptions and router. Reports, with 10,000
 * runs waiting against 10: the benchmark process's memory (it hosts the worker), the router's
 * subscription lookup (`findSubscribers`), and the time to deliver one event to the right run
 * (stored through the event store → routed → the run receives it and completes).
 *
 * The worker's workflow cache is sized as `opsflow worker` sizes it (`engine/process/worker-memory.ts`)
 * for `OPSFLOW_WORKER_MEMORY_MB` (default here 1024): past the cache, the runs started first are
 * evicted, and the large side also measures delivery to an evicted run (replayed from its
 * history) against delivery to a cached one. `BENCH_SCALE_RUNS` sets the large side (default
 * 10,000; 100,000 for the row). Needs PostgreSQL (`DATABASE_URL`), like `npm run
 * bench:ingest`. Everything it starts is torn down at the end.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { freshDatabase } from '../engine/db/testing/fresh-database';
import { EventStore } from '../engine/ingest/event-store';
import { ActiveRuleCache } from '../engine/registry/active-rules';
import { RuleRegistry } from '../engine/registry/registry';
import { Router } from '../engine/router/router';
import { cacheSizing } from '../engine/process/worker-memory';
import { createSubscriptionActivities, findSubscribers } from '../engine/router/subscriptions';
import { startDevServer } from '../engine/temporal/dev-server';
import { quietTemporalRuntime } from '../engine/temporal/runtime-logging';
import type { Database } from '../engine/db/sql';
import { INTERPRETER_WORKFLOW_TYPE, type RunInput } from '../workflows/contract';
import type { RuleIR } from '../dsl/runtime';
import { machine, markdownTable, progress, saveReport, summarize, type BenchmarkReport } from './harness';

const RULE = `event scale.started { id: string }
event scale.done { id: string }

rule bench_scale
  on scale.started
  key event.id
  concurrency parallel
do
  wait for scale.done as e where e.id == event.id within 2h
  log "done \${e.id}"
end
`;

const SMALL = 10;
const LARGE = Number(process.env.BENCH_SCALE_RUNS ?? 10_000);
const TASK_QUEUE = 'bench-scale';
const START_LANES = 40;
/** The worker's memory budget the cache is sized for. */
const MEMORY_MB = Number(process.env.OPSFLOW_WORKER_MEMORY_MB ?? 1024);
const SIZING = cacheSizing(MEMORY_MB);
/** Deliveries measured per side, and per kind (evicted, cached) on the large side. */
const DELIVERIES = 20;

/** A full garbage collection, so that heap figures compare live data rather than garbage. */
function collect(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

async function startRuns(client: Client, rule: RuleIR, from: number, to: number): Promise<void> {
  let next = from;
  let done = 0;
  const lane = async (): Promise<void> => {
    while (next < to) {
      const id = `k${next++}`;
      const input: RunInput = {
        rule,
        trigger: {
          kind: 'event',
          event: { id: `start-${id}`, type: 'scale.started', time: new Date().toISOString(), data: { id } },
        },
      };
      await client.workflow.start(INTERPRETER_WORKFLOW_TYPE, {
        taskQueue: TASK_QUEUE,
        workflowId: `scale/${id}`,
        args: [input],
      });
      if (++done % 1000 === 0) progress(`${from + done} runs started`);
    }
  };
  await Promise.all(Array.from({ length: START_LANES }, lane));
}

/** Waits until `count` runs have subscribed (they are then blocked in the `wait for`). */
async function waitSubscribed(db: Database, count: number): Promise<void> {
  let last = -1;
  for (;;) {
    const { rows } = await db.query<{ n: string }>(
      `SELECT count(*) AS n FROM subscriptions WHERE event_type = 'scale.done'`,
    );
    const n = Number(rows[0].n);
    if (n >= count) return;
    if (Math.floor(n / 1000) !== Math.floor(last / 1000)) progress(`${n} of ${count} runs waiting`);
    last = n;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface Snapshot {
  readonly rssMb: number;
  readonly heapMb: number;
  readonly lookupMs: number;
  readonly deliverMs: number;
  /** p50/p99 of deliveries to runs started first (evicted once the cache is full) and last (cached). */
  readonly evicted?: { readonly p50: number; readonly p99: number };
  readonly cached?: { readonly p50: number; readonly p99: number };
}

/** Stores a `scale.done` for each run and waits until it completed; the times in ms. */
async function deliver(
  client: Client,
  store: EventStore,
  ids: readonly string[],
  tag: string,
): Promise<number[]> {
  const times: number[] = [];
  for (const id of ids) {
    const t0 = process.hrtime.bigint();
    await store.ingest({ id: `done-${id}-${tag}`, type: 'scale.done', data: { id } });
    await client.workflow.getHandle(`scale/${id}`).result();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times;
}

function percentiles(times: readonly number[]): { p50: number; p99: number } {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return { p50: at(0.5), p99: at(0.99) };
}

async function snapshot(db: Database, client: Client, store: EventStore, waiting: number): Promise<Snapshot> {
  await new Promise((resolve) => setTimeout(resolve, 2000));
  collect();
  const memory = process.memoryUsage();
  const lookups: number[] = [];
  for (let i = 0; i < 200; i++) {
    // Not k0–k9: the deliveries of the small side completed some of those.
    const id = `k${10 + ((i * 7919) % (waiting - 10))}`;
    const t0 = process.hrtime.bigint();
    const found = await findSubscribers(db, { type: 'scale.done', data: { id } });
    lookups.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (found.length !== 1) throw new Error(`lookup found ${found.length} runs for ${id}`);
  }
  // Runs in the middle of the waiting ones; each delivery completes one run.
  const middle = Array.from({ length: 5 }, (_, i) => `k${Math.floor(waiting / 2) + i - 2}`);
  const deliveries = await deliver(client, store, middle, String(waiting));
  let kinds: Pick<Snapshot, 'evicted' | 'cached'> = {};
  if (waiting > SIZING.maxCachedWorkflows + 2 * DELIVERIES) {
    // The first runs of the large side were evicted long ago (least recently used); the last
    // ones started are still in the cache.
    const first = Array.from({ length: DELIVERIES }, (_, i) => `k${SMALL + 5 + i}`);
    const last = Array.from({ length: DELIVERIES }, (_, i) => `k${waiting - 1 - i}`);
    kinds = {
      evicted: percentiles(await deliver(client, store, first, 'evicted')),
      cached: percentiles(await deliver(client, store, last, 'cached')),
    };
  }
  return {
    rssMb: memory.rss / 2 ** 20,
    heapMb: memory.heapUsed / 2 ** 20,
    lookupMs: summarize(lookups.slice(20)).median,
    deliverMs: summarize(deliveries).median,
    ...kinds,
  };
}

export async function benchScale(): Promise<BenchmarkReport> {
  quietTemporalRuntime('ERROR');
  progress('starting PostgreSQL schema, the Temporal dev server, a worker and the router');
  const fresh = await freshDatabase(20);
  const { db } = fresh;
  const server = await startDevServer();
  const connection = await Connection.connect({ address: server.address });
  const client = new Client({ connection });
  const native = await NativeConnection.connect({ address: server.address });
  const stops: (() => Promise<unknown>)[] = [
    () => fresh.drop(),
    () => server.stop(),
    () => native.close(),
    () => connection.close(),
  ];
  try {
    const deployed = await new RuleRegistry(db).deploy([{ path: 'bench.rule', content: RULE }], {
      author: 'bench',
    });
    if (!deployed.ok) throw new Error('the benchmark rule does not deploy');
    const rules = new ActiveRuleCache(db);
    const active = (await rules.get()).find('bench_scale');
    if (!active) throw new Error('the benchmark rule is not active');
    const router = new Router({ db, client, taskQueue: TASK_QUEUE, rules, pollIntervalMs: 20 });
    const store = new EventStore(db, { rules, onStored: () => router.wake() });
    const worker = await Worker.create({
      connection: native,
      taskQueue: TASK_QUEUE,
      workflowsPath: require.resolve('../workflows'),
      activities: {
        runAction: async () => ({ result: {} }),
        emit: async () => ({ eventId: 'unused' }),
        ...createSubscriptionActivities({ db, client }),
      },
      ...SIZING,
    });
    progress(`worker cache sized for ${MEMORY_MB} MB: ${SIZING.maxCachedWorkflows} runs`);
    router.start();
    stops.unshift(() => router.stop());
    let small: Snapshot | undefined;
    let large: Snapshot | undefined;
    await worker.runUntil(async () => {
      // +5 on each side: the deliveries complete five runs.
      progress(`${SMALL} runs waiting`);
      await startRuns(client, active.ir, 0, SMALL + 5);
      await waitSubscribed(db, SMALL + 5);
      small = await snapshot(db, client, store, SMALL + 5);
      progress(`starting ${LARGE} more runs (this takes a while on 2 cores)`);
      await startRuns(client, active.ir, SMALL + 5, SMALL + 5 + LARGE);
      await waitSubscribed(db, LARGE + SMALL);
      progress(`${LARGE} runs waiting: measuring`);
      large = await snapshot(db, client, store, LARGE + SMALL);
    });
    if (!small || !large) throw new Error('the benchmark did not finish');
    return report(small, large);
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
  }
}

function report(small: Snapshot, large: Snapshot): BenchmarkReport {
  const one = (v: number) => summarize([v]);
  const base = `${SMALL} waiting runs`;
  const pair = (figure: string, unit: string, ours: number, baseline: number, target?: string) => ({
    figure,
    unit,
    ours: one(ours),
    baseline: { ...one(baseline), name: base },
    ratio: ours / baseline,
    ...(target ? { target, met: ours / baseline <= 2 } : {}),
  });
  return {
    benchmark: 'scale',
    at: new Date().toISOString(),
    machine: machine(),
    figures: [
      pair(`worker process RSS, ${LARGE} waiting runs vs ${SMALL}`, 'MB', large.rssMb, small.rssMb),
      pair(`worker process heap used, ${LARGE} waiting runs vs ${SMALL}`, 'MB', large.heapMb, small.heapMb),
      pair(
        `subscription lookup, ${LARGE} waiting runs vs ${SMALL}`,
        'ms',
        large.lookupMs,
        small.lookupMs,
        'flat (≤ 2×)',
      ),
      pair(
        `deliver one event to the right run (stored → run completes), ${LARGE} waiting vs ${SMALL}`,
        'ms',
        large.deliverMs,
        small.deliverMs,
        'flat (≤ 2×)',
      ),
      {
        figure: `worker process RSS with ${LARGE} waiting runs, worker memory ${MEMORY_MB} MB (process also hosts router and client)`,
        unit: 'MB',
        ours: one(large.rssMb),
        target: `≤ ${MEMORY_MB} MB`,
        met: large.rssMb <= MEMORY_MB,
      },
      ...evictionFigures(large),
    ],
  };
}

/** Delivery to an evicted run against a cached one (only when the large side exceeds the cache). */
function evictionFigures(large: Snapshot): BenchmarkReport['figures'] {
  if (!large.evicted || !large.cached) return [];
  const { evicted, cached } = large;
  const row = (p: 'p50' | 'p99') => ({
    figure: `deliver one event (stored → run completes) to an evicted run vs a cached one, ${p}, ${LARGE} waiting, cache ${SIZING.maxCachedWorkflows} (${MEMORY_MB} MB)`,
    unit: 'ms',
    ours: summarize([evicted[p]]),
    baseline: { ...summarize([cached[p]]), name: 'a cached run' },
    ratio: evicted[p] / cached[p],
  });
  return [row('p50'), row('p99')];
}

if (require.main === module) {
  benchScale()
    .then((r) => {
      saveReport(r);
      process.stdout.write(markdownTable([r]));
    })
    .catch((err: unknown) => {
      process.stderr.write(`bench:scale failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    });
}
