/**
 * SIGKILL the worker while 100 runs are mid-flight — a third in an action (the target server
 * holds their request), a third sleeping, a third waiting for an event — then start a new
 * worker. Every run must complete, and every action must reach the target under exactly one
 * idempotency key (the killed attempts are retried with the same key).
 */
import type { Scenario, ScenarioResult } from './scenario';
import { Checks } from './scenario';
import { sleep, waitUntil } from './processes';
import { inParallel, runStatuses } from './services';
import { keyedWorkflowId, startStack } from './stack';
import type { TargetServer } from './target-server';

const RULE = 'fault_worker_kill';
const RUNS = 100;
const SLEEP_SECONDS = 25;
type Group = 'action' | 'sleep' | 'wait';

const rules = (target: TargetServer): string => `
event fault.order {
  order_id: string
  group: string
  hold: bool
}

event fault.release {
  order_id: string
}

rule ${RULE}
  on fault.order
  key event.order_id
do
  call http.request(method: "POST", url: "${target.url('/effects/first')}", body: { run: event.order_id, step: "first", hold: event.hold }) retry 50 every 1s backoff 1 timeout 8s
  if event.group == "sleep"
    sleep ${SLEEP_SECONDS}s
  end
  wait for fault.release as r where r.order_id == event.order_id within 10m
  call http.request(method: "POST", url: "${target.url('/effects/second')}", body: { run: event.order_id, step: "second" }) retry 50 every 1s backoff 1 timeout 8s
end
`;

export const workerKill: Scenario = {
  name: 'worker-kill',
  title: `SIGKILL the worker with ${RUNS} runs in actions, sleeping and waiting; restart it`,
  async run(ctx): Promise<ScenarioResult> {
    const checks = new Checks();
    const stack = await startStack(ctx, { rules });
    const orders = Array.from({ length: RUNS }, (_, i) => {
      const group: Group = (['action', 'sleep', 'wait'] as const)[i % 3];
      return { id: `wk-${String(i).padStart(3, '0')}`, group };
    });
    const inGroup = (g: Group): string[] => orders.filter((o) => o.group === g).map((o) => o.id);

    await inParallel(orders, 8, async (o) => {
      await stack.api.postEvent({
        id: `order-${o.id}`,
        type: 'fault.order',
        data: { order_id: o.id, group: o.group, hold: o.group === 'action' },
      });
    });
    ctx.log(`posted ${RUNS} events; waiting until every run is in its action, sleep or wait`);
    const waiting = async (ids: readonly string[]): Promise<number> => {
      const { rows } = await stack.db.query<{ n: number }>(
        `SELECT count(DISTINCT workflow_id)::int AS n FROM subscriptions WHERE workflow_id = ANY($1::text[])`,
        [ids.map((id) => keyedWorkflowId(RULE, id))],
      );
      return rows[0].n;
    };
    // Every first call arrived (the action group's are held), and the wait group subscribed.
    await waitUntil(
      'every run to reach its action, sleep or wait',
      async () =>
        stack.target.stats.effects >= RUNS && (await waiting(inGroup('wait'))) === inGroup('wait').length,
      60_000,
    );
    const inAction = stack.target.stats.held;
    const waitingAtKill = await waiting(inGroup('wait'));
    // Sleeping: the first call answered, no subscription yet (they subscribe after the sleep).
    const sleepingAtKill = inGroup('sleep').length - (await waiting(inGroup('sleep')));
    ctx.log(
      `SIGKILL worker (pid ${stack.worker.pid}): ${inAction} in an action, ${sleepingAtKill} sleeping, ${waitingAtKill} waiting`,
    );
    await stack.worker.kill('SIGKILL');
    // The killed attempts' requests are answered into closed sockets; the retries get answers.
    stack.target.releaseHeld();
    checks.equal('runs in an action at the kill', inAction, inGroup('action').length);
    checks.equal('runs sleeping at the kill', sleepingAtKill, inGroup('sleep').length);
    checks.equal('runs waiting at the kill', waitingAtKill, inGroup('wait').length);

    // The waiting runs' events arrive while no worker runs: the router signals Temporal anyway.
    const release = (ids: readonly string[]): Promise<void> =>
      inParallel(ids, 8, async (id) => {
        await stack.api.postEvent({ id: `release-${id}`, type: 'fault.release', data: { order_id: id } });
      });
    await release(inGroup('wait'));
    ctx.log(
      `released the ${inGroup('wait').length} waiting runs while the worker is down; starting a new worker`,
    );
    await sleep(1000);
    await stack.restartWorker();
    await release([...inGroup('action'), ...inGroup('sleep')]);

    const ids = orders.map((o) => keyedWorkflowId(RULE, o.id));
    let statuses = new Map<string, number>();
    await waitUntil(
      'every run to complete',
      async () => {
        statuses = await runStatuses(stack.client, ids);
        ctx.log(`runs: ${[...statuses].map(([s, n]) => `${n} ${s.toLowerCase()}`).join(', ')}`);
        return (statuses.get('COMPLETED') ?? 0) === RUNS || (statuses.get('RUNNING') ?? 0) === 0;
      },
      SLEEP_SECONDS * 1000 + 90_000,
      3000,
    );
    const completed = statuses.get('COMPLETED') ?? 0;
    checks.equal('runs completed', completed, RUNS);

    const expected = orders.flatMap((o) => [`${o.id}/first`, `${o.id}/second`]);
    const tally = stack.target.tally(expected);
    checks.expect(
      'each action has exactly one idempotency key at the target',
      tally.lost === 0 && tally.duplicates === 0,
      `${tally.effects} effects for ${expected.length} actions; ${tally.examples.join('; ') || 'none missing or doubled'}`,
    );
    // The held first calls were interrupted by the kill: the retry must reuse their key.
    const heldKeys = stack.target
      .list()
      .filter((e) => e.step === 'first' && inGroup('action').includes(e.run));
    const redelivered = heldKeys.filter((e) => stack.target.deliveriesOf(e.key) > 1).length;
    checks.equal('interrupted actions retried under their own key', redelivered, inGroup('action').length);

    const { rows } = await stack.db.query<{ started: number; events: number }>(
      `SELECT count(*) FILTER (WHERE o.outcome = 'started')::int AS started, count(DISTINCT e.id)::int AS events
         FROM events e LEFT JOIN event_outcomes o ON o.event_id = e.id AND o.rule_name = $1
        WHERE e.type = 'fault.order'`,
      [RULE],
    );
    checks.equal('order events stored', rows[0].events, RUNS);
    checks.equal('order events started a run once', rows[0].started, RUNS);
    return {
      checks: checks.list,
      figures: {
        sent: RUNS,
        acknowledged: RUNS,
        stored: rows[0].events,
        routedOnce: rows[0].started,
        runs: completed,
        effects: tally.effects,
        redeliveries: tally.redeliveries,
        duplicates: tally.duplicates,
        lost: tally.lost + (RUNS - completed),
        notes: { inAction, sleeping: sleepingAtKill, waiting: waitingAtKill },
      },
    };
  },
};
