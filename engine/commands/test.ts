import { statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { Command } from 'commander';
import { formatDuration, renderDiagnostics } from '../../dsl';
import { ExitCode, type CliIo } from '../cli-io';
import { readRuleSet } from '../rule-files';
import { runRuleTests, type RuleTestReport } from '../rule-tests/run-rule-tests';
import { quietTemporalRuntime } from '../temporal/runtime-logging';

/**
 * `opsflow test [PATH...]`: run the rule tests (`*.test.yaml`) of a rule set on Temporal's
 * time-skipping test server. One line per test; a diff of the calls on failure; exit 1 if any
 * test fails or the rule set or a test file has errors.
 */
export function registerTest(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('test')
    .description('run rule tests (*.test.yaml) with time travel; exit 1 if any fails')
    .argument(
      '[paths...]',
      "rule set folders, or files (a file runs its tests, or its rules' tests, in the context of its folder; default: $OPSFLOW_RULES, else ./rules)",
    )
    .option('--filter <text>', 'run only the tests whose name contains TEXT (case-insensitive)')
    .action(async (paths: string[], options: { filter?: string }) => {
      const given = paths.length > 0 ? paths : [process.env.OPSFLOW_RULES || 'rules'];
      // A file is read with the rest of its folder (its events, actions, connectors), as
      // `compile` does, and picks which tests run.
      const { folders, onlyFiles } = contextOf(given, io.cwd);
      const read = readRuleSet(folders, io.cwd);
      const sources = new Map(read.files.map((f) => [f.path, f.content]));
      if (read.diagnostics.length > 0) {
        io.stdout.write(renderDiagnostics(read.diagnostics, sources));
        setExit(ExitCode.failed);
        return;
      }
      if (!read.files.some((f) => /\.test\.ya?ml$/.test(f.path))) {
        io.stderr.write(`no rule tests (*.test.yaml) found under ${given.join(', ')}\n`);
        setExit(ExitCode.ok);
        return;
      }
      // A failing run is an expected outcome here: the worker's warnings about it are noise.
      quietTemporalRuntime('ERROR');
      io.stderr.write('starting the time-skipping test server...\n');
      const result = await runRuleTests(read.files, {
        onReport: (r) => io.stdout.write(reportLine(r)),
        ...(onlyFiles ? { onlyFiles } : {}),
        ...(options.filter !== undefined ? { filter: options.filter } : {}),
      });
      const errors = result.diagnostics.filter((d) => d.severity === 'error');
      if (errors.length > 0) {
        io.stdout.write(renderDiagnostics(result.diagnostics, sources));
        setExit(ExitCode.failed);
        return;
      }
      if (result.reports.length === 0 && (onlyFiles || options.filter !== undefined)) {
        const what = [
          ...(onlyFiles ? [`in ${[...onlyFiles].join(', ')}`] : []),
          ...(options.filter !== undefined ? [`named like "${options.filter}"`] : []),
        ].join(' and ');
        io.stderr.write(`no rule test ${what}\n`);
        setExit(ExitCode.failed);
        return;
      }
      const failed = result.reports.filter((r) => !r.passed).length;
      io.stdout.write(`\n${result.reports.length - failed} passed, ${failed} failed\n`);
      setExit(failed > 0 ? ExitCode.failed : ExitCode.ok);
    });
}

/** `pass  name  (rule, 4h of run time in 0.6s)`, and on failure the differences, indented. */
export function reportLine(report: RuleTestReport): string {
  const mark = report.passed ? 'pass' : 'FAIL';
  // Whole seconds are enough to recognise `4h` of skipped time; the milliseconds are noise.
  const runTime =
    report.runTimeMs >= 1000 ? formatDuration(Math.round(report.runTimeMs / 1000) * 1000) : '0s';
  const head = `${mark}  ${report.test.name}  (${report.test.rule}, ${runTime} of run time in ${(report.wallMs / 1000).toFixed(1)}s)\n`;
  if (report.passed) return head;
  const where = `    at ${report.test.file}:${report.test.span.line}\n`;
  return head + where + report.problems.map((p) => p.replace(/^/gm, '    ')).join('\n') + '\n';
}

/**
 * The folders to read for `paths`, and, when some paths are files, the files that pick the tests
 * (named as `readRuleSet` names them, relative to `cwd`). A path that does not exist is read as
 * given, so its error is reported where it is.
 */
function contextOf(paths: readonly string[], cwd: string): { folders: string[]; onlyFiles?: Set<string> } {
  const folders: string[] = [];
  const files = new Set<string>();
  for (const path of paths) {
    const absolute = resolve(cwd, path);
    let isFile: boolean;
    try {
      isFile = statSync(absolute).isFile();
    } catch {
      isFile = false;
    }
    if (!isFile) {
      folders.push(path);
      continue;
    }
    folders.push(dirname(absolute));
    const name = relative(cwd, absolute);
    files.add((name.startsWith('..') || isAbsolute(name) ? absolute : name).split(sep).join('/'));
  }
  return files.size > 0 ? { folders, onlyFiles: files } : { folders };
}
