import { startEngineHarness, type EngineHarness } from './testing/engine-harness';
import { eventually } from '../testing/eventually';

// Real PostgreSQL and Temporal dev server. The harness's event store does not wake routers in
// its process (no `onStored`), like ingest in another process: only `LISTEN/NOTIFY` can, since
// the routers here poll once an hour.
const RULES = `event wake.ping {
  n: int
}

rule chain_wake
  on wake.ping
  when event.n < 3
  concurrency parallel
do
  emit wake.ping { n: event.n + 1 }
end
`;

describe('cross-process wake-up', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
    await h.deploy({ 'wake.rule': RULES });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  const routed = async (): Promise<number> => {
    const { rows } = await h.database.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events WHERE type = 'wake.ping' AND route_status = 'routed'`,
    );
    return rows[0].n;
  };

  it('routes an event stored elsewhere, and the events runs emit, without waiting for a poll', async () => {
    const router = h.router({ pollIntervalMs: 3_600_000 });
    router.start();
    // Stored right away: if the listener is not connected yet, it wakes the router once it is.
    await h.store.ingest({ id: 'wake-0', type: 'wake.ping', data: { n: 0 } });
    // wake-0 starts a run that emits n=1 from the worker's activity, which emits n=2, then n=3:
    // each stored outside the router's process path, each routed on its notification.
    await eventually(async () => (await routed()) === 4, 30_000, 'the emitted chain to be routed');
    await router.stop();
  }, 60_000);

  it('stops listening when the router stops', async () => {
    const router = h.router({ pollIntervalMs: 3_600_000 });
    router.start();
    await router.stop();
    await h.store.ingest({ id: 'wake-late', type: 'wake.ping', data: { n: 5 } });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const { rows } = await h.database.db.query<{ route_status: string }>(
      `SELECT route_status FROM events WHERE id = 'wake-late'`,
    );
    expect(rows[0].route_status).toBe('pending');
  });
});
