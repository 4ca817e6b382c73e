import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { apiProcessParts } from '../../engine/commands/api';
import { loadConfig } from '../../engine/config';
import { freshDatabase, type FreshDatabase } from '../../engine/db/testing/fresh-database';
import { testDatabaseUrl } from '../../engine/db/testing/test-database';
import { startRuntime, type Runtime } from '../../engine/process/runtime';
import { RuleRegistry } from '../../engine/registry/registry';
import { freePort, startDevServer, type DevServer } from '../../engine/temporal/dev-server';
import { eventually } from '../../engine/testing/eventually';
import { quietTemporalRuntime } from '../../engine/temporal/testing/quiet-runtime';
import { apiPart } from '../api.part';
import { ADMIN_TOKEN } from './api-harness';

// `opsflow api` as a deployment runs it: the process runtime with the parts the command hosts, on
// the real PostgreSQL and dev server. It syncs schedules (no `opsflow start` in a scaled-out
// deployment), and routes what it ingests at once, without waiting for the router's poll.
jest.setTimeout(120_000);

const RULES = `event order.placed {
  order_id: string
}

rule nightly_report
  every 1h
do
  log "report"
end

rule record_order
  on order.placed
  key event.order_id
do
  log "order \${event.order_id}"
end
`;

describe('opsflow api (process)', () => {
  let fresh: FreshDatabase;
  let server: DevServer;
  let connection: Connection;
  let runtime: Runtime | undefined;
  let dir: string;

  beforeAll(async () => {
    quietTemporalRuntime('ERROR');
    fresh = await freshDatabase(4);
    server = await startDevServer();
    connection = await Connection.connect({ address: server.address });
    dir = mkdtempSync(join(tmpdir(), 'opsflow-api-process-'));
  });
  afterAll(async () => {
    await runtime?.stop();
    await connection?.close();
    await server?.stop();
    await fresh?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('syncs schedules and routes an ingested event before the next poll', async () => {
    const deployed = await new RuleRegistry(fresh.db).deploy([{ path: 'ops.rule', content: RULES }], {
      author: 'test',
    });
    expect(deployed.ok).toBe(true);
    const url = new URL(testDatabaseUrl());
    url.searchParams.set('options', `-c search_path=${fresh.schema}`);
    const port = await freePort();
    const config = loadConfig(
      {
        DATABASE_URL: url.toString(),
        TEMPORAL_ADDRESS: server.address,
        OPSFLOW_ADMIN_TOKEN: ADMIN_TOKEN,
        OPSFLOW_TASK_QUEUE: 'api-process-test',
        OPSFLOW_DATA_DIR: dir,
        PORT: String(port),
        // A poll this slow cannot be what routes the event below within the test's time.
        OPSFLOW_ROUTER_POLL_MS: '60000',
        OPSFLOW_LOG_LEVEL: 'silent',
      },
      { cwd: dir, role: 'api' },
    );
    const lines: string[] = [];
    runtime = await startRuntime(config, {
      worker: false,
      api: true,
      parts: apiProcessParts(apiPart),
      log: (line) => lines.push(line),
    });

    const client = new Client({ connection });
    const schedule = client.schedule.getHandle('opsflow/schedule/nightly_report');
    const exists = () =>
      schedule.describe().then(
        () => true,
        () => false,
      );
    await eventually(exists, 20_000, 'the schedule of nightly_report');
    expect((await schedule.describe()).spec.intervals?.[0]?.every).toBe(3_600_000);

    // Let the router finish its first (empty) claim and go to sleep on its minute-long poll.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const res = await fetch(`http://127.0.0.1:${port}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
      body: JSON.stringify({ id: 'evt-1', type: 'order.placed', data: { order_id: 'O-1' } }),
    });
    expect(res.status).toBe(202);
    const outcome = async () =>
      (
        await fresh.db.query<{ outcome: string }>(
          `SELECT outcome FROM event_outcomes WHERE event_id = 'evt-1' AND outcome <> 'starting'`,
        )
      ).rows[0]?.outcome;
    await eventually(async () => (await outcome()) !== undefined, 20_000, 'the event to be routed');
    expect(await outcome()).toBe('started');
  });
});
