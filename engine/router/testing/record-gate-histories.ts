/**
 * Records histories of the flow-control gate workflow for `workflows/replay.test.ts`: a debounce
 * burst, a batch (full, then by `within`) and a throttle holding triggers, each through the real
 * router and gate on the dev server. Run it after a change to `workflows/gate.ts` that is meant to
 * be compatible, to add the new behaviour's histories beside the old ones (never replace them):
 *
 *   eval "$(bash scripts/provision.sh)" && node -r @swc-node/register engine/router/testing/record-gate-histories.ts
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowControlIR } from '../../../dsl/runtime';
import { historyFile } from '../../../workflows/testing/scenario-runner';
import { gateWorkflowId } from '../workflow-ids';
import { startEngineHarness } from './engine-harness';

/** The gate's behaviour version the recorded histories belong to (bump with a `patched()` change). */
const GATE_HISTORY_VERSION = 1;

const SCENARIOS: readonly { name: string; flow: FlowControlIR; triggers: number }[] = [
  { name: 'debounce', flow: { debounce: { quietMs: 1000, maxMs: 5000 } }, triggers: 3 },
  { name: 'batch', flow: { batch: { size: 2, withinMs: 1000 } }, triggers: 3 },
  { name: 'throttle', flow: { throttle: { runs: 1, perMs: 1000 } }, triggers: 3 },
];

const rule = (name: string): string => `event gate.${name} {
  k: string
}
action work.do(k: string) -> { ok: bool }

rule gate_${name}
  on gate.${name}
  key event.k
  concurrency parallel
do
  call work.do(k: event.k)
end
`;

async function main(): Promise<void> {
  const h = await startEngineHarness();
  const folder = join(__dirname, '..', '..', '..', 'workflows', 'histories', 'gate');
  mkdirSync(folder, { recursive: true });
  try {
    const router = h.router();
    for (const s of SCENARIOS) {
      await h.deploy({ [`${s.name}.rule`]: rule(s.name) });
      await h.database.db.query(
        `UPDATE rule_versions SET ir = ir || jsonb_build_object('flow', $2::jsonb) WHERE rule_name = $1`,
        [`gate_${s.name}`, JSON.stringify(s.flow)],
      );
      for (let i = 0; i < s.triggers; i++)
        await h.store.ingest({ id: `${s.name}-${i}`, type: `gate.${s.name}`, data: { k: 'K' } });
      await router.drain();
      const workflowId = gateWorkflowId(`gate_${s.name}`, 'K');
      const handle = h.client.workflow.getHandle(workflowId);
      await handle.result();
      const { runId } = await handle.describe();
      const history = await handle.fetchHistory();
      const file = historyFile(`gate--${s.name}`, GATE_HISTORY_VERSION, workflowId, runId, history);
      writeFileSync(join(folder, `gate--${s.name}.1.json`), `${JSON.stringify(file, null, 2)}\n`);
      process.stderr.write(`recorded gate--${s.name} (${history.events?.length ?? 0} events)\n`);
    }
  } finally {
    await h.close();
  }
  execFileSync(process.execPath, [require.resolve('prettier/bin/prettier.cjs'), '--write', folder], {
    stdio: 'ignore',
  });
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
