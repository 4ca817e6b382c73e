import type { Command } from 'commander';
import { ExitCode, type CliIo } from '../cli-io';
import { loadConfig } from '../config';
import { enginePart } from '../process/engine-part';
import { runUntilSignalled } from '../process/serve';

/**
 * `opsflow worker`: only the interpreter worker, for a scaled-out deployment (any number of them
 * on one task queue). It needs the shared servers: DATABASE_URL and TEMPORAL_ADDRESS.
 */
export function registerWorker(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('worker')
    .description('run only the workflow worker (needs DATABASE_URL and TEMPORAL_ADDRESS)')
    .action(async () => {
      const config = loadConfig(process.env, { cwd: io.cwd, role: 'worker' });
      const code = await runUntilSignalled(
        config,
        {
          worker: true,
          api: false,
          // Subscriptions and `emit` only: routing and deploys belong to the api processes.
          parts: [enginePart({ deployRules: false, router: false })],
        },
        io,
      );
      setExit(code === 0 ? ExitCode.ok : ExitCode.failed);
    });
}
