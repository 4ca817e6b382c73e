/**
 * A rule set in memory: files by path and content, parsed by the front end their name selects,
 * then checked and compiled together (a rule in one file may use an event declared in another).
 * Reading files from disk is the caller's business, so the API can validate uploads the same way.
 */
import type { SourceFile } from './ast/ast';
import { compileProgram } from './check/compile';
import { connectorSignatures, parseConnector, type ConnectorDecl } from './connector/connector';
import { sortDiagnostics, type Diagnostic } from './core/diagnostics';
import type { RuleIR } from './runtime/ir';
import { parseDsl } from './text/parse-dsl';
import { parseYaml } from './yaml/parse-yaml';

/** A file of a rule set: `path` is relative to the rule set's root and names it in diagnostics. */
export interface RuleSetInput {
  readonly path: string;
  readonly content: string;
}

export type RuleSetFileKind = 'dsl' | 'yaml' | 'connector' | 'test' | 'other';

/** Which front end reads a file, by its name (see LANGUAGE.md: the files of a rule set). */
export function fileKind(path: string): RuleSetFileKind {
  if (/\.connector\.ya?ml$/.test(path)) return 'connector';
  if (/\.test\.ya?ml$/.test(path)) return 'test';
  if (/\.rule\.ya?ml$/.test(path)) return 'yaml';
  if (/\.rule$/.test(path)) return 'dsl';
  return 'other';
}

export interface ParsedRuleSet {
  /** Every rule, event and action source file that parsed (possibly partially). */
  readonly sources: SourceFile[];
  readonly connectors: ConnectorDecl[];
  readonly diagnostics: Diagnostic[];
}

/** Parses one rule or schema file in whichever form its name says. */
export function parseSource(input: RuleSetInput): { file?: SourceFile; diagnostics: Diagnostic[] } {
  const kind = fileKind(input.path);
  if (kind === 'dsl') return parseDsl(input.path, input.content);
  if (kind === 'yaml') return parseYaml(input.path, input.content);
  return { diagnostics: [] };
}

/** Parses every file of the set; test files are left to the test runner. */
export function parseRuleSet(files: readonly RuleSetInput[]): ParsedRuleSet {
  const sources: SourceFile[] = [];
  const connectors: ConnectorDecl[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const input of files) {
    if (fileKind(input.path) === 'connector') {
      const parsed = parseConnector(input.content, input.path);
      diagnostics.push(...parsed.diagnostics);
      if (parsed.connector) connectors.push(parsed.connector);
      continue;
    }
    const parsed = parseSource(input);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.file) sources.push(parsed.file);
  }
  return { sources, connectors, diagnostics };
}

export interface CompiledRuleSet extends ParsedRuleSet {
  /** One IR per rule, sorted by name; empty when any diagnostic is an error. */
  readonly rules: RuleIR[];
}

/** Parses, checks and compiles a whole rule set. Never throws; diagnostics come sorted. */
export function compileRuleSet(files: readonly RuleSetInput[]): CompiledRuleSet {
  const parsed = parseRuleSet(files);
  const actions = parsed.connectors.flatMap(connectorSignatures);
  const compiled = compileProgram(parsed.sources, { actions });
  const rules = [...compiled.rules].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    ...parsed,
    rules: parsed.diagnostics.some((d) => d.severity === 'error') ? [] : rules,
    diagnostics: sortDiagnostics([...parsed.diagnostics, ...compiled.diagnostics]),
  };
}
