import type { Command } from 'commander';
import { ExitCode, type CliIo } from '../cli-io';
import { loadConfig } from '../config';
import { enginePart } from '../process/engine-part';
import type { EnginePart } from '../process/extension';
import { runUntilSignalled } from '../process/serve';
import { schedulesPart } from '../schedules/schedule-part';

/**
 * `opsflow start`: everything in one process, on embedded defaults unless configured otherwise:
 * PGlite under `$OPSFLOW_DATA_DIR/pg`, a child Temporal dev server with its SQLite file in the
 * data directory, migrations, the interpreter worker, the rule folder deployed (at boot and on
 * SIGHUP), the event router, and the Temporal Schedules of `every` rules kept in step with the
 * registry. The REST API joins as a part once it exists.
 */
export function registerStart(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  apiPart?: () => EnginePart,
): void {
  program
    .command('start')
    .description(
      'run opsflow in one process (embedded PGlite and Temporal dev server under ./data by default)',
    )
    .action(async () => {
      const config = loadConfig(process.env, { cwd: io.cwd, role: 'start' });
      const code = await runUntilSignalled(
        config,
        {
          worker: true,
          api: true,
          // Schedules after the engine: their first sync sees the rule folder just deployed.
          parts: [
            enginePart({ deployRules: true, router: true }),
            schedulesPart(),
            ...(apiPart ? [apiPart()] : []),
          ],
        },
        io,
      );
      setExit(code === 0 ? ExitCode.ok : ExitCode.failed);
    });
}
