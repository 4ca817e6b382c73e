/**
 * `npm run bench:windows`: a guard with a 10-minute `count` window, as the router evaluates it —
 * the window read in one query per event and rule (`readWindows`, the customer pushed down) and
 * then the guard on the evaluator — while 2,000 and while 200,000 events of that type are stored
 * (spread over 30 days and 1,000 customers; the trigger's customer has the same few events in
 * its window in both). Reports p50/p99 per evaluation; targets ≤ 2 ms p99 and flat (≤ 1.5×).
 * `BENCH_STORED` overrides the larger size, `BENCH_EVALS` the evaluations per size.
 */
import { evaluateCondition, type EvalContext, type ExprIR, type Span, type WindowIR } from '../dsl/runtime';
import type { Database } from '../engine/db/sql';
import { freshDatabase } from '../engine/db/testing/fresh-database';
import { STORED_EVENT_COLUMNS, type StoredEventRow } from '../engine/ingest/stored-event';
import { activeRules, indexRules } from '../engine/registry/active-rules';
import { RuleRegistry } from '../engine/registry/registry';
import { ensureWindowIndexes, readWindows } from '../engine/router/windows';
import { machine, markdownTable, progress, saveReport, summarize, type BenchmarkReport } from './harness';

const SMALL = 2_000;
const LARGE = Number(process.env.BENCH_STORED ?? 200_000);
const EVALS = Number(process.env.BENCH_EVALS ?? 500);
const DAY = 86_400_000;

const RULES = `event payment.failed {
  customer_id: string
  amount: number
}

rule payment_velocity
  on payment.failed
  key event.customer_id
do
  log "velocity"
end
`;

const span: Span = { file: 'bench.rule', line: 1, column: 1, endLine: 1, endColumn: 2 };
const member = (object: string, name: string): ExprIR => ({
  kind: 'member',
  object: { kind: 'name', name: object, span },
  name,
  optional: false,
  span,
});
/** `count(payment.failed as p within 10m where p.customer_id == event.customer_id) >= 3`. */
const WINDOW: WindowIR = {
  id: 1,
  event: 'payment.failed',
  as: 'p',
  withinMs: 600_000,
  where: {
    kind: 'compare',
    op: '==',
    mode: 'value',
    left: member('p', 'customer_id'),
    right: member('event', 'customer_id'),
    span,
  },
  correlations: [{ field: 'customer_id', value: member('event', 'customer_id') }],
  span,
};
const GUARD: ExprIR = {
  kind: 'compare',
  op: '>=',
  mode: 'number',
  left: { kind: 'aggregate', fn: 'count', window: WINDOW, span },
  right: { kind: 'literal', value: 3, span },
  span,
};

/** Stores `total` events of the type over 30 days; the measured customers' few are in the last minutes. */
async function fill(db: Database, total: number, now: number): Promise<void> {
  await db.query(
    `INSERT INTO events (id, type, time, data, route_status)
       SELECT 'bulk-' || i, 'payment.failed', to_timestamp(($2::bigint - 700000 - (i::bigint * $3::bigint / $1::bigint)) / 1000.0),
              jsonb_build_object('customer_id', 'c' || (i % 1000), 'amount', 10), 'routed'
         FROM generate_series(1, $1::integer) AS i
     ON CONFLICT DO NOTHING`,
    [total, now, 30 * DAY],
  );
  await db.query('ANALYZE events');
}

async function measure(
  db: Database,
  triggers: readonly StoredEventRow[],
): Promise<{ p50: number; p99: number; all: number[] }> {
  const times: number[] = [];
  for (let i = 0; i < EVALS; i++) {
    const event = triggers[i % triggers.length];
    const t0 = process.hrtime.bigint();
    const windows = await readWindows(db, event, [WINDOW]);
    const time = event.time.getTime();
    const ctx = { now: () => time, windows } as EvalContext;
    evaluateCondition(GUARD, { event: event.data as never }, ctx);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const sorted = [...times].sort((a, b) => a - b);
  return {
    p50: sorted[Math.floor(sorted.length * 0.5)],
    p99: sorted[Math.floor(sorted.length * 0.99)],
    all: times,
  };
}

export async function benchWindows(): Promise<BenchmarkReport> {
  const fresh = await freshDatabase(4);
  const { db } = fresh;
  try {
    await new RuleRegistry(db).deploy([{ path: 'bench.rule', content: RULES }], { author: 'bench' });
    const rule = (await activeRules(db))[0];
    await ensureWindowIndexes(db, indexRules([{ ...rule, ir: { ...rule.ir, guard: GUARD } }]));
    const now = Date.now();
    // The triggers: 20 customers with 4 failed payments each in the last 5 minutes.
    await db.query(
      `INSERT INTO events (id, type, time, data, route_status)
         SELECT 'recent-' || c || '-' || k, 'payment.failed', to_timestamp(($1::bigint - k * 60000) / 1000.0),
                jsonb_build_object('customer_id', 'hot' || c, 'amount', 10), 'routed'
           FROM generate_series(1, 20) AS c, generate_series(0, 3) AS k`,
      [now],
    );
    const { rows: triggers } = await db.query<StoredEventRow>(
      `SELECT ${STORED_EVENT_COLUMNS} FROM events WHERE id LIKE 'recent-%-0'`,
    );
    const results: { stored: number; p50: number; p99: number; all: number[] }[] = [];
    for (const stored of [SMALL, LARGE]) {
      progress(`windows: ${stored} stored events of the type`);
      await fill(db, stored, now);
      await measure(db, triggers); // warm-up
      results.push({ stored, ...(await measure(db, triggers)) });
    }
    const [small, large] = results;
    const flat = large.p99 / small.p99;
    const figure = (r: (typeof results)[number]) => ({
      figure: `guard with a 10-minute count window (one query + evaluation), p50 / p99, ${r.stored.toLocaleString('en-US')} stored`,
      unit: 'ms',
      ours: { ...summarize(r.all), median: r.p50, max: r.p99 },
      target: '≤ 2 ms p99',
      met: r.p99 <= 2,
    });
    return {
      benchmark: 'windows',
      at: new Date().toISOString(),
      machine: machine(),
      figures: [
        figure(small),
        {
          ...figure(large),
          baseline: {
            ...summarize(small.all),
            median: small.p99,
            name: `p99 with ${SMALL.toLocaleString('en-US')} stored`,
          },
          ratio: flat,
          target: '≤ 2 ms p99, flat (≤ 1.5×)',
          met: large.p99 <= 2 && flat <= 1.5,
        },
      ],
    };
  } finally {
    await fresh.drop();
  }
}

if (require.main === module) {
  benchWindows()
    .then((report) => {
      saveReport(report);
      process.stdout.write(markdownTable([report]));
    })
    .catch((err: unknown) => {
      process.stderr.write(`bench:windows failed: ${err instanceof Error ? err.stack : String(err)}\n`);
      process.exitCode = 1;
    });
}
