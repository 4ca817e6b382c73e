/**
 * `npm run test:cluster`: the production topology under faults. A real Temporal server on
 * PostgreSQL, 2 × `opsflow api` and 2 × `opsflow worker`. A client posts 5,000 events over 200
 * keys to both APIs alternately (an event whose API gives no answer goes to the other one, as a
 * load balancer would) while one api and one worker are SIGKILLed mid-burst and started again.
 * Then 100 events of one key go to the two APIs in turn, one after the other. Every acknowledged
 * event must be stored and routed once, every run complete, each action reach the target under
 * one idempotency key, and the `queue` rule's target see each key's events in stored order.
 */
import { startCluster, type ClusterStack } from './cluster-stack';
import { sleep } from './processes';
import type { FaultContext, Scenario, ScenarioResult } from './scenario';
import { Checks } from './scenario';
import { inParallel, runStatuses } from './services';
import { keyedWorkflowId } from './stack';
import type { TargetServer } from './target-server';

const RULE = 'cluster_queue';
const EVENTS = 5000;
const KEYS = 200;
const CONCURRENCY = 16;
/** Acknowledged events before one api and one worker are killed. */
const KILL_AFTER = 1500;
/** Events of the one key sent one by one, alternating between the APIs. */
const SOLO = 100;
const SOLO_KEY = 'solo';

const rules = (target: TargetServer): string => `
event cluster.order {
  key: string
  n: int
}

rule ${RULE}
  on cluster.order
  key event.key
  concurrency queue
do
  call http.request(method: "POST", url: "${target.url('/effects/queue')}", body: { run: event.key, step: "\${event.n}", key: event.key, n: event.n }) retry 50 every 1s backoff 1 timeout 8s
end
`;

interface Sent {
  readonly id: string;
  readonly key: string;
  readonly n: number;
  acknowledged: boolean;
  /** Requests that got no answer or a 5xx (resent to the other API). */
  retries: number;
}

/**
 * Posts an event to API `first`, and on no answer (or a 5xx) to the next one, until one
 * acknowledges it; gives up after 60 tries (then it counts as not acknowledged).
 */
async function post(stack: ClusterStack, e: Sent, first: number): Promise<void> {
  for (let attempt = 0; attempt < 60 && !e.acknowledged; attempt++) {
    const node = stack.apis[(first + attempt) % stack.apis.length];
    try {
      const answer = await node.api.request(
        'POST',
        '/v1/events',
        { id: e.id, type: 'cluster.order', data: { key: e.key, n: e.n } },
        10_000,
      );
      if (answer.status === 202) e.acknowledged = true;
      else if (answer.status < 500)
        throw new Error(`event ${e.id}: ${answer.status} ${JSON.stringify(answer.body)}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith(`event ${e.id}:`)) throw err;
    }
    if (!e.acknowledged) {
      e.retries++;
      await sleep(100);
    }
  }
}

/** Per key, the order of `n` in the events table (stored order) and at the target (first requests). */
async function orders(
  stack: ClusterStack,
): Promise<{ stored: Map<string, number[]>; seen: Map<string, number[]> }> {
  const { rows } = await stack.db.query<{ key: string; n: number }>(
    `SELECT data->>'key' AS key, (data->>'n')::int AS n FROM events
      WHERE type = 'cluster.order' ORDER BY received_at, id`,
  );
  const stored = new Map<string, number[]>();
  for (const r of rows) stored.set(r.key, [...(stored.get(r.key) ?? []), r.n]);
  const seen = new Map<string, number[]>();
  for (const effect of stack.target.list()) {
    const key = String(effect.body.key);
    seen.set(key, [...(seen.get(key) ?? []), Number(effect.body.n)]);
  }
  return { stored, seen };
}

/** No progress for this long ends a wait (the work is stuck, not slow). */
const STALL_MS = 90_000;

/**
 * Polls `probe` every 3 s until it says done. Slow is fine (a loaded 2-core machine), stuck is
 * not: the wait ends, logged, when `progress` has not grown for `STALL_MS`; the checks after it
 * then fail with the figures as they are.
 */
async function whileProgressing(
  ctx: FaultContext,
  what: string,
  probe: () => Promise<{ done: boolean; progress: number }>,
): Promise<void> {
  let best = -Infinity;
  let movedAt = Date.now();
  for (;;) {
    const { done, progress } = await probe();
    if (done) return;
    if (progress > best) {
      best = progress;
      movedAt = Date.now();
    } else if (Date.now() - movedAt > STALL_MS) {
      ctx.log(`no progress for ${STALL_MS / 1000} s waiting for ${what}`);
      return;
    }
    await sleep(3000);
  }
}

export const cluster: Scenario = {
  name: 'cluster',
  title: `2 api + 2 worker on a real Temporal server: ${EVENTS} events over ${KEYS} keys, kill an api and a worker mid-burst`,
  timeoutMs: 1_500_000,
  async run(ctx): Promise<ScenarioResult> {
    const checks = new Checks();
    const stack = await startCluster(ctx, { apis: 2, workers: 2, rules });
    const events: Sent[] = Array.from({ length: EVENTS }, (_, n) => ({
      id: `cluster-${n}`,
      key: `k-${n % KEYS}`,
      n,
      acknowledged: false,
      retries: 0,
    }));
    let acked = 0;
    let restarting: Promise<void> | undefined;
    const begin = Date.now();
    await inParallel(events, CONCURRENCY, async (e, i) => {
      await post(stack, e, i % stack.apis.length);
      if (e.acknowledged) acked++;
      if (acked >= KILL_AFTER && !restarting) {
        const api = stack.apis[0].process;
        const worker = stack.workers[0];
        ctx.log(
          `SIGKILL api (pid ${api.pid}) and worker (pid ${worker.pid}) after ${acked} acknowledged events`,
        );
        restarting = (async () => {
          await Promise.all([api.kill('SIGKILL'), worker.kill('SIGKILL')]);
          await sleep(2000);
          await Promise.all([stack.restartApi(0), stack.restartWorker(0)]);
        })();
      }
      if ((i + 1) % 1000 === 0) ctx.log(`sent ${i + 1} of ${EVENTS}, ${acked} acknowledged`);
    });
    await restarting;
    const retried = events.filter((e) => e.retries > 0).length;
    ctx.log(
      `burst done in ${((Date.now() - begin) / 1000).toFixed(1)} s: ${acked} acknowledged, ${retried} resent to the other api`,
    );
    checks.expect('the kill interrupted the burst', retried > 0, `${retried} events resent to the other api`);

    // One key, one event at a time, to the two APIs in turn: each is stored after the previous.
    const solo: Sent[] = Array.from({ length: SOLO }, (_, i) => ({
      id: `cluster-solo-${i}`,
      key: SOLO_KEY,
      n: EVENTS + i,
      acknowledged: false,
      retries: 0,
    }));
    for (const [i, e] of solo.entries()) await post(stack, e, i % stack.apis.length);
    const all = [...events, ...solo];
    const acknowledged = all.filter((e) => e.acknowledged).length;
    checks.equal('events acknowledged', acknowledged, all.length);

    ctx.log('waiting until every event is routed and every action reached the target');
    await whileProgressing(ctx, 'every event routed and every action done', async () => {
      const { rows } = await stack.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM events WHERE route_status <> 'routed'`,
      );
      const { effects } = stack.target.stats;
      ctx.log(`${rows[0].n} events not routed yet, ${effects} of ${all.length} side effects`);
      return { done: rows[0].n === 0 && effects >= acknowledged, progress: effects - rows[0].n };
    });

    const ids = all.filter((e) => e.acknowledged).map((e) => e.id);
    const { rows: db } = await stack.db.query<{ stored: number; routed: number; one_outcome: number }>(
      `WITH o AS (SELECT event_id, count(*) AS n FROM event_outcomes WHERE rule_name = $2 GROUP BY event_id)
       SELECT count(e.id)::int AS stored,
              count(*) FILTER (WHERE e.route_status = 'routed')::int AS routed,
              count(*) FILTER (WHERE o.n = 1)::int AS one_outcome
         FROM events e LEFT JOIN o ON o.event_id = e.id WHERE e.id = ANY($1::text[])`,
      [ids, RULE],
    );
    const figures = db[0];
    checks.equal('acknowledged events stored', figures.stored, acknowledged);
    checks.equal('stored events routed', figures.routed, acknowledged);
    checks.equal('events with exactly one outcome row', figures.one_outcome, acknowledged);

    const keys = [...new Set(all.map((e) => e.key))];
    let statuses = new Map<string, number>();
    await whileProgressing(ctx, 'every run to complete', async () => {
      statuses = await runStatuses(
        stack.client,
        keys.map((k) => keyedWorkflowId(RULE, k)),
      );
      const done = statuses.get('COMPLETED') ?? 0;
      return { done: done === keys.length, progress: done };
    });
    const completed = statuses.get('COMPLETED') ?? 0;
    checks.equal('keys whose queue ran to completion', completed, keys.length);

    const tally = stack.target.tally(all.filter((e) => e.acknowledged).map((e) => `${e.key}/${e.n}`));
    checks.expect(
      'each action reached the target under exactly one idempotency key',
      tally.lost === 0 && tally.duplicates === 0,
      `${tally.effects} effects for ${acknowledged} events; ${tally.examples.join('; ') || 'none missing or doubled'}`,
    );
    const { stored, seen } = await orders(stack);
    const outOfOrder = keys.filter((k) => (stored.get(k) ?? []).join(',') !== (seen.get(k) ?? []).join(','));
    checks.expect(
      'the target saw each key in stored order (across both routers)',
      outOfOrder.length === 0,
      outOfOrder.length === 0
        ? `${keys.length} keys in order`
        : outOfOrder
            .slice(0, 3)
            .map(
              (k) =>
                `${k}: stored ${stored.get(k)?.slice(0, 8).join(',')}… seen ${seen.get(k)?.slice(0, 8).join(',')}…`,
            )
            .join('; '),
    );
    const soloSeen = seen.get(SOLO_KEY) ?? [];
    checks.expect(
      'one key posted to both APIs in turn arrives in the order it was posted',
      soloSeen.join(',') === solo.map((e) => e.n).join(','),
      `${soloSeen.length} of ${SOLO} in posting order`,
    );
    return {
      checks: checks.list,
      figures: {
        sent: all.length,
        acknowledged,
        stored: figures.stored,
        routedOnce: figures.one_outcome,
        runs: completed,
        effects: tally.effects,
        redeliveries: tally.redeliveries,
        duplicates: tally.duplicates,
        lost: tally.lost + (acknowledged - figures.stored) + (acknowledged - figures.one_outcome),
        notes: { resent: retried, outOfOrderKeys: outOfOrder.length },
      },
    };
  },
};
