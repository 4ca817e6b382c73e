import { freshDatabase, type FreshDatabase } from '../db/testing/fresh-database';
import { RuleRegistry } from '../registry/registry';
import { EventStore } from './event-store';
import { createStoreRunFailed, storeRunFailed, type RunFailedInput } from './run-failed';

// Real PostgreSQL: `opsflow.run_failed` is stored like an `emit`, with no rule declaring it.
const RULES = `event order.placed {
  order_id: string
}

rule note_order
  on order.placed
do
  log "order \${event.order_id}"
end
`;

const FAILED: RunFailedInput = {
  rule: 'note_order',
  version: 1,
  runId: 'run-1',
  key: 'O-1',
  error: 'connector answered 500',
  step: 'orders.rule:7',
  causalDepth: 0,
  triggerType: 'order.placed',
};

describe('storing opsflow.run_failed', () => {
  let fresh: FreshDatabase;
  let store: EventStore;

  beforeAll(async () => {
    fresh = await freshDatabase(25);
    await new RuleRegistry(fresh.db).deploy([{ path: 'orders.rule', content: RULES }], { author: 'test' });
    store = new EventStore(fresh.db, { maxCausalDepth: 2 });
  });
  afterAll(async () => {
    await fresh.drop();
  });

  it('stores one pending event per failed run, one emit deeper, though no rule declares the type', async () => {
    const first = await storeRunFailed(store, FAILED);
    const again = await storeRunFailed(store, FAILED);
    expect(first.stored && again.stored && first.eventId === again.eventId).toBe(true);
    const { rows } = await fresh.db.query(
      `SELECT type, data, causal_depth, route_status, source, subject, declared FROM events WHERE type = 'opsflow.run_failed'`,
    );
    expect(rows).toEqual([
      {
        type: 'opsflow.run_failed',
        data: {
          rule: 'note_order',
          version: 1,
          run_id: 'run-1',
          key: 'O-1',
          error: 'connector answered 500',
          step: 'orders.rule:7',
        },
        causal_depth: 1,
        route_status: 'pending',
        source: 'opsflow:rule/note_order',
        subject: 'run-1',
        declared: true,
      },
    ]);
  });

  it('stores nothing for a run that opsflow.run_failed triggered', async () => {
    const result = await storeRunFailed(store, {
      ...FAILED,
      runId: 'run-2',
      triggerType: 'opsflow.run_failed',
    });
    expect(result).toEqual({ stored: false, reason: 'triggered-by-run-failed' });
  });

  it('as an activity, refuses past the causal depth bound without retrying', async () => {
    const activity = createStoreRunFailed(store);
    await expect(activity({ ...FAILED, runId: 'run-3', causalDepth: 2 })).rejects.toMatchObject({
      type: 'CausalDepthExceeded',
      nonRetryable: true,
    });
    await expect(
      activity({ ...FAILED, runId: 'run-4', key: undefined, step: undefined }),
    ).resolves.toMatchObject({
      stored: true,
    });
  });
});
