import type { CliIo } from '../cli-io';
import type { Config } from '../config';
import { quietTemporalRuntime } from '../temporal/runtime-logging';
import { startRuntime, type RuntimeOptions } from './runtime';
import { onShutdownSignals } from './shutdown';

/**
 * Boots a runtime, prints where things are, and runs until SIGINT/SIGTERM (graceful) or until
 * the worker fails. Resolves with the exit code.
 */
export async function runUntilSignalled(
  config: Config,
  options: Omit<RuntimeOptions, 'log'>,
  io: CliIo,
): Promise<number> {
  const log = (line: string): void => {
    io.stdout.write(`${line}\n`);
  };
  // The worker's own INFO lines (bundler statistics, state changes) bury opsflow's; keep warnings.
  quietTemporalRuntime('WARN');
  const runtime = await startRuntime(config, { ...options, log });
  log(
    `database: ${config.database.kind === 'postgres' ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.database.dataDir}`}`,
  );
  log(`Temporal: ${runtime.temporal.address} (namespace ${runtime.temporal.namespace})`);
  if (runtime.temporal.uiUrl) log(`Temporal Web UI: ${runtime.temporal.uiUrl}`);
  const token = runtime.adminToken;
  if (token?.generated) {
    // Printed this once only; afterwards it is read from the file.
    log(`admin token (generated, stored in ${token.file}): ${token.token}`);
  } else if (token?.file) {
    log(`admin token: in ${token.file}`);
  }
  log('opsflow is running; press Ctrl+C to stop');

  return new Promise<number>((resolve) => {
    let dispose = (): void => undefined;
    const finish = (code: number): void => {
      dispose();
      resolve(code);
    };
    dispose = onShutdownSignals(async () => {
      await runtime.stop();
      log('stopped');
      finish(0);
    }, log);
    runtime.done.then(
      () => undefined,
      async (err: unknown) => {
        log(`the worker failed: ${err instanceof Error ? err.message : String(err)}`);
        await runtime.stop().catch((e: unknown) => log(String(e)));
        finish(1);
      },
    );
  });
}
