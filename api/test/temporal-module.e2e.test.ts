import { NestFactory } from '@nestjs/core';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { startDevServer, type DevServer } from '../../engine/temporal/dev-server';
import { quietTemporalRuntime } from '../../engine/temporal/testing/quiet-runtime';
import { TemporalModule, TemporalResources, type TemporalModuleOptions } from '../temporal/temporal.module';

// A real Temporal dev server: what the module opens it closes, what it is given it leaves open.
describe('TemporalModule', () => {
  let server: DevServer;

  beforeAll(async () => {
    quietTemporalRuntime('ERROR');
    server = await startDevServer();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
  }, 60_000);

  const context = (options: TemporalModuleOptions) =>
    NestFactory.createApplicationContext(TemporalModule.forRoot(options), { logger: false });

  it('connects when given an address, provides the client, and closes its connection on shutdown', async () => {
    const app = await context({ connection: { address: server.address } });
    const client = app.get(Client);
    await expect(client.workflowService.getSystemInfo({})).resolves.toBeDefined();
    await app.close();
    await expect(client.workflowService.getSystemInfo({})).rejects.toThrow();
  });

  it('uses a client it is given and leaves it open', async () => {
    const connection = await Connection.connect({ address: server.address });
    try {
      const given = new Client({ connection });
      const app = await context({ client: given });
      expect(app.get(Client)).toBe(given);
      await app.close();
      await expect(given.workflowService.getSystemInfo({})).resolves.toBeDefined();
    } finally {
      await connection.close();
    }
  });

  it('runs a worker it is given from boot, and shuts it down (awaiting its run) on close', async () => {
    const native = await NativeConnection.connect({ address: server.address });
    const connection = await Connection.connect({ address: server.address });
    try {
      const worker = await Worker.create({
        connection: native,
        taskQueue: 'temporal-module-test',
        workflowsPath: require.resolve('../../workflows'),
        activities: {},
      });
      const app = await context({ client: new Client({ connection }), worker });
      expect(worker.getState()).toBe('RUNNING');
      expect(app.get(TemporalResources).workerRunning).toBe(true);
      await app.close();
      expect(worker.getState()).toBe('STOPPED');
    } finally {
      await connection.close();
      await native.close();
    }
  });
});
