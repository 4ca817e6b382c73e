/**
 * Redeploy a rule while 50 runs of its previous version wait for an event. The waiting runs
 * finish on the version they started with (v1 calls `/v1/…` at the target), runs started after
 * the deploy use the new one (`/v2/…`), and each action happens once.
 */
import { waitUntil } from './processes';
import type { Scenario, ScenarioResult } from './scenario';
import { Checks } from './scenario';
import { inParallel, runStatuses } from './services';
import { keyedWorkflowId, startStack } from './stack';
import type { TargetServer } from './target-server';

const RULE = 'fault_redeploy';
const WAITING = 50;
const NEW = 20;

const rules = (target: TargetServer, version: 'v1' | 'v2'): string => `
event fault.order {
  order_id: string
}

event fault.release {
  order_id: string
}

rule ${RULE} "version ${version}"
  on fault.order
  key event.order_id
do
  wait for fault.release as r where r.order_id == event.order_id within 10m
  call http.request(method: "POST", url: "${target.url(`/${version}/after`)}", body: { run: event.order_id, step: "after" }) retry 50 every 1s backoff 1 timeout 8s
end
`;

export const redeploy: Scenario = {
  name: 'redeploy',
  title: `redeploy a rule while ${WAITING} runs of the previous version wait`,
  async run(ctx): Promise<ScenarioResult> {
    const checks = new Checks();
    const stack = await startStack(ctx, { rules: (target) => rules(target, 'v1') });
    const old = Array.from({ length: WAITING }, (_, i) => `rd-old-${i}`);
    const fresh = Array.from({ length: NEW }, (_, i) => `rd-new-${i}`);
    let acknowledged = 0;
    const post = (ids: readonly string[], type: 'fault.order' | 'fault.release'): Promise<void> =>
      inParallel(ids, 8, async (id) => {
        await stack.api.postEvent({ id: `${type}-${id}`, type, data: { order_id: id } });
        acknowledged++;
      });

    await post(old, 'fault.order');
    await waitUntil(
      `${WAITING} runs waiting`,
      async () => {
        const { rows } = await stack.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM subscriptions`);
        return rows[0].n >= WAITING;
      },
      60_000,
    );
    ctx.log(`${WAITING} runs of v1 wait; deploying v2`);
    const deployed = (await stack.api.deploy(
      [{ path: `${ctx.name}.rule`, content: rules(stack.target, 'v2') }],
      'v2: call /v2/after',
    )) as { changes: { rule: string; change: string; version: number }[] };
    const change = deployed.changes.find((c) => c.rule === RULE);
    checks.expect(
      'the deploy made version 2',
      change?.change === 'changed' && change.version === 2,
      JSON.stringify(change ?? deployed.changes),
    );
    await post(fresh, 'fault.order');
    await post([...old, ...fresh], 'fault.release');
    ctx.log(`posted ${NEW} new orders and ${WAITING + NEW} releases`);

    const all = [...old, ...fresh];
    let statuses = new Map<string, number>();
    await waitUntil(
      'every run to complete',
      async () => {
        statuses = await runStatuses(
          stack.client,
          all.map((id) => keyedWorkflowId(RULE, id)),
        );
        return (statuses.get('COMPLETED') ?? 0) === all.length;
      },
      90_000,
      2000,
    ).catch((err: unknown) => ctx.log(err instanceof Error ? err.message : String(err)));
    const completed = statuses.get('COMPLETED') ?? 0;
    checks.equal('runs completed', completed, all.length);

    // Anything on the wrong path counts as unexpected (a duplicate) in that path's tally.
    const v1 = stack.target.tally(
      old.map((id) => `${id}/after`),
      '/v1/',
    );
    const v2 = stack.target.tally(
      fresh.map((id) => `${id}/after`),
      '/v2/',
    );
    checks.expect(
      'runs started before the deploy finished on v1',
      v1.lost === 0 && v1.duplicates === 0,
      `${v1.effects} calls to /v1/ for ${WAITING} runs; ${v1.examples.join('; ') || 'as expected'}`,
    );
    checks.expect(
      'runs started after the deploy used v2',
      v2.lost === 0 && v2.duplicates === 0,
      `${v2.effects} calls to /v2/ for ${NEW} runs; ${v2.examples.join('; ') || 'as expected'}`,
    );
    const { rows } = await stack.db.query<{ order_id: string; rule_version: number }>(
      `SELECT e.data->>'order_id' AS order_id, o.rule_version
         FROM events e JOIN event_outcomes o ON o.event_id = e.id
        WHERE e.type = 'fault.order' AND o.outcome = 'started'`,
    );
    const { rows: stored } = await stack.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events WHERE route_status = 'routed'`,
    );
    checks.equal('events stored and routed', stored[0].n, all.length * 2);
    const version = new Map(rows.map((r) => [r.order_id, r.rule_version]));
    const wrongVersion = all.filter((id) => version.get(id) !== (old.includes(id) ? 1 : 2));
    checks.expect(
      'each order started one run of the version current when it was routed',
      rows.length === all.length && wrongVersion.length === 0,
      `${rows.length} started outcomes; wrong version: ${wrongVersion.slice(0, 5).join(', ') || 'none'}`,
    );
    return {
      checks: checks.list,
      figures: {
        sent: all.length * 2,
        acknowledged,
        stored: stored[0].n,
        routedOnce: rows.length,
        runs: completed,
        effects: v1.effects + v2.effects,
        redeliveries: v1.redeliveries + v2.redeliveries,
        duplicates: v1.duplicates + v2.duplicates + Math.max(0, rows.length - all.length),
        lost: v1.lost + v2.lost + (all.length - completed) + (all.length * 2 - stored[0].n),
        notes: { onV1: v1.effects, onV2: v2.effects, wrongVersion: wrongVersion.length },
      },
    };
  },
};
