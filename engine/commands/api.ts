import type { Command } from 'commander';
import { ExitCode, type CliIo } from '../cli';
import { loadConfig } from '../config';
import { enginePart } from '../process/engine-part';
import type { EnginePart } from '../process/extension';
import { runUntilSignalled } from '../process/serve';

/**
 * `opsflow api`: the REST API and the event router, for a scaled-out deployment (any number of
 * them; routing is safe to run in several). It needs the shared servers: DATABASE_URL and
 * TEMPORAL_ADDRESS. Workers run as `opsflow worker`.
 */
export function registerApi(
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  apiPart: () => EnginePart,
): void {
  program
    .command('api')
    .description('run the REST API and the event router (needs DATABASE_URL and TEMPORAL_ADDRESS)')
    .action(async () => {
      const config = loadConfig(process.env, { cwd: io.cwd, role: 'api' });
      const code = await runUntilSignalled(
        config,
        { worker: false, api: true, parts: [enginePart({ deployRules: false, router: true }), apiPart()] },
        io,
      );
      setExit(code === 0 ? ExitCode.ok : ExitCode.failed);
    });
}
