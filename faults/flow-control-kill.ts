/**
 * SIGKILL the api (while it routes) and the worker while debounce bursts and batches are pending
 * in their gate workflows; post more triggers of the same bursts and batches to a new api while
 * no worker runs; start a new worker. Each burst and each batch must start exactly one run, whose
 * `events` are all of its triggers in stored order, every trigger must have exactly one outcome
 * row (`started` or `debounced`/`batched`), and each run's action must reach the target once.
 */
import type { RuleIR } from '../dsl/runtime';
import type { RunInput } from '../workflows/contract';
import type { Scenario, ScenarioResult } from './scenario';
import { Checks } from './scenario';
import { sleep, waitUntil } from './processes';
import { inParallel } from './services';
import { startStack, type Stack } from './stack';
import type { TargetServer } from './target-server';

const DEBOUNCE = 'fault_debounce';
const BATCH = 'fault_batch';
const SKUS = ['A', 'B'];
const CARTS = ['C1', 'C2'];
/** Long enough that the bursts stay open across the kills and restarts on a loaded machine. */
const QUIET_MS = 45_000;
const BATCH_SIZE = 10;

const call = (target: TargetServer, path: string, run: string): string =>
  `call http.request(method: "POST", url: "${target.url(path)}", body: { run: ${run}, step: "run" }) retry 50 every 1s backoff 1 timeout 8s`;

const rules = (target: TargetServer): string => `
event flow.update {
  sku: string
  n: int
}

event flow.item {
  cart: string
  n: int
}

rule ${DEBOUNCE}
  on flow.update
  key event.sku
do
  ${call(target, '/effects/debounce', 'event.sku')}
end

rule ${BATCH}
  on flow.item
  key event.cart
do
  ${call(target, '/effects/batch', 'event.cart')}
end
`;

/**
 * Gives the deployed rules their flow control. The v2 text form is parsed on another branch; until
 * it is merged the clauses are written into the deployed IR, which is what the engine runs.
 */
async function addFlowControl(stack: Stack): Promise<void> {
  const flows: Record<string, RuleIR['flow']> = {
    [DEBOUNCE]: { debounce: { quietMs: QUIET_MS } },
    [BATCH]: { batch: { size: BATCH_SIZE, withinMs: 600_000 } },
  };
  for (const [rule, flow] of Object.entries(flows)) {
    await stack.db.query(
      `UPDATE rule_versions SET ir = ir || jsonb_build_object('flow', $2::jsonb) WHERE rule_name = $1`,
      [rule, JSON.stringify(flow)],
    );
  }
}

type Trigger = { id: string; type: string; data: Record<string, unknown> };

function triggers(round: number, perSku: number, perCart: number): Trigger[] {
  const out: Trigger[] = [];
  for (const sku of SKUS)
    for (let i = 0; i < perSku; i++)
      out.push({ id: `upd-${sku}-${round}-${i}`, type: 'flow.update', data: { sku, n: i } });
  for (const cart of CARTS)
    for (let i = 0; i < perCart; i++)
      out.push({ id: `item-${cart}-${round}-${i}`, type: 'flow.item', data: { cart, n: i } });
  return out;
}

export const flowControlKill: Scenario = {
  name: 'flow-control-kill',
  title: 'SIGKILL the api and the worker with debounce bursts and batches pending; more triggers meanwhile',
  async run(ctx): Promise<ScenarioResult> {
    const checks = new Checks();
    const stack = await startStack(ctx, { rules });
    await addFlowControl(stack);
    // A new api reads the rules with their flow control.
    await stack.apiProcess.kill('SIGKILL');
    await stack.restartApi();

    let sent = 0;
    let acknowledged = 0;
    const post = async (list: readonly Trigger[]): Promise<void> => {
      sent += list.length;
      await inParallel(list, 8, async (t) => {
        for (let attempt = 0; attempt < 20; attempt++) {
          if (await stack.api.postEvent(t).catch(() => false)) {
            acknowledged++;
            return;
          }
          await sleep(500);
        }
      });
    };
    await post(triggers(1, 20, 5));
    // At once: the api is still routing the last of them, the gates hold the rest.
    ctx.log(
      `SIGKILL api (pid ${stack.apiProcess.pid}) and worker (pid ${stack.worker.pid}) with bursts and batches pending`,
    );
    await Promise.all([stack.apiProcess.kill('SIGKILL'), stack.worker.kill('SIGKILL')]);
    // What the kill interrupted: events not yet routed, and routings begun but not finished.
    const { rows: atKill } = await stack.db.query<{ pending: number; starting: number }>(
      `SELECT (SELECT count(*)::int FROM events WHERE route_status = 'pending') AS pending,
              (SELECT count(*)::int FROM event_outcomes WHERE outcome = 'starting') AS starting`,
    );
    ctx.log(
      `at the kill: ${atKill[0].pending} events not routed, ${atKill[0].starting} routings in 'starting'`,
    );
    await stack.restartApi();
    await post(triggers(2, 10, 5));
    ctx.log('posted the rest of the bursts and batches while no worker runs; starting a new worker');
    await sleep(1000);
    await stack.restartWorker();

    const started = async (): Promise<{ rule: string; run_id: string; workflow_id: string }[]> =>
      (
        await stack.db.query<{ rule: string; run_id: string; workflow_id: string }>(
          `SELECT rule_name AS rule, run_id, workflow_id FROM event_outcomes WHERE outcome = 'started'`,
        )
      ).rows;
    await waitUntil(
      'a run per burst and batch, and their actions',
      async () => (await started()).length >= 4 && stack.target.stats.effects >= 4,
      QUIET_MS + 120_000,
      2000,
    );
    // Long enough for a second run to show up if one were going to.
    await sleep(5000);

    const runs = await started();
    const { rows: counts } = await stack.db.query<{ rule: string; outcome: string; n: number }>(
      `SELECT rule_name AS rule, outcome, count(*)::int AS n FROM event_outcomes GROUP BY 1, 2 ORDER BY 1, 2`,
    );
    const count = (rule: string, outcome: string): number =>
      counts.find((c) => c.rule === rule && c.outcome === outcome)?.n ?? 0;
    checks.equal('debounce: one run per key', runs.filter((r) => r.rule === DEBOUNCE).length, SKUS.length);
    checks.equal('batch: one run per key', runs.filter((r) => r.rule === BATCH).length, CARTS.length);
    checks.equal(
      'debounce: the other triggers are debounced',
      count(DEBOUNCE, 'debounced'),
      SKUS.length * 29,
    );
    checks.equal('batch: the other triggers are batched', count(BATCH, 'batched'), CARTS.length * 9);
    const { rows: outcomeRows } = await stack.db.query<{ stored: number; once: number; starting: number }>(
      `SELECT count(DISTINCT e.id)::int AS stored,
              count(*) FILTER (WHERE o.outcome IS NOT NULL)::int AS once,
              count(*) FILTER (WHERE o.outcome = 'starting')::int AS starting
         FROM events e LEFT JOIN event_outcomes o ON o.event_id = e.id`,
    );
    const { stored, once, starting } = outcomeRows[0];
    checks.equal('every trigger stored', stored, sent);
    checks.equal('every trigger has exactly one outcome row', once, sent);
    checks.equal('no outcome left in starting', starting, 0);

    // Each run's `events` are all of its key's triggers, in stored order.
    let eventsOk = 0;
    for (const run of runs) {
      const history = await stack.client.workflow.getHandle(run.workflow_id, run.run_id).fetchHistory();
      const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
      const input = JSON.parse(Buffer.from(payload?.data ?? new Uint8Array()).toString('utf8')) as RunInput;
      const key = input.key ?? '';
      const type = run.rule === DEBOUNCE ? 'flow.update' : 'flow.item';
      const field = run.rule === DEBOUNCE ? 'sku' : 'cart';
      const { rows } = await stack.db.query<{ id: string }>(
        `SELECT id FROM events WHERE type = $1 AND data->>'${field}' = $2 ORDER BY received_at, id`,
        [type, key],
      );
      const want = rows.map((r) => r.id);
      const got = (input.events ?? []).map((e) => e.id);
      if (JSON.stringify(got) === JSON.stringify(want)) eventsOk++;
      else ctx.log(`${run.rule}/${key}: events ${got.length} (${got.join(',')}) vs stored ${want.length}`);
    }
    checks.equal('each run has all its triggers as events, in stored order', eventsOk, runs.length);

    const expected = [...SKUS, ...CARTS].map((k) => `${k}/run`);
    const tally = stack.target.tally(expected);
    checks.expect(
      'each run’s action reached the target once',
      tally.lost === 0 && tally.duplicates === 0,
      `${tally.effects} effects for ${expected.length} runs; ${tally.examples.join('; ') || 'none missing or doubled'}`,
    );
    return {
      checks: checks.list,
      figures: {
        sent,
        acknowledged,
        stored,
        routedOnce: once,
        runs: runs.length,
        effects: tally.effects,
        redeliveries: tally.redeliveries,
        duplicates: tally.duplicates + Math.max(0, runs.length - expected.length),
        lost: tally.lost + Math.max(0, sent - stored) + Math.max(0, expected.length - runs.length),
        notes: { pendingAtKill: atKill[0].pending, startingAtKill: atKill[0].starting },
      },
    };
  },
};
