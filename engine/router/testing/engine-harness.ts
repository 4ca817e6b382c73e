/**
 * The engine as the router tests run it: a migrated PostgreSQL schema, the real Temporal dev
 * server, and a worker running the real interpreter with fake actions (recorded), the real `emit`
 * of `createActivities` on the real event store, and the real subscribe/unsubscribe.
 */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities } from '../../../activities/index';
import { createApprovalActivities } from '../../approvals/inbox';
import type { RunActionInput, RunActionOutput } from '../../../activities/contract';
import { freshDatabase, type FreshDatabase } from '../../db/testing/fresh-database';
import { createEmitEvent } from '../../ingest/emit';
import { EventStore } from '../../ingest/event-store';
import { ActiveRuleCache } from '../../registry/active-rules';
import { RuleRegistry } from '../../registry/registry';
import { startDevServer, type DevServer } from '../../temporal/dev-server';
import { quietTemporalRuntime } from '../../temporal/testing/quiet-runtime';
import { Router, type RouterOptions } from '../router';
import { createGateActivities } from '../gate-route';
import { createSubscriptionActivities } from '../subscriptions';
import { createReadWindow } from '../../windows/read-window';

export interface EngineHarness {
  readonly database: FreshDatabase;
  /** The dev server's frontend `host:port` (for the Temporal CLI). */
  readonly address: string;
  readonly client: Client;
  readonly taskQueue: string;
  readonly registry: RuleRegistry;
  readonly rules: ActiveRuleCache;
  readonly store: EventStore;
  /** Every action call the runs made, in order. */
  readonly calls: RunActionInput[];
  /** Deploys rule files given as `{ path: content }`; fails the test on diagnostics. */
  deploy(files: Readonly<Record<string, string>>): Promise<void>;
  /** A new router on the same database (as if in a new process). */
  router(options?: Partial<RouterOptions>): Router;
  close(): Promise<void>;
}

/** Starts everything; `close()` stops it in reverse order. `runAction` answers the calls (default `{ok: true}`). */
export async function startEngineHarness(
  options: { readonly runAction?: (input: RunActionInput) => Promise<RunActionOutput> } = {},
): Promise<EngineHarness> {
  quietTemporalRuntime('ERROR');
  const database = await freshDatabase(20);
  const db = database.db;
  let server: DevServer | undefined;
  let worker: Worker | undefined;
  let running: Promise<void> | undefined;
  try {
    server = await startDevServer();
    const connection = await Connection.connect({ address: server.address });
    const client = new Client({ connection });
    const native = await NativeConnection.connect({ address: server.address });
    const taskQueue = 'engine-test';
    const rules = new ActiveRuleCache(db);
    const store = new EventStore(db, { rules });
    const calls: RunActionInput[] = [];
    const real = createActivities({
      httpAllow: [],
      secrets: { resolve: () => Promise.resolve(undefined) },
      config: {},
      connectors: [],
      emitEvent: createEmitEvent(store),
      readWindow: createReadWindow(db),
    });
    worker = await Worker.create({
      connection: native,
      taskQueue,
      workflowsPath: require.resolve('../../../workflows'),
      activities: {
        runAction: async (input: RunActionInput) => {
          calls.push(input);
          return options.runAction ? options.runAction(input) : { result: { ok: true } };
        },
        emit: real.emit,
        readWindows: real.readWindows,
        ...createSubscriptionActivities({ db, client }),
        ...createApprovalActivities(db),
        ...createGateActivities({ db, client, taskQueue, replaceGraceMs: 5000 }),
      },
      maxConcurrentWorkflowTaskExecutions: 50,
    });
    running = worker.run();
    const registry = new RuleRegistry(db);
    const routers: Router[] = [];
    const started = { server, worker, running };
    return {
      database,
      address: server.address,
      client,
      taskQueue,
      registry,
      rules,
      store,
      calls,
      async deploy(files) {
        const result = await registry.deploy(
          Object.entries(files).map(([path, content]) => ({ path, content })),
          { author: 'test', message: 'test rules' },
          // The files are the whole set in these tests: earlier rules may go.
          { prune: true },
        );
        if (!result.ok)
          throw new Error(`rules do not compile: ${JSON.stringify(result.diagnostics, null, 2)}`);
      },
      router(options = {}) {
        const router = new Router({
          db,
          client,
          taskQueue,
          retryDelayMs: () => 0,
          replaceGraceMs: 5000,
          ...options,
        });
        routers.push(router);
        return router;
      },
      async close() {
        await Promise.all(routers.map((r) => r.stop()));
        started.worker.shutdown();
        await started.running;
        await connection.close();
        await native.close();
        await started.server.stop();
        await database.drop();
      },
    };
  } catch (err) {
    if (worker && running) {
      worker.shutdown();
      await running.catch(() => undefined);
    }
    await server?.stop();
    await database.drop();
    throw err;
  }
}
