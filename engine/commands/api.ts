import type { Command } from 'commander';
import { ExitCode, type CliIo } from '../cli-io';
import { loadConfig } from '../config';
import { enginePart } from '../process/engine-part';
import type { EnginePart } from '../process/extension';
import { runUntilSignalled } from '../process/serve';
import { schedulesPart } from '../schedules/schedule-part';

/**
 * `opsflow api`: the REST API, the event router and the schedule sync, for a scaled-out
 * deployment (any number of them; routing and the sync are safe to run in several). It needs the shared servers: DATABASE_URL and
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
        {
          worker: false,
          api: true,
          parts: apiProcessParts(apiPart),
        },
        io,
      );
      setExit(code === 0 ? ExitCode.ok : ExitCode.failed);
    });
}

/**
 * What an `opsflow api` process hosts. Schedules follow the registry from every api process: the
 * sync is safe to run in several (a create that loses the race updates instead) and needs no worker.
 */
export function apiProcessParts(apiPart: () => EnginePart): EnginePart[] {
  return [enginePart({ deployRules: false, router: true }), schedulesPart(), apiPart()];
}
