import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { quietTemporalRuntime } from './testing/quiet-runtime';
import { startDevServer, type DevServer } from './dev-server';
import { createProofActivities } from './testing/proof-activities';
import { greetWorkflow } from './testing/proof-workflows';

// Real dev server (the Go-built Temporal CLI), real worker, real activity: no mocks.
quietTemporalRuntime();

describe('Temporal dev server', () => {
  let dir: string;
  let server: DevServer | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'opsflow-dev-server-'));
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs a workflow and an activity, and keeps its history in SQLite across a restart', async () => {
    const dbFile = join(dir, 'temporal.db');
    server = await startDevServer({ dbFile });
    const calls: string[] = [];
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const nativeConnection = await NativeConnection.connect({ address: server.address });
    const worker = await Worker.create({
      connection: nativeConnection,
      taskQueue: 'proof',
      workflowsPath: require.resolve('./testing/proof-workflows'),
      activities: createProofActivities(calls),
    });
    const result = await worker.runUntil(
      client.workflow.execute(greetWorkflow, {
        taskQueue: 'proof',
        workflowId: 'proof-greet',
        args: ['opsflow'],
      }),
    );
    expect(result).toBe('hello, opsflow');
    expect(calls).toEqual(['opsflow']);
    await connection.close();
    await nativeConnection.close();
    expect(statSync(dbFile).size).toBeGreaterThan(0);

    // Same SQLite file, new server process: the finished workflow and its history are still there.
    await server.stop();
    server = await startDevServer({ dbFile });
    const again = await Connection.connect({ address: server.address });
    const handle = new Client({ connection: again }).workflow.getHandle('proof-greet');
    const description = await handle.describe();
    expect(description.status.name).toBe('COMPLETED');
    const history = await handle.fetchHistory();
    const kinds = (history.events ?? []).map((e) => e.eventType);
    expect(kinds.length).toBeGreaterThan(5);
    expect(await handle.result()).toBe('hello, opsflow');
    await again.close();
  });
});
