import { Option, type Command } from 'commander';
import {
  compileRuleSet,
  type Diagnostic,
  diagnosticToJson,
  fileKind,
  parseRuleTests,
  renderDiagnostics,
  type RuleIR,
  type RuleSetInput,
  sortDiagnostics,
} from '../../dsl';
import { prepareTest } from '../rule-tests/prepare';
import { ExitCode, type CliIo } from '../cli-io';
import { readRuleSet } from '../rule-files';

/**
 * `opsflow check [PATH...]`: load every rule set file under the paths (one rule set: all files
 * are checked together) and report diagnostics. Exit 0 when there are no errors (warnings are
 * allowed), 1 on any error.
 */
export function registerCheck(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('check')
    .description('load and check rule sets; exit 0 (warnings allowed), 1 on any error, 2 on misuse')
    .argument('[paths...]', 'rule files or folders (default: $OPSFLOW_RULES, else ./rules)')
    .addOption(new Option('--format <format>', 'output format').choices(['human', 'json']).default('human'))
    .option('--verbose', 'also list files that were ignored, and what was loaded')
    .action((paths: string[], options: { format: 'human' | 'json'; verbose?: boolean }) => {
      const given = paths.length > 0 ? paths : [process.env.OPSFLOW_RULES || 'rules'];
      const read = readRuleSet(given, io.cwd);
      const compiled = compileRuleSet(read.files);
      const diagnostics = sortDiagnostics([
        ...read.diagnostics,
        ...compiled.diagnostics,
        ...checkTests(read.files, compiled.rules),
      ]);
      const failed = diagnostics.some((d) => d.severity === 'error');

      if (options.format === 'json') {
        io.stdout.write(JSON.stringify(diagnostics.map(diagnosticToJson), null, 2) + '\n');
      } else {
        if (options.verbose) {
          for (const file of read.files) io.stderr.write(`loaded  ${file.path}\n`);
          for (const file of read.ignored) io.stderr.write(`ignored ${file} (not a rule set file)\n`);
        }
        const sources = new Map(read.files.map((f) => [f.path, f.content]));
        if (diagnostics.length > 0) io.stdout.write(renderDiagnostics(diagnostics, sources));
        const ruleCount = compiled.sources.flatMap((s) => s.decls).filter((d) => d.kind === 'rule').length;
        const summary =
          read.files.length === 0 && read.diagnostics.length === 0
            ? `no rule set files found under ${given.join(', ')}`
            : `checked ${read.files.length} file(s), ${ruleCount} rule(s): ${failed ? 'errors found' : 'ok'}`;
        io.stderr.write(summary + '\n');
      }
      setExit(failed ? ExitCode.failed : ExitCode.ok);
    });
}

/**
 * Rule test files are checked too: their shape always, and whether they fit their rules when the
 * rules compiled (a test of a rule that has errors would only repeat them).
 */
function checkTests(files: readonly RuleSetInput[], rules: readonly RuleIR[]): Diagnostic[] {
  const byName = new Map(rules.map((r) => [r.name, r]));
  const out: Diagnostic[] = [];
  for (const file of files.filter((f) => fileKind(f.path) === 'test')) {
    const parsed = parseRuleTests(file.path, file.content);
    out.push(...parsed.diagnostics);
    if (rules.length === 0) continue;
    for (const test of parsed.tests) out.push(...prepareTest(test, byName).diagnostics);
  }
  return out;
}
