import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TemporalConfig } from '../config';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { commandLine, isAlive, readPidFile } from './pid-file';

type EmbeddedTemporal = Extract<TemporalConfig, { kind: 'embedded' }>;

/** The pid file of the dev server child, so a crashed `opsflow start` can be cleaned up after. */
export function devServerPidFile(dataDir: string): string {
  return join(dataDir, 'temporal.pid');
}

/**
 * Starts the local Temporal dev server with its SQLite file in the data directory and the Web UI.
 * A dev server left behind by a crashed `opsflow start` holds that file and the port: it is
 * found by its pid file and stopped first.
 */
export async function startEmbeddedTemporal(
  temporal: EmbeddedTemporal,
  dataDir: string,
  log: (line: string) => void,
): Promise<DevServer> {
  const pidFile = devServerPidFile(dataDir);
  await stopStaleDevServer(pidFile, temporal.dbFile, log);
  const server = await startDevServer({
    dbFile: temporal.dbFile,
    port: temporal.port,
    uiPort: temporal.uiPort,
    namespace: temporal.namespace,
  });
  writeFileSync(pidFile, `${server.pid}\n`);
  return {
    ...server,
    async stop() {
      await server.stop();
      rmSync(pidFile, { force: true });
    },
  };
}

/** Stops the dev server a pid file names, if it is still running and really ours. */
export async function stopStaleDevServer(
  pidFile: string,
  dbFile: string,
  log: (line: string) => void,
): Promise<void> {
  const pid = readPidFile(pidFile);
  if (pid === undefined) return;
  const command = isAlive(pid) ? commandLine(pid) : undefined;
  // The pid may have been reused by an unrelated process since the crash: only a dev server on
  // our SQLite file is ours to stop.
  if (command?.includes('start-dev') && command.includes(dbFile)) {
    log(`stopping a Temporal dev server left behind by an earlier run (pid ${pid})`);
    process.kill(pid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await new Promise((r) => setTimeout(r, 50));
  }
  rmSync(pidFile, { force: true });
}
