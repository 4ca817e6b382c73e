import { ApplicationFailure } from '@temporalio/common';
import { startManualRun } from '../router/manual';
import { startEngineHarness, type EngineHarness } from '../router/testing/engine-harness';
import { eventually } from '../testing/eventually';
import { retryFailedRun } from './retry';

const RULES = `event parcel.delivered {
  parcel_id: string
}
action carrier.book(parcel_id: string) -> { ok: bool }
action shop.note(text: string)

rule deliver
  manual(parcel_id: string)
do
  parallel
  branch
    wait for parcel.delivered as d where d.parcel_id == input.parcel_id within 1d
  branch
    call shop.note(text: "booking \${input.parcel_id}")
    call carrier.book(parcel_id: input.parcel_id) retry 1
  end
  call shop.note(text: "delivered \${input.parcel_id}")
end
`;

// Real PostgreSQL (subscriptions), the Temporal dev server and the real interpreter.
describe('retrying a failed run from the failed step', () => {
  let h: EngineHarness;
  let carrierUp = false;
  const subscriptions = async () =>
    (
      await h.database.db.query<{ run_id: string; event_type: string }>(
        `SELECT run_id, event_type FROM subscriptions WHERE workflow_id LIKE 'opsflow/deliver/%'`,
      )
    ).rows;

  beforeAll(async () => {
    h = await startEngineHarness({
      runAction: async (input) => {
        if (input.action === 'carrier.book' && !carrierUp) {
          throw ApplicationFailure.nonRetryable('carrier down', 'ActionUnavailable');
        }
        return { result: { ok: true } };
      },
    });
    await h.deploy({ 'deliver.rule': RULES });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  it('gives back the subscription of a wait that was going on when the run failed', async () => {
    const deps = { db: h.database.db, client: h.client, taskQueue: h.taskQueue, rules: h.rules };
    const run = await startManualRun(deps, { rule: 'deliver', input: { parcel_id: 'P-9' } });
    await expect(h.client.workflow.getHandle(run.workflowId, run.runId).result()).rejects.toThrow();
    // The failure ended the waiting branch too, and its subscription with it.
    expect(await subscriptions()).toEqual([]);

    carrierUp = true;
    const retried = await retryFailedRun(
      { db: h.database.db, client: h.client },
      { workflowId: run.workflowId, runId: run.runId },
      { by: 'key:ops', rule: 'deliver', version: 1 },
    );
    expect(retried).toEqual(expect.objectContaining({ workflowId: run.workflowId, created: true }));
    // The wait subscribed before the reset point, so the new run does not subscribe again itself.
    expect(await subscriptions()).toEqual([{ run_id: retried.runId, event_type: 'parcel.delivered' }]);

    // The router finds the retried run by it: the delivery ends the wait and the run completes.
    await h.store.ingest({ id: 'delivered-9', type: 'parcel.delivered', data: { parcel_id: 'P-9' } });
    await h.router().drain();
    await h.client.workflow.getHandle(run.workflowId, retried.runId).result();
    await eventually(async () => h.calls.some((c) => c.args.text === 'delivered P-9'), 10_000, 'the note');
    expect(h.calls.map((c) => c.action)).toEqual(['shop.note', 'carrier.book', 'carrier.book', 'shop.note']);
  });
});
