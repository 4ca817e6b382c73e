/**
 * A real Temporal server (not the dev server) on PostgreSQL, started as a child process through
 * `scripts/temporal-server.sh` with the repo's `config/temporal/opsflow.yaml`: its two databases
 * are created and brought to the server's schema version, every service port is a free one, and
 * the namespace and opsflow's search attributes are registered before it is handed out. The
 * cluster test and the benchmarks use it; production runs the same binary and config.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { msToTs } from '@temporalio/common/lib/time';
import { pgDatabase } from '../db/sql';
import { ServerStartError } from '../errors';
import { superviseChild, tail } from './child-server';
import { OPSFLOW_SEARCH_ATTRIBUTES } from './search-attributes';

export interface TemporalServerOptions {
  /** A PostgreSQL URL whose user may create databases: the server's databases go on that server. */
  readonly databaseUrl: string;
  /** Its persistence database (created when missing; default `temporal`). */
  readonly databaseName?: string;
  /** Its visibility database (default `<databaseName>_visibility`). */
  readonly visibilityDatabaseName?: string;
  /** Frontend gRPC port; a free one when absent. */
  readonly port?: number;
  readonly namespace?: string;
  /** Search attributes to register, name → type (default: opsflow's). */
  readonly searchAttributes?: Readonly<Record<string, string>>;
  /**
   * `false`: Temporal's databases commit without waiting for the WAL to reach the disk
   * (`synchronous_commit = off`): a PostgreSQL crash may lose the last moments of history, a
   * process crash loses nothing. For tests and benchmarks on a shared disk; default true.
   */
  readonly synchronousCommit?: boolean;
  /** How long setup and start may take together, in ms (default 120 s). */
  readonly readyTimeoutMs?: number;
}

/** A running server. `stop()` ends it gracefully (SIGTERM, SIGKILL after 20 s). */
export interface TemporalServer {
  readonly address: string;
  readonly namespace: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const ROOT = resolve(__dirname, '..', '..');
const SCRIPT = resolve(ROOT, 'scripts', 'temporal-server.sh');
const PORT_VARIABLES = [
  'TEMPORAL_FRONTEND_MEMBERSHIP_PORT',
  'TEMPORAL_FRONTEND_HTTP_PORT',
  'TEMPORAL_MATCHING_PORT',
  'TEMPORAL_MATCHING_MEMBERSHIP_PORT',
  'TEMPORAL_HISTORY_PORT',
  'TEMPORAL_HISTORY_MEMBERSHIP_PORT',
  'TEMPORAL_WORKER_PORT',
  'TEMPORAL_WORKER_MEMBERSHIP_PORT',
];

/**
 * A free port below 32768: Temporal stores membership ports in a `smallint` column, and the
 * kernel hands out ephemeral ports above that, so they are tried at random in 20000-32767.
 */
async function freeLowPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_768);
    if (taken.has(port)) continue;
    const free = await new Promise<boolean>((done) => {
      const server = createServer();
      server.once('error', () => done(false));
      server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
    });
    if (free) {
      taken.add(port);
      return port;
    }
  }
  throw new ServerStartError('no free port below 32768 for the Temporal server');
}

/** The environment `scripts/temporal-server.sh` reads: the database and every port. */
async function serverEnv(options: TemporalServerOptions, port: number): Promise<Record<string, string>> {
  const url = new URL(options.databaseUrl);
  const name = options.databaseName ?? 'temporal';
  const env: Record<string, string> = {
    TEMPORAL_DB_HOST: url.hostname || '127.0.0.1',
    TEMPORAL_DB_PORT: url.port || '5432',
    TEMPORAL_DB_USER: decodeURIComponent(url.username),
    TEMPORAL_DB_PASSWORD: decodeURIComponent(url.password),
    TEMPORAL_DB_NAME: name,
    TEMPORAL_VISIBILITY_DB_NAME: options.visibilityDatabaseName ?? `${name}_visibility`,
    TEMPORAL_FRONTEND_PORT: String(port),
  };
  const taken = new Set([port]);
  for (const variable of PORT_VARIABLES) env[variable] = String(await freeLowPort(taken));
  return env;
}

/** Runs `scripts/temporal-server.sh setup`; rejects with its output when it fails. */
function setup(env: Record<string, string>): Promise<void> {
  return new Promise((resolveSetup, reject) => {
    const child = spawn('bash', [SCRIPT, 'setup'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = tail(child);
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolveSetup()
        : reject(new ServerStartError(`temporal-server.sh setup exited with code ${code}: ${output()}`)),
    );
  });
}

/** Sets up the databases, starts the server, registers the namespace and search attributes. */
export async function startTemporalServer(options: TemporalServerOptions): Promise<TemporalServer> {
  const deadline = Date.now() + (options.readyTimeoutMs ?? 120_000);
  const port = options.port ?? (await freeLowPort(new Set()));
  const namespace = options.namespace ?? 'default';
  const env = await serverEnv(options, port);
  await setup(env);
  if (options.synchronousCommit === false) {
    const admin = pgDatabase(options.databaseUrl, { max: 1 });
    try {
      for (const name of [env.TEMPORAL_DB_NAME, env.TEMPORAL_VISIBILITY_DB_NAME]) {
        await admin.exec(`ALTER DATABASE "${name.replace(/"/g, '""')}" SET synchronous_commit = off`);
      }
    } finally {
      await admin.close();
    }
  }
  const child = spawn('bash', [SCRIPT, 'start'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const address = `127.0.0.1:${port}`;
  const server = await superviseChild(
    child,
    'the Temporal server',
    () => register(address, namespace, options.searchAttributes ?? OPSFLOW_SEARCH_ATTRIBUTES, deadline),
    20_000,
  );
  return { address, namespace, pid: server.pid, stop: () => server.stop() };
}

/** gRPC status ALREADY_EXISTS: a namespace or attribute registered by an earlier setup. */
const ALREADY_EXISTS = 6;

function isAlreadyExists(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === ALREADY_EXISTS;
}

/**
 * Waits for the frontend, registers the namespace (kept 3 days) and the search attributes, and
 * returns once a visibility query on the namespace succeeds, i.e. runs can start and be listed.
 */
async function register(
  address: string,
  namespace: string,
  searchAttributes: Readonly<Record<string, string>>,
  deadline: number,
): Promise<void> {
  let last: unknown;
  let registered = false;
  let attributes = Object.keys(searchAttributes).length === 0;
  while (Date.now() < deadline) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2_000 });
      if (!registered) {
        await connection.workflowService
          .registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('3 days') })
          .catch((err: unknown) => {
            if (!isAlreadyExists(err)) throw err;
          });
        registered = true;
      }
      if (!attributes) {
        const wanted: Record<string, number> = {};
        for (const [name, type] of Object.entries(searchAttributes)) {
          const value = encodeSearchAttributeIndexedValueType(type.toUpperCase() as 'KEYWORD');
          if (value === undefined)
            throw new ServerStartError(`unknown search attribute type ${type} of ${name}`);
          wanted[name] = value;
        }
        await connection.operatorService
          .addSearchAttributes({ namespace, searchAttributes: wanted })
          .catch((err: unknown) => {
            if (!isAlreadyExists(err)) throw err;
          });
        attributes = true;
      }
      await connection.workflowService.listWorkflowExecutions({ namespace, pageSize: 1 });
      return;
    } catch (err) {
      if (err instanceof ServerStartError) throw err;
      last = err;
      await new Promise((done) => setTimeout(done, 300));
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
  throw new ServerStartError(`the Temporal server at ${address} did not become ready: ${String(last)}`);
}
