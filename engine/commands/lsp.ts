import type { Command } from 'commander';
import { ExitCode, type CliIo } from '../cli-io';

/**
 * `opsflow lsp [--stdio]`: the language server for editors, over standard input and output (the
 * only transport; `--stdio` is accepted because editors pass it). It runs until the editor
 * closes the connection. Loaded on demand, so other commands do not pay for it.
 */
export function registerLsp(program: Command, _io: CliIo, setExit: (code: number) => void): void {
  program
    .command('lsp')
    .description('run the language server for editors (Language Server Protocol over stdio)')
    .option('--stdio', 'talk over standard input and output (the default and only transport)')
    .action(async () => {
      const { startLanguageServer } = await import('../../lsp');
      await startLanguageServer({ input: process.stdin, output: process.stdout });
      setExit(ExitCode.ok);
    });
}
