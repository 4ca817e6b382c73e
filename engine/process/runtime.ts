import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, type Worker } from '@temporalio/worker';
import type { Config } from '../config';
import { migrate } from '../db/migrate';
import { openDatabase } from '../db/open-database';
import type { Database } from '../db/sql';
import { ServerStartError } from '../errors';
import type { DevServer } from '../temporal/dev-server';
import { ensureSearchAttributes } from '../temporal/search-attributes';
import { ensureAdminToken, type AdminToken } from './admin-token';
import { loadConnectors } from './connectors';
import { startEmbeddedTemporal } from './embedded-temporal';
import { eventsStoredSignal, type EnginePart, type ProcessContext, type RunningPart } from './extension';
import { claimPidFile } from './pid-file';
import { createOpsflowWorker } from './worker';

export interface RuntimeOptions {
  /** Run the interpreter worker in this process (`opsflow start`, `opsflow worker`). */
  readonly worker: boolean;
  /** Serve the API: the admin token is needed (and generated in embedded mode). */
  readonly api: boolean;
  /** Engine core and API parts hosted by this process, started after the worker. */
  readonly parts?: readonly EnginePart[];
  readonly log: (line: string) => void;
}

/** A running opsflow process. */
export interface Runtime {
  readonly config: Config;
  readonly db: Database;
  readonly client: Client;
  readonly temporal: { readonly address: string; readonly namespace: string; readonly uiUrl?: string };
  readonly adminToken?: AdminToken;
  /** Settles when the worker stops; rejects if it fails (the process should then stop). */
  readonly done: Promise<void>;
  /** Graceful shutdown; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Boots an opsflow process: data directory lock (embedded), admin token, database and
 * migrations, Temporal (a child dev server in embedded mode), the worker, then the hosted parts.
 * Anything started before a failure is stopped again before the error is thrown.
 */
export async function startRuntime(config: Config, options: RuntimeOptions): Promise<Runtime> {
  const { log } = options;
  // Undo steps, run in reverse on stop or on a failed boot.
  const cleanup: { name: string; run: () => Promise<void> | void }[] = [];
  const stopAll = async (): Promise<void> => {
    const errors: string[] = [];
    for (const step of cleanup.splice(0).reverse()) {
      try {
        await step.run();
      } catch (err) {
        errors.push(`${step.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (errors.length > 0) throw new Error(`shutdown was not clean: ${errors.join('; ')}`);
  };

  try {
    const embedded = config.database.kind === 'pglite' || config.temporal.kind === 'embedded';
    if (embedded) {
      mkdirSync(config.dataDir, { recursive: true });
      const release = claimPidFile(
        join(config.dataDir, 'opsflow.pid'),
        (pid) => new ServerStartError(`opsflow is already running on ${config.dataDir} (process ${pid})`),
      );
      cleanup.push({ name: 'data directory lock', run: release });
    }
    const adminToken = options.api ? ensureAdminToken(config) : undefined;

    const db = await openDatabase(config);
    cleanup.push({ name: 'database', run: () => db.close() });
    const migrated = await migrate(db);
    for (const name of migrated.applied) log(`applied migration ${name}`);

    let devServer: DevServer | undefined;
    if (config.temporal.kind === 'embedded') {
      log(`starting the Temporal dev server (SQLite file ${config.temporal.dbFile})...`);
      devServer = await startEmbeddedTemporal(config.temporal, config.dataDir, log);
      cleanup.push({ name: 'Temporal dev server', run: () => devServer?.stop() });
    }
    const address = devServer?.address ?? (config.temporal.kind === 'remote' ? config.temporal.address : '');
    const namespace = config.temporal.namespace;
    const apiKey = config.temporal.kind === 'remote' ? config.temporal.apiKey : undefined;
    const tls = apiKey ? { tls: true, apiKey } : {};

    const connection = await Connection.connect({ address, ...tls });
    cleanup.push({ name: 'Temporal client', run: () => connection.close() });
    // Runs cannot start without them; the dev server has them from its flags already.
    await ensureSearchAttributes(connection, namespace, log);
    const client = new Client({ connection, namespace });
    const ctx: ProcessContext = { config, db, client, log, eventsStored: eventsStoredSignal() };

    let done: Promise<void> = new Promise<void>(() => undefined);
    if (options.worker) {
      const nativeConnection = await NativeConnection.connect({ address, ...tls });
      cleanup.push({ name: 'worker connection', run: () => nativeConnection.close() });
      const hosts = options.parts ?? [];
      const engineActivities = hosts.find((p) => p.engineActivities)?.engineActivities?.(ctx);
      const emitEvent = hosts.find((p) => p.emitEvent)?.emitEvent?.(ctx);
      const readWindow = hosts.find((p) => p.readWindow)?.readWindow?.(ctx);
      const worker: Worker = await createOpsflowWorker({
        config,
        connection: nativeConnection,
        connectors: loadConnectors(config.rulesDir, log),
        ...(engineActivities ? { engineActivities } : {}),
        ...(emitEvent ? { emitEvent } : {}),
        ...(readWindow ? { readWindow } : {}),
        onSized: (memory, sizing) =>
          log(
            `worker memory ${memory.megabytes} MB (${memory.source}): workflow cache of ${sizing.maxCachedWorkflows} runs`,
          ),
      });
      const running = worker.run();
      done = running;
      cleanup.push({
        name: 'worker',
        run: async () => {
          // Stops polling, lets in-flight tasks finish (within the grace time), then resolves run().
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await running.catch(() => undefined);
        },
      });
      log(`worker polling task queue ${config.taskQueue} (namespace ${namespace})`);
    }

    for (const part of options.parts ?? []) {
      if (!part.start) continue;
      const started: RunningPart = await part.start(ctx);
      cleanup.push({ name: part.name, run: () => started.stop() });
    }

    let stopping: Promise<void> | undefined;
    return {
      config,
      db,
      client,
      temporal: { address, namespace, ...(devServer?.uiUrl ? { uiUrl: devServer.uiUrl } : {}) },
      ...(adminToken ? { adminToken } : {}),
      done,
      stop: () => (stopping ??= stopAll()),
    };
  } catch (err) {
    await stopAll().catch((cleanupError: unknown) => log(String(cleanupError)));
    throw err;
  }
}
