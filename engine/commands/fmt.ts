import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { fileKind, parseSource, printDsl, printYaml, renderDiagnostics } from '../../dsl';
import { ExitCode, type CliIo } from '../cli-io';

type Form = 'dsl' | 'yaml';

interface FmtOptions {
  to?: Form;
  write?: boolean;
  check?: boolean;
}

/**
 * `opsflow fmt [--to dsl|yaml] [--write] [--check] FILE...`: format rule files, or translate them
 * between the two forms. Without `--write` the result goes to standard output; with it, a file
 * is rewritten in place, and a translated file replaces the original under its new name
 * (`a.rule` ⇄ `a.rule.yaml`). A file that does not parse is reported and left untouched.
 */
export function registerFmt(program: Command, io: CliIo, setExit: (code: number) => void): void {
  program
    .command('fmt')
    .description('format rule files, or translate them between the DSL and YAML forms')
    .argument('<files...>', '*.rule, *.rule.yaml or *.rule.yml files')
    .addOption(new Option('--to <form>', 'translate to this form').choices(['dsl', 'yaml']))
    .option('--write', 'write the result back (a translation replaces the file under its new name)')
    .option('--check', 'write nothing; exit 1 if any file is not formatted')
    .action((files: string[], options: FmtOptions) => {
      let code: number = ExitCode.ok;
      for (const file of files) {
        const kind = fileKind(file);
        if (kind !== 'dsl' && kind !== 'yaml') {
          io.stderr.write(`opsflow fmt: ${file}: not a rule file (*.rule, *.rule.yaml, *.rule.yml)\n`);
          code = Math.max(code, ExitCode.misuse);
          continue;
        }
        code = Math.max(code, formatOne(file, kind, options, io));
      }
      setExit(code);
    });
}

function formatOne(file: string, kind: Form, options: FmtOptions, io: CliIo): number {
  const absolute = resolve(io.cwd, file);
  let content: string;
  try {
    content = readFileSync(absolute, 'utf8');
  } catch (err) {
    io.stderr.write(`${file}:1:1: error file-unreadable: cannot read this file: ${String(err)}\n`);
    return ExitCode.failed;
  }
  const parsed = parseSource({ path: file, content });
  const errors = parsed.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0 || !parsed.file) {
    io.stderr.write(renderDiagnostics(errors, new Map([[file, content]])));
    return ExitCode.failed;
  }
  const target = options.to ?? kind;
  const output = target === 'dsl' ? printDsl(parsed.file) : printYaml(parsed.file);

  if (options.check) {
    if (target !== kind || output !== content) {
      io.stdout.write(`${file}: not formatted\n`);
      return ExitCode.failed;
    }
    return ExitCode.ok;
  }
  if (!options.write) {
    io.stdout.write(output);
    return ExitCode.ok;
  }
  if (target === kind) {
    if (output !== content) writeAtomically(absolute, output);
    return ExitCode.ok;
  }
  const renamed = translatedName(absolute, target);
  if (existsSync(renamed)) {
    io.stderr.write(
      `opsflow fmt: ${translatedName(file, target)} already exists; not overwriting it with the translation of ${file}\n`,
    );
    return ExitCode.failed;
  }
  writeAtomically(renamed, output);
  unlinkSync(absolute);
  io.stderr.write(`${file} -> ${translatedName(file, target)}\n`);
  return ExitCode.ok;
}

/** `a.rule` → `a.rule.yaml`, `a.rule.yaml` / `a.rule.yml` → `a.rule`. */
export function translatedName(path: string, to: Form): string {
  return to === 'yaml' ? path.replace(/\.rule$/, '.rule.yaml') : path.replace(/\.rule\.ya?ml$/, '.rule');
}

function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.opsflow-tmp`;
  writeFileSync(temporary, text, 'utf8');
  renameSync(temporary, path);
}
