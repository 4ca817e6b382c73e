/**
 * The API as the end-to-end tests run it: a migrated PostgreSQL schema of its own, the real
 * Temporal dev server, the app from `createApiApp`, an API key for every role, and supertest.
 */
import { tmpdir } from 'node:os';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { RunActionInput, RunActionOutput } from '../../activities/contract';
import { createApprovalActivities } from '../../engine/approvals/inbox';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { loadConfig } from '../../engine/config';
import { freshDatabase, type FreshDatabase } from '../../engine/db/testing/fresh-database';
import { startDevServer, type DevServer } from '../../engine/temporal/dev-server';
import { quietTemporalRuntime } from '../../engine/temporal/testing/quiet-runtime';
import { ROLES, type Role } from '../auth/roles';
import { createApiApp, type ApiAppOptions } from '../create-api-app';

export const ADMIN_TOKEN = 'admin-token-for-api-tests-0123456789';

export interface ApiHarness {
  readonly app: NestFastifyApplication;
  readonly database: FreshDatabase;
  readonly client: Client;
  readonly taskQueue: string;
  /** A token for each role (`admin` is the admin token). */
  readonly tokens: Readonly<Record<Role, string>>;
  /** Every action call the runs made (with a worker), in order. */
  readonly calls: RunActionInput[];
  /** supertest against the app's server. */
  http(): ReturnType<typeof request>;
  /** Deploys rule files (`{ path: content }`) through `POST /v1/deployments` as an editor; throws unless 201. */
  deploy(files: Readonly<Record<string, string>>, message?: string): Promise<void>;
  close(): Promise<void>;
}

/** What the harness runs besides the app. */
export interface ApiHarnessOptions {
  /**
   * A worker with the real interpreter whose actions are fakes (recorded in `calls`, answering
   * `{ok: true}`); `wait for` steps subscribe to nothing; approvals go to the real inbox table.
   */
  readonly worker?: boolean;
  /** The worker's `runAction` instead of the fake (still recorded in `calls`): real actions. */
  readonly runAction?: (input: RunActionInput) => Promise<RunActionOutput>;
  /** More environment for `loadConfig` (e.g. `OPSFLOW_INGEST_RATE_LIMIT`). */
  readonly env?: Readonly<Record<string, string>>;
  /** More options of `createApiApp`: a request log stream, a route hook. */
  readonly app?: Pick<ApiAppOptions, 'logStream' | 'logLevel' | 'onRoute'>;
}

/** Starts PostgreSQL schema, dev server and app; creates one key per role through the API. */
export async function startApiHarness(options: ApiHarnessOptions = {}): Promise<ApiHarness> {
  quietTemporalRuntime('ERROR');
  const database = await freshDatabase(10);
  let server: DevServer | undefined;
  let connection: Connection | undefined;
  let app: NestFastifyApplication | undefined;
  let worker: { worker: Worker; native: NativeConnection } | undefined;
  const calls: RunActionInput[] = [];
  try {
    server = await startDevServer();
    connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const taskQueue = 'api-test';
    if (options.worker) {
      const runAction = options.runAction ?? (() => Promise.resolve({ result: { ok: true } }));
      worker = await startWorker(server.address, taskQueue, calls, runAction, database.db);
    }
    const config = loadConfig({ ...options.env, OPSFLOW_ADMIN_TOKEN: ADMIN_TOKEN }, { cwd: tmpdir() });
    // The app runs the worker and shuts it down when it closes (the Temporal module's job).
    app = await createApiApp({
      ...options.app,
      db: database.db,
      client,
      taskQueue,
      config,
      logLevels: false,
      ...(worker ? { worker: worker.worker } : {}),
    });
    const started = { app, server, connection, worker };
    const http = () => request(started.app.getHttpServer());
    const tokens: Partial<Record<Role, string>> = { admin: ADMIN_TOKEN };
    for (const role of ROLES.filter((r) => r !== 'admin')) {
      const res = await http()
        .post('/v1/keys')
        .set('authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ name: `${role}-key`, role });
      if (res.status !== 201) throw new Error(`creating the ${role} key: ${res.status} ${res.text}`);
      tokens[role] = (res.body as { token: string }).token;
    }
    return {
      app,
      database,
      client,
      taskQueue,
      calls,
      tokens: tokens as Record<Role, string>,
      http,
      async deploy(files, message) {
        const res = await http()
          .post('/v1/deployments')
          .set('authorization', `Bearer ${tokens.editor}`)
          .send({
            files: Object.entries(files).map(([path, content]) => ({ path, content })),
            ...(message !== undefined ? { message } : {}),
            // The files are the whole set in these tests: earlier rules may go.
            prune: true,
          });
        if (res.status !== 201) throw new Error(`deploy failed: ${res.status} ${res.text}`);
      },
      async close() {
        await started.app.close();
        await started.worker?.native.close();
        await started.connection.close();
        await started.server.stop();
        await database.drop();
      },
    };
  } catch (err) {
    if (app) await app.close();
    await worker?.native.close();
    await connection?.close();
    await server?.stop();
    await database.drop();
    throw err;
  }
}

async function startWorker(
  address: string,
  taskQueue: string,
  calls: RunActionInput[],
  runAction: (input: RunActionInput) => Promise<RunActionOutput>,
  db: FreshDatabase['db'],
): Promise<{ worker: Worker; native: NativeConnection }> {
  const native = await NativeConnection.connect({ address });
  try {
    const worker = await Worker.create({
      connection: native,
      taskQueue,
      workflowsPath: require.resolve('../../workflows'),
      activities: {
        runAction: (input: RunActionInput) => {
          calls.push(input);
          return runAction(input);
        },
        emit: () => Promise.reject(new Error('no emit in the API tests')),
        subscribe: () => Promise.resolve(),
        unsubscribe: () => Promise.resolve(),
        ...createApprovalActivities(db),
      },
    });
    return { worker, native };
  } catch (err) {
    await native.close();
    throw err;
  }
}

/** The problem+json body of a response, checked for its content type and status. */
export function expectProblem(
  res: { status: number; headers: Record<string, string>; body: unknown },
  status: number,
): { type: string; title: string; status: number; detail: string; [k: string]: unknown } {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.body as { type: string; title: string; status: number; detail: string };
  expect(body).toEqual(
    expect.objectContaining({
      type: expect.any(String),
      title: expect.any(String),
      status,
      detail: expect.any(String),
    }),
  );
  return body;
}
