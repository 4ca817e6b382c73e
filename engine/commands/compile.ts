import { statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { compileRuleSet, IR_VERSION, renderDiagnostics, stableStringify } from '../../dsl';
import { ExitCode, type CliIo } from '../cli-io';
import { isRuleSetFile, readRuleSet } from '../rule-files';

/**
 * `opsflow compile PATH`: print the checked IR of a rule set as JSON with a stable key order.
 * A single file is compiled in the context of its folder (where its events and actions are
 * declared), and only its own rules are printed. File names in the IR are relative to that
 * folder, so the output is the same on every machine.
 */
export function registerCompile(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('compile')
    .description('print the checked IR of a rule set as JSON (stable key order)')
    .argument('<path>', 'a rule set folder or a single rule file')
    .action((path: string) => {
      const absolute = resolve(io.cwd, path);
      let base: string;
      let only: string | undefined;
      try {
        const isFolder = statSync(absolute).isDirectory();
        base = isFolder ? absolute : dirname(absolute);
        only = isFolder ? undefined : basename(absolute);
      } catch {
        io.stderr.write(`${path}:1:1: error file-not-found: no such file or folder: ${path}\n`);
        setExit(ExitCode.failed);
        return;
      }
      const read = readRuleSet(only && !isRuleSetFile(only) ? [absolute] : [base], base);
      const compiled = compileRuleSet(read.files);
      const diagnostics = [...read.diagnostics, ...compiled.diagnostics];
      if (diagnostics.some((d) => d.severity === 'error')) {
        io.stderr.write(renderDiagnostics(diagnostics, new Map(read.files.map((f) => [f.path, f.content]))));
        setExit(ExitCode.failed);
        return;
      }
      const rules = only ? compiled.rules.filter((r) => r.span.file === only) : compiled.rules;
      io.stdout.write(stableStringify({ irVersion: IR_VERSION, rules }, 2) + '\n');
      setExit(ExitCode.ok);
    });
}
