import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';
import { Connection } from '@temporalio/client';
import { ServerStartError } from '../errors';
import { resolveTemporalCli } from './binaries';
import { superviseChild } from './child-server';
import { OPSFLOW_SEARCH_ATTRIBUTES } from './search-attributes';

/** How to start a local Temporal dev server (`temporal server start-dev`) as a child process. */
export interface DevServerOptions {
  /** The CLI binary; found with `resolveTemporalCli` when absent. */
  readonly cliPath?: string;
  /** SQLite file that keeps workflows across restarts; in memory when absent. */
  readonly dbFile?: string;
  /** gRPC port; a free one when absent. */
  readonly port?: number;
  /** Web UI port; `false` (the default) runs headless. */
  readonly uiPort?: number | false;
  readonly namespace?: string;
  /**
   * More custom search attributes to register at launch, name → type (`Keyword`, `Int`, ...);
   * opsflow's own (`OPSFLOW_SEARCH_ATTRIBUTES`) are always registered.
   */
  readonly searchAttributes?: Readonly<Record<string, string>>;
  /** How long to wait for the server to answer, in ms (default 60 s: slow disks, 2 cores). */
  readonly readyTimeoutMs?: number;
}

/** A running dev server. `stop()` ends it gracefully (SIGTERM, then SIGKILL after 10 s). */
export interface DevServer {
  readonly address: string;
  readonly namespace: string;
  readonly uiUrl?: string;
  readonly pid: number;
  stop(): Promise<void>;
}

/** Starts the dev server and resolves once its frontend answers for `namespace`. */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = options.cliPath ?? (await resolveTemporalCli());
  const port = options.port ?? (await freePort());
  const namespace = options.namespace ?? 'default';
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'];
  if (namespace !== 'default') args.push('--namespace', namespace);
  if (options.uiPort) args.push('--ui-port', String(options.uiPort));
  else args.push('--headless');
  if (options.dbFile) {
    mkdirSync(dirname(options.dbFile), { recursive: true });
    args.push('--db-filename', options.dbFile);
  }
  for (const [name, type] of Object.entries({ ...OPSFLOW_SEARCH_ATTRIBUTES, ...options.searchAttributes })) {
    args.push('--search-attribute', `${name}=${type}`);
  }

  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const address = `127.0.0.1:${port}`;
  const server = await superviseChild(
    child,
    'the Temporal dev server',
    () => waitUntilReady(address, namespace, options.readyTimeoutMs ?? 60_000),
    10_000,
  );
  return {
    address,
    namespace,
    uiUrl: options.uiPort ? `http://127.0.0.1:${options.uiPort}` : undefined,
    pid: server.pid,
    stop: () => server.stop(),
  };
}

async function waitUntilReady(address: string, namespace: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    let connection: Connection | undefined;
    try {
      connection = await Connection.connect({ address, connectTimeout: 2_000 });
      await connection.workflowService.describeNamespace({ namespace });
      return;
    } catch (err) {
      last = err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      await connection?.close().catch(() => undefined);
    }
  }
  throw new ServerStartError(`the Temporal dev server at ${address} did not become ready: ${String(last)}`);
}

/** A TCP port that is free right now on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      server.close(() => resolve(port));
    });
  });
}
