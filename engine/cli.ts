import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { ExitCode, type CliIo } from './cli-io';
import { registerApi } from './commands/api';
import { registerCheck } from './commands/check';
import { registerCompile } from './commands/compile';
import { registerFmt } from './commands/fmt';
import { registerLsp } from './commands/lsp';
import { registerMigrate } from './commands/migrate';
import { registerStart } from './commands/start';
import { registerTest } from './commands/test';
import { registerWorker } from './commands/worker';
import { projectRoot } from './paths';
import type { CliExtensions } from './process/extension';

/**
 * The `opsflow` command line. Each command resolves to an exit code instead of calling
 * `process.exit`, so it can run inside tests.
 */
export function buildProgram(
  io: CliIo,
  setExit: (code: number) => void,
  extensions: CliExtensions = {},
): Command {
  const program = new Command('opsflow')
    .description('Workflow automation for e-commerce operations: check, test and run opsflow rules.')
    .version(packageVersion(), '-v, --version')
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    })
    .showHelpAfterError('(run `opsflow --help` for usage)')
    .exitOverride();
  registerCheck(program, io, setExit);
  registerCompile(program, io, setExit);
  registerFmt(program, io, setExit);
  registerTest(program, io, setExit);
  registerStart(program, io, setExit, extensions.apiPart);
  registerWorker(program, io, setExit);
  if (extensions.apiPart) registerApi(program, io, setExit, extensions.apiPart);
  registerMigrate(program, io, setExit);
  registerLsp(program, io, setExit);
  return program;
}

export async function main(
  argv: readonly string[],
  io: CliIo,
  extensions: CliExtensions = {},
): Promise<number> {
  let code: number = ExitCode.ok;
  const program = buildProgram(
    io,
    (c) => {
      code = c;
    },
    extensions,
  );
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end through here with exit code 0; anything else is misuse.
      return err.exitCode === 0 ? ExitCode.ok : ExitCode.misuse;
    }
    io.stderr.write(`opsflow: ${err instanceof Error ? err.message : String(err)}\n`);
    return ExitCode.failed;
  }
  return code;
}

function packageVersion(): string {
  const pkg: unknown = JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8'));
  return typeof pkg === 'object' && pkg !== null && 'version' in pkg ? String(pkg.version) : 'unknown';
}
