/**
 * Stop PostgreSQL (a crash: `pg_ctl stop -m immediate`) while clients keep posting events, then
 * start it again, without touching the opsflow processes. While it is down every answer must be
 * a 503 problem+json; afterwards the API must accept events again by itself. The client resends
 * whatever got no 2xx; then every event is stored once and routed once, the runs the guard lets
 * through run once, and nothing half-written is left (no outcome rows without events, no events
 * stuck pending, no outcomes stuck in `starting`).
 */
import { sleep, waitUntil } from './processes';
import { startPrivatePostgres } from './private-postgres';
import type { Scenario, ScenarioResult } from './scenario';
import { Checks } from './scenario';
import { inParallel, runStatuses } from './services';
import { keyedWorkflowId, startStack } from './stack';
import type { TargetServer } from './target-server';

const RULE = 'fault_postgres_restart';
const RUN_EVERY = 5;
const CONCURRENCY = 8;
const BEFORE = 300;
const AFTER = 300;
const DOWN_MS = 6000;

const rules = (target: TargetServer): string => `
event fault.ingest {
  n: int
  order_id: string
}

rule ${RULE}
  on fault.ingest
  when event.n % ${RUN_EVERY} == 0
  key event.order_id
do
  call http.request(method: "POST", url: "${target.url('/effects/ingest')}", body: { run: event.order_id, step: "only" }) retry 50 every 1s backoff 1 timeout 8s
end
`;

interface Sent {
  readonly id: string;
  readonly n: number;
  /** When the answer came (ms since the epoch); undefined without one. */
  answeredAt?: number;
  status?: number;
  problemType?: string;
  isProblemJson?: boolean;
  duplicate?: boolean;
}

export const postgresRestart: Scenario = {
  name: 'postgres-restart',
  title: 'crash and restart PostgreSQL during ingest: 503 problem+json while down, recovery by itself',
  async run(ctx): Promise<ScenarioResult> {
    const checks = new Checks();
    const pg = await startPrivatePostgres(ctx);
    const stack = await startStack(ctx, { rules, databaseServerUrl: pg.url });
    const events: Sent[] = [];
    const send = async (e: Sent): Promise<void> => {
      e.status = e.problemType = e.isProblemJson = e.duplicate = e.answeredAt = undefined;
      try {
        const body = { id: e.id, type: 'fault.ingest', data: { n: e.n, order_id: `o-${e.n}` } };
        const answer = await stack.api.request('POST', '/v1/events', body, 10_000);
        e.answeredAt = Date.now();
        e.status = answer.status;
        e.isProblemJson = answer.contentType.startsWith('application/problem+json');
        if (answer.status === 202) e.duplicate = (answer.body as { duplicate: boolean }).duplicate;
        else e.problemType = String((answer.body as { type?: unknown } | undefined)?.type ?? '');
      } catch {
        // no answer
      }
    };
    let stopSending = false;
    const acked = (from = 0): number =>
      events.filter((e) => e.status === 202 && (e.answeredAt ?? 0) >= from).length;
    const lanes = Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (!stopSending) {
          const e: Sent = { id: `ingest-${events.length}`, n: events.length };
          events.push(e);
          await send(e);
          // Keep the pace of a busy producer, not a tight loop against a dead server.
          if (e.status !== 202) await sleep(50);
        }
      }),
    );

    await waitUntil(`${BEFORE} acknowledged events`, () => acked() >= BEFORE, 60_000, 100);
    ctx.log(`${acked()} events acknowledged; crashing PostgreSQL (pg_ctl stop -m immediate)`);
    await pg.stop('immediate');
    const downFrom = Date.now();
    await sleep(DOWN_MS);
    const downUntil = Date.now();
    ctx.log('starting PostgreSQL again');
    // Recovery is timed from here: crash recovery of the server included.
    const upAt = Date.now();
    await pg.start();
    let recoveredAt = 0;
    await waitUntil(
      'the API to accept events again',
      () => {
        const first = events.find((e) => e.status === 202 && (e.answeredAt ?? 0) >= upAt);
        recoveredAt = first?.answeredAt ?? 0;
        return recoveredAt > 0;
      },
      60_000,
      100,
    ).catch((err: unknown) => ctx.log(err instanceof Error ? err.message : String(err)));
    if (recoveredAt > 0) {
      ctx.log(
        `accepting events again ${((recoveredAt - upAt) / 1000).toFixed(1)} s after starting PostgreSQL`,
      );
      await waitUntil(
        `${AFTER} acknowledged events after recovery`,
        () => acked(recoveredAt) >= AFTER,
        60_000,
        100,
      ).catch((err: unknown) => ctx.log(err instanceof Error ? err.message : String(err)));
    }
    stopSending = true;
    await lanes;

    const whileDown = events.filter(
      (e) => e.answeredAt !== undefined && e.answeredAt >= downFrom && e.answeredAt <= downUntil,
    );
    const wrongWhileDown = whileDown.filter(
      (e) => e.status !== 503 || !e.isProblemJson || !e.problemType?.endsWith('/database-unavailable'),
    );
    const statusesSeen = [
      ...new Set(events.filter((e) => e.status !== undefined && e.status !== 202).map((e) => e.status)),
    ];
    checks.expect(
      'answers while PostgreSQL is down are 503 problem+json',
      whileDown.length > 0 && wrongWhileDown.length === 0,
      `${whileDown.length} answers while down, ${wrongWhileDown.length} of them not 503 database-unavailable` +
        (wrongWhileDown[0]
          ? ` (e.g. ${wrongWhileDown[0].status} ${wrongWhileDown[0].problemType ?? ''})`
          : '') +
        `; non-202 statuses seen: ${statusesSeen.join(', ') || 'none'}`,
    );
    checks.expect(
      'the API recovered by itself (same processes)',
      recoveredAt > 0 && stack.apiProcess.alive && stack.worker.alive,
      recoveredAt > 0
        ? `first 202 ${((recoveredAt - upAt) / 1000).toFixed(1)} s after starting PostgreSQL; api ${stack.apiProcess.alive ? 'alive' : 'exited'}, worker ${stack.worker.alive ? 'alive' : 'exited'}`
        : `no 202 after PostgreSQL was back: ${stack.apiProcess.output(5)}`,
    );

    // Resend every event without a 202. Those stored despite the error must say duplicate: true.
    const unacked = events.filter((e) => e.status !== 202);
    const { rows: storedRows } = await stack.db.query<{ id: string }>(
      `SELECT id FROM events WHERE id = ANY($1::text[])`,
      [unacked.map((e) => e.id)],
    );
    const storedDespiteError = new Set(storedRows.map((r) => r.id));
    await inParallel(unacked, CONCURRENCY, send);
    const stillUnacked = unacked.filter((e) => e.status !== 202).length;
    const wrongFlag = unacked.filter((e) => e.status === 202 && e.duplicate !== storedDespiteError.has(e.id));
    checks.equal('resent events answered 202', unacked.length - stillUnacked, unacked.length);
    checks.expect(
      'a resent event answers duplicate: true exactly when it had been stored',
      wrongFlag.length === 0,
      `${storedDespiteError.size} of ${unacked.length} unacknowledged events had been stored; wrong flags: ${wrongFlag.length}`,
    );

    await waitUntil(
      'every event to be routed',
      async () => {
        const { rows } = await stack.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM events WHERE route_status <> 'routed'`,
        );
        return rows[0].n === 0;
      },
      90_000,
      1000,
    ).catch((err: unknown) => ctx.log(err instanceof Error ? err.message : String(err)));
    const sent = events.length;
    const expectedRuns = events.filter((e) => e.n % RUN_EVERY === 0).length;
    const { rows } = await stack.db.query<{
      stored: number;
      routed: number;
      one_outcome: number;
      started: number;
      skipped: number;
      orphans: number;
      total_events: number;
    }>(
      `WITH o AS (SELECT event_id, count(*) AS n, min(outcome) AS outcome FROM event_outcomes
                   WHERE rule_name = $2 GROUP BY event_id)
       SELECT count(e.id)::int AS stored,
              count(*) FILTER (WHERE e.route_status = 'routed')::int AS routed,
              count(*) FILTER (WHERE o.n = 1)::int AS one_outcome,
              count(*) FILTER (WHERE o.outcome = 'started')::int AS started,
              count(*) FILTER (WHERE o.outcome = 'skipped')::int AS skipped,
              (SELECT count(*) FROM event_outcomes x WHERE NOT EXISTS
                 (SELECT 1 FROM events y WHERE y.id = x.event_id))::int AS orphans,
              (SELECT count(*) FROM events)::int AS total_events
         FROM events e LEFT JOIN o ON o.event_id = e.id WHERE e.id = ANY($1::text[])`,
      [events.map((e) => e.id), RULE],
    );
    const f = rows[0];
    checks.equal('acknowledged events stored', f.stored, sent);
    checks.equal('no other events stored', f.total_events, sent);
    checks.equal('stored events routed', f.routed, sent);
    checks.equal('events with exactly one outcome row', f.one_outcome, sent);
    checks.equal('outcome rows without their event', f.orphans, 0);
    checks.equal('outcomes started or skipped (none stuck)', f.started + f.skipped, sent);

    const runIds = events.filter((e) => e.n % RUN_EVERY === 0).map((e) => `o-${e.n}`);
    let statuses = new Map<string, number>();
    await waitUntil(
      'every run to complete',
      async () => {
        statuses = await runStatuses(
          stack.client,
          runIds.map((id) => keyedWorkflowId(RULE, id)),
        );
        return (statuses.get('COMPLETED') ?? 0) === expectedRuns;
      },
      90_000,
      2000,
    ).catch((err: unknown) => ctx.log(err instanceof Error ? err.message : String(err)));
    const completed = statuses.get('COMPLETED') ?? 0;
    checks.equal('runs completed', completed, expectedRuns);
    const tally = stack.target.tally(runIds.map((id) => `${id}/only`));
    checks.expect(
      'each run called the target under exactly one key',
      tally.lost === 0 && tally.duplicates === 0,
      `${tally.effects} effects for ${expectedRuns} runs; ${tally.examples.join('; ') || 'none missing or doubled'}`,
    );
    const storedTwice = wrongFlag.filter((e) => e.duplicate === false).length;
    return {
      checks: checks.list,
      figures: {
        sent,
        acknowledged: events.filter((e) => e.status === 202).length,
        stored: f.stored,
        routedOnce: f.one_outcome,
        runs: completed,
        effects: tally.effects,
        redeliveries: tally.redeliveries,
        duplicates: tally.duplicates + storedTwice + Math.max(0, f.total_events - sent),
        lost: tally.lost + (sent - f.stored) + (sent - f.one_outcome) + (expectedRuns - completed),
        notes: {
          answers503: whileDown.length - wrongWhileDown.length,
          otherWhileDown: wrongWhileDown.length,
          storedDespiteError: storedDespiteError.size,
          recoverySeconds: recoveredAt > 0 ? Number(((recoveredAt - upAt) / 1000).toFixed(1)) : 'never',
        },
      },
    };
  },
};
