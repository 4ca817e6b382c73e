import { randomBytes } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { pgDatabase } from '../db/sql';
import { testDatabaseUrl } from '../db/testing/test-database';
import { startTemporalServer, type TemporalServer } from './temporal-server';

// The real Temporal server (built by scripts/temporal-server.sh) on the test PostgreSQL server,
// with databases of its own: set up from the schemas in the module cache, started with the repo's
// config, namespace and search attributes registered, and a run it executes listed by visibility.
describe('the real Temporal server', () => {
  const name = `opsflow_temporal_test_${randomBytes(4).toString('hex')}`;
  let server: TemporalServer | undefined;
  let connection: Connection | undefined;

  afterAll(async () => {
    await connection?.close();
    await server?.stop();
    const admin = pgDatabase(testDatabaseUrl(), { max: 1 });
    for (const db of [name, `${name}_visibility`])
      await admin.exec(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.close();
  }, 60_000);

  it('starts on PostgreSQL with its namespace and search attributes registered', async () => {
    server = await startTemporalServer({
      databaseUrl: testDatabaseUrl(),
      databaseName: name,
      namespace: 'opsflow-test',
      searchAttributes: { OpsflowTestRule: 'Keyword' },
      synchronousCommit: false,
    });
    connection = await Connection.connect({ address: server.address });
    const described = await connection.workflowService.describeNamespace({ namespace: 'opsflow-test' });
    expect(described.namespaceInfo?.name).toBe('opsflow-test');
    const attributes = await connection.operatorService.listSearchAttributes({ namespace: 'opsflow-test' });
    expect(Object.keys(attributes.customAttributes ?? {})).toContain('OpsflowTestRule');
    // Its persistence is the PostgreSQL database set up for it.
    const db = pgDatabase(new URL(`/${name}`, testDatabaseUrl()).toString(), { max: 1 });
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM namespaces');
    await db.close();
    expect(rows[0].n).toBeGreaterThanOrEqual(1);
    // A run started on it is stored and found by a visibility query (no worker: it stays open).
    const client = new Client({ connection, namespace: 'opsflow-test' });
    await client.workflow.start('nothing', { taskQueue: 'nobody', workflowId: 'temporal-server-test' });
    // Visibility is written by a background task: look until it shows up.
    let listed: string[] = [];
    for (let i = 0; i < 100 && listed.length === 0; i++) {
      listed = [];
      for await (const w of client.workflow.list({ query: `WorkflowId = 'temporal-server-test'` }))
        listed.push(w.workflowId);
      if (listed.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(listed).toEqual(['temporal-server-test']);
  }, 180_000);
});
