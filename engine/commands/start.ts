import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from '../cli';
import { startDevServer } from '../temporal/dev-server';

/**
 * `opsflow start`: everything on one machine with embedded defaults. For now it runs the
 * Temporal dev server with its SQLite file under the data directory (so runs survive restarts)
 * and the Web UI, and stays up until interrupted.
 */
export function registerStart(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('start')
    .description(
      'run opsflow on this machine with embedded defaults (local Temporal dev server under ./data)',
    )
    .action(async () => {
      const dataDir = resolve(io.cwd, process.env.OPSFLOW_DATA_DIR ?? 'data');
      const port = Number(process.env.OPSFLOW_TEMPORAL_PORT ?? 7233);
      const uiPort = Number(process.env.OPSFLOW_TEMPORAL_UI_PORT ?? 8233);
      io.stdout.write(`starting the Temporal dev server (data in ${dataDir})...\n`);
      const server = await startDevServer({ dbFile: join(dataDir, 'temporal.db'), port, uiPort });
      io.stdout.write(`Temporal dev server: ${server.address} (namespace ${server.namespace})\n`);
      io.stdout.write(`Temporal Web UI:     ${server.uiUrl}\n`);
      io.stdout.write('press Ctrl+C to stop\n');
      await new Promise<void>((done) => {
        const stop = (): void => {
          io.stdout.write('stopping...\n');
          void server.stop().then(done);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      setExit(0);
    });
}
