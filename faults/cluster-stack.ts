/**
 * The production topology as processes (`npm run test:cluster`): a real Temporal server on
 * PostgreSQL (`scripts/temporal-server.sh`, not the dev server), opsflow's own database, and
 * several `opsflow api` and `opsflow worker` processes sharing one configuration, as
 * docker-compose.yml runs them. Every database is the scenario's own and dropped afterwards.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Database } from '../engine/db/sql';
import { pgDatabase } from '../engine/db/sql';
import { freePort } from '../engine/temporal/dev-server';
import { startTemporalServer, type TemporalServer } from '../engine/temporal/temporal-server';
import { OpsflowProcess, processEnv } from './processes';
import type { FaultContext } from './scenario';
import { ApiClient, scenarioDatabase, temporalClient } from './services';
import { TargetServer } from './target-server';

/** One `opsflow api` process: its port stays the same across restarts (the load balancer's target). */
export interface ApiNode {
  readonly api: ApiClient;
  process: OpsflowProcess;
}

export interface ClusterStack {
  readonly target: TargetServer;
  readonly db: Database;
  readonly temporal: TemporalServer;
  readonly client: Client;
  readonly apis: readonly ApiNode[];
  readonly workers: OpsflowProcess[];
  /** Starts api `i` again (after it was killed), on the same port. */
  restartApi(i: number): Promise<void>;
  /** Starts worker `i` again. */
  restartWorker(i: number): Promise<void>;
}

export interface ClusterOptions {
  readonly apis: number;
  readonly workers: number;
  /** The scenario's rule file, given the target server (for its URLs). */
  readonly rules: (target: TargetServer) => string;
}

/** Starts the whole topology; everything is stopped and dropped when the scenario ends. */
export async function startCluster(ctx: FaultContext, options: ClusterOptions): Promise<ClusterStack> {
  const target = await TargetServer.start();
  ctx.defer(() => target.close());
  const database = await scenarioDatabase(ctx);
  const temporalDb = `${new URL(database.url).pathname.slice(1)}_temporal`;
  const admin = pgDatabase(ctx.databaseUrl, { max: 1 });
  ctx.defer(async () => {
    for (const name of [temporalDb, `${temporalDb}_visibility`]) {
      await admin.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`).catch(() => undefined);
    }
    await admin.close();
  });
  const begin = Date.now();
  const temporal = await startTemporalServer({
    databaseUrl: ctx.databaseUrl,
    databaseName: temporalDb,
    readyTimeoutMs: 180_000,
    // The machine's disk is shared: the test is about processes dying, not power loss.
    synchronousCommit: false,
  });
  ctx.defer(() => temporal.stop());
  ctx.log(
    `Temporal server (pid ${temporal.pid}, ${temporal.address}) on PostgreSQL ${temporalDb} up in ${((Date.now() - begin) / 1000).toFixed(1)} s`,
  );
  const rulesDir = join(ctx.dir, 'connectors');
  mkdirSync(rulesDir, { recursive: true });
  const envOf = (port: number): Record<string, string> =>
    processEnv(ctx, {
      databaseUrl: database.url,
      temporalAddress: temporal.address,
      taskQueue: `cluster-${ctx.name}`,
      port,
      httpAllow: target.hostPort,
      rulesDir,
    });
  const ports = await Promise.all(Array.from({ length: options.apis }, () => freePort()));
  // Every process migrates the new database at boot, under an advisory lock: they may race.
  const [apiProcesses, workers] = await Promise.all([
    Promise.all(ports.map((port) => OpsflowProcess.start(ctx, 'api', envOf(port)))),
    Promise.all(
      Array.from({ length: options.workers }, () => OpsflowProcess.start(ctx, 'worker', envOf(ports[0]))),
    ),
  ]);
  const apis: ApiNode[] = apiProcesses.map((process, i) => ({ api: new ApiClient(ports[i]), process }));
  await apis[0].api.deploy(
    [{ path: `${ctx.name}.rule`, content: options.rules(target) }],
    `${ctx.name} rules`,
  );
  const client = await temporalClient(ctx, temporal.address);
  return {
    target,
    db: database.db,
    temporal,
    client,
    apis,
    workers,
    async restartApi(i) {
      apis[i].process = await OpsflowProcess.start(ctx, 'api', envOf(ports[i]));
    },
    async restartWorker(i) {
      workers[i] = await OpsflowProcess.start(ctx, 'worker', envOf(ports[0]));
    },
  };
}
