import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { migrate } from '../db/migrate';
import { pgliteDatabase } from '../db/pglite';
import type { Database } from '../db/sql';
import { EventStore } from '../ingest/event-store';
import { ActiveRuleCache } from '../registry/active-rules';
import { RuleRegistry } from '../registry/registry';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { quietTemporalRuntime } from '../temporal/testing/quiet-runtime';
import { Router } from './router';

// The router on embedded PGlite (one session) and the real dev server. No worker: these tests
// are about what reaches Temporal and what is committed, not about the runs.
jest.setTimeout(60_000);

const RULES = `event order.placed {
  order_id: string
}

rule record_order
  on order.placed
  key event.order_id
  concurrency single
do
  log "order \${event.order_id}"
end
`;

describe('router on one session (PGlite)', () => {
  let dir: string;
  let db: Database;
  let server: DevServer;
  let connection: Connection;
  let client: Client;
  let store: EventStore;
  let rules: ActiveRuleCache;

  beforeAll(async () => {
    quietTemporalRuntime('ERROR');
    dir = mkdtempSync(join(tmpdir(), 'opsflow-router-pglite-'));
    db = await pgliteDatabase(join(dir, 'pg'));
    await migrate(db);
    const deployed = await new RuleRegistry(db).deploy([{ path: 'ops.rule', content: RULES }], {
      author: 'test',
    });
    expect(deployed.ok).toBe(true);
    server = await startDevServer();
    connection = await Connection.connect({ address: server.address });
    client = new Client({ connection });
    rules = new ActiveRuleCache(db);
    store = new EventStore(db, { rules });
  });
  afterAll(async () => {
    await connection?.close();
    await server?.stop();
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const router = (options: Partial<ConstructorParameters<typeof Router>[0]> = {}) =>
    new Router({ db, client, taskQueue: 'pglite-router', rules, retryDelayMs: () => 0, ...options });
  const outcomeOf = async (eventId: string) =>
    (
      await db.query<{ outcome: string; run_id: string | null }>(
        'SELECT outcome, run_id FROM event_outcomes WHERE event_id = $1',
        [eventId],
      )
    ).rows[0];

  it('commits as it goes: ingest is not held back while runs start, and a crash after a start starts nothing twice', async () => {
    await store.ingest({ id: 'p-crash', type: 'order.placed', data: { order_id: 'P-1' } });
    const started: string[] = [];
    let reached!: () => void;
    const atStart = new Promise<void>((resolve) => (reached = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const batch = router({
      onStarted: async ({ workflowId }) => {
        started.push(workflowId);
        reached();
        await released;
        throw new Error('simulated crash after the workflow started');
      },
    }).routeBatch();
    await atStart;
    // A transaction held over the start would keep this waiting until the batch ends (never).
    await store.ingest({ id: 'p-meanwhile', type: 'order.placed', data: { order_id: 'P-2' } });
    release();
    await batch;
    // Nothing rolled it back: the next routing knows a start may have happened.
    expect((await outcomeOf('p-crash')).outcome).toBe('starting');

    expect(await router().drain()).toBe(2);
    const after = await outcomeOf('p-crash');
    expect(after.outcome).toBe('started');
    const description = await client.workflow.getHandle(started[0]).describe();
    expect(after.run_id).toBe(description.runId);
    let executions = 0;
    for await (const _ of client.workflow.list({ query: `WorkflowId = "${started[0]}"` })) executions++;
    expect(executions).toBe(1);
  });

  it('routes in its loop, one batch at a time, every event stored meanwhile', async () => {
    const loop = router({ pollIntervalMs: 20 });
    loop.start();
    try {
      for (let i = 0; i < 30; i++) {
        await store.ingest({ id: `p-loop-${i}`, type: 'order.placed', data: { order_id: `L-${i}` } });
      }
      const deadline = Date.now() + 30_000;
      for (;;) {
        const { rows } = await db.query<{ n: string }>(
          "SELECT count(*) AS n FROM events WHERE id LIKE 'p-loop-%' AND route_status = 'routed'",
        );
        if (Number(rows[0].n) === 30) break;
        if (Date.now() > deadline) throw new Error(`only ${rows[0].n} of 30 events were routed`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      await loop.stop();
    }
    const { rows } = await db.query<{ n: string }>(
      "SELECT count(*) AS n FROM event_outcomes WHERE event_id LIKE 'p-loop-%' AND outcome = 'started'",
    );
    expect(Number(rows[0].n)).toBe(30);
  });
});
