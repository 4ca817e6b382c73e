/**
 * Stop the Temporal dev server mid-run and start it again on the same port and SQLite file. The
 * opsflow processes are not restarted: the worker and the router reconnect by themselves. Runs
 * that were sleeping or waiting resume; events posted while Temporal was down (starts and
 * releases) are routed once it is back; every action reaches the target under one key.
 */
import { join } from 'node:path';
import { freePort } from '../engine/temporal/dev-server';
import { sleep, waitUntil } from './processes';
import type { Scenario, ScenarioResult } from './scenario';
import { Checks } from './scenario';
import { devServer, inParallel, runStatuses, temporalClient } from './services';
import { keyedWorkflowId, startStack } from './stack';
import type { TargetServer } from './target-server';

const RULE = 'fault_temporal_restart';
const RUNS = 40;
/** Orders posted while Temporal is down: their runs start only after it is back. */
const LATE = 10;
const DOWN_MS = 5000;

const rules = (target: TargetServer): string => `
event fault.order {
  order_id: string
}

event fault.release {
  order_id: string
}

rule ${RULE}
  on fault.order
  key event.order_id
do
  call http.request(method: "POST", url: "${target.url('/effects/first')}", body: { run: event.order_id, step: "first" }) retry 50 every 1s backoff 1 timeout 8s
  sleep 6s
  wait for fault.release as r where r.order_id == event.order_id within 10m
  call http.request(method: "POST", url: "${target.url('/effects/second')}", body: { run: event.order_id, step: "second" }) retry 50 every 1s backoff 1 timeout 8s
end
`;

export const temporalRestart: Scenario = {
  name: 'temporal-restart',
  title: `stop and restart the Temporal dev server (same SQLite file) under ${RUNS} runs`,
  async run(ctx): Promise<ScenarioResult> {
    const checks = new Checks();
    const temporal = { dbFile: join(ctx.dir, 'temporal.db'), port: await freePort() };
    const stack = await startStack(ctx, { rules, temporal });
    const early = Array.from({ length: RUNS }, (_, i) => `tr-${String(i).padStart(2, '0')}`);
    const late = Array.from({ length: LATE }, (_, i) => `tr-late-${i}`);
    const post = (ids: readonly string[], type: 'fault.order' | 'fault.release'): Promise<void> =>
      inParallel(ids, 8, async (id) => {
        await stack.api.postEvent({ id: `${type}-${id}`, type, data: { order_id: id } });
      });

    await post(early, 'fault.order');
    await waitUntil('every first call', () => stack.target.stats.effects >= RUNS, 60_000);
    ctx.log(`${RUNS} runs made their first call and sleep; stopping the Temporal dev server`);
    await stack.temporal.stop();
    // While it is down: new orders (starts fail and are retried) and releases (signals).
    await post(late, 'fault.order');
    await post([...early, ...late], 'fault.release');
    ctx.log(`posted ${LATE} orders and ${RUNS + LATE} releases while Temporal is down`);
    await sleep(DOWN_MS);
    const { rows: pendingWhileDown } = await stack.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events WHERE route_status = 'pending'`,
    );
    checks.expect(
      'events wait for Temporal instead of being dropped',
      pendingWhileDown[0].n > 0,
      `${pendingWhileDown[0].n} event(s) pending while Temporal was down`,
    );
    const restarted = await devServer(ctx, temporal);
    ctx.log(`Temporal dev server back on ${restarted.address} (same SQLite file)`);
    const client = await temporalClient(ctx, restarted.address);

    const all = [...early, ...late];
    const ids = all.map((id) => keyedWorkflowId(RULE, id));
    let statuses = new Map<string, number>();
    await waitUntil(
      'every run to complete',
      async () => {
        statuses = await runStatuses(client, ids);
        ctx.log(`runs: ${[...statuses].map(([s, n]) => `${n} ${s.toLowerCase()}`).join(', ')}`);
        return (statuses.get('COMPLETED') ?? 0) === all.length;
      },
      120_000,
      3000,
    ).catch((err: unknown) => ctx.log(err instanceof Error ? err.message : String(err)));
    const completed = statuses.get('COMPLETED') ?? 0;
    checks.equal('runs completed', completed, all.length);
    checks.expect(
      'the worker and the api survived without a restart',
      stack.worker.alive && stack.apiProcess.alive,
      `worker ${stack.worker.alive ? 'alive' : 'exited'}, api ${stack.apiProcess.alive ? 'alive' : 'exited'}` +
        (stack.worker.alive ? '' : `; worker output: ${stack.worker.output(5)}`),
    );

    const expected = all.flatMap((id) => [`${id}/first`, `${id}/second`]);
    const tally = stack.target.tally(expected);
    checks.expect(
      'each action has exactly one idempotency key at the target',
      tally.lost === 0 && tally.duplicates === 0,
      `${tally.effects} effects for ${expected.length} actions; ${tally.examples.join('; ') || 'none missing or doubled'}`,
    );
    const { rows } = await stack.db.query<{ stored: number; routed: number; started: number }>(
      `SELECT count(*)::int AS stored,
              count(*) FILTER (WHERE e.route_status = 'routed')::int AS routed,
              count(o.event_id) FILTER (WHERE o.outcome = 'started')::int AS started
         FROM events e LEFT JOIN event_outcomes o ON o.event_id = e.id AND o.rule_name = $1`,
      [RULE],
    );
    const sent = all.length * 2;
    checks.equal('events stored', rows[0].stored, sent);
    checks.equal('events routed', rows[0].routed, sent);
    checks.equal('orders that started a run', rows[0].started, all.length);
    return {
      checks: checks.list,
      figures: {
        sent,
        acknowledged: sent,
        stored: rows[0].stored,
        routedOnce: rows[0].routed,
        runs: completed,
        effects: tally.effects,
        redeliveries: tally.redeliveries,
        duplicates: tally.duplicates,
        lost: tally.lost + (all.length - completed) + (sent - rows[0].routed),
        notes: { downSeconds: DOWN_MS / 1000, pendingWhileDown: pendingWhileDown[0].n },
      },
    };
  },
};
