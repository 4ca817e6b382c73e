/**
 * The whole deployment a scenario breaks: the target server, a database of its own, a Temporal
 * dev server, one `opsflow worker` and one `opsflow api` process, and the scenario's rules
 * deployed through the API.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Database } from '../engine/db/sql';
import { freePort, type DevServer } from '../engine/temporal/dev-server';
import { OpsflowProcess, processEnv } from './processes';
import type { FaultContext } from './scenario';
import { ApiClient, devServer, scenarioDatabase, temporalClient } from './services';
import { TargetServer } from './target-server';

export interface StackOptions {
  /** The scenario's rule file, given the target server (for its URLs). */
  readonly rules: (target: TargetServer) => string;
  /** Keep Temporal's state in this SQLite file, on this port (to restart it). */
  readonly temporal?: { readonly dbFile: string; readonly port: number };
  /** Another PostgreSQL server than the provisioned one (the private cluster). */
  readonly databaseServerUrl?: string;
}

export interface Stack {
  readonly target: TargetServer;
  readonly databaseUrl: string;
  /** A pool on the scenario's database, for checks. */
  readonly db: Database;
  readonly temporal: DevServer;
  readonly client: Client;
  readonly api: ApiClient;
  readonly env: Readonly<Record<string, string>>;
  worker: OpsflowProcess;
  apiProcess: OpsflowProcess;
  /** Starts a new worker process (after the old one was killed). */
  restartWorker(): Promise<OpsflowProcess>;
  /** Starts a new api process (after the old one was killed). */
  restartApi(): Promise<OpsflowProcess>;
}

export async function startStack(ctx: FaultContext, options: StackOptions): Promise<Stack> {
  const target = await TargetServer.start();
  ctx.defer(() => target.close());
  const [database, temporal, port] = await Promise.all([
    scenarioDatabase(ctx, options.databaseServerUrl),
    devServer(ctx, options.temporal ?? {}),
    freePort(),
  ]);
  ctx.log(`database, Temporal dev server (${temporal.address}) and target server (${target.hostPort}) up`);
  const rulesDir = join(ctx.dir, 'connectors');
  mkdirSync(rulesDir, { recursive: true });
  const env = processEnv(ctx, {
    databaseUrl: database.url,
    temporalAddress: temporal.address,
    taskQueue: `faults-${ctx.name}`,
    port,
    httpAllow: target.hostPort,
    rulesDir,
  });
  // Both migrate the new database at boot; migrations take an advisory lock, so they may race.
  const [apiProcess, worker] = await Promise.all([
    OpsflowProcess.start(ctx, 'api', env),
    OpsflowProcess.start(ctx, 'worker', env),
  ]);
  const api = new ApiClient(port);
  await api.deploy([{ path: `${ctx.name}.rule`, content: options.rules(target) }], `${ctx.name} rules`);
  const client = await temporalClient(ctx, temporal.address);
  const stack: Stack = {
    target,
    databaseUrl: database.url,
    db: database.db,
    temporal,
    client,
    api,
    env,
    worker,
    apiProcess,
    async restartWorker() {
      stack.worker = await OpsflowProcess.start(ctx, 'worker', env);
      return stack.worker;
    },
    async restartApi() {
      stack.apiProcess = await OpsflowProcess.start(ctx, 'api', env);
      return stack.apiProcess;
    },
  };
  return stack;
}

/** The workflow id the router gives a run of `rule` keyed by `key`. */
export function keyedWorkflowId(rule: string, key: string): string {
  return `opsflow/${rule}/key/${key}`;
}
