/**
 * Rule set checks for callers outside the compiler (the API): compile files given as text and
 * report diagnostics in their JSON shape, without storing anything.
 */
import {
  compileRuleSet,
  type Diagnostic,
  type DiagnosticJson,
  diagnosticToJson,
  type RuleSetInput,
  sortDiagnostics,
} from '../dsl';

export type { Diagnostic, DiagnosticJson, RuleSetInput };

/** What `validateRuleFiles` found: `ok` when there is no error (warnings are allowed). */
export interface RuleValidation {
  readonly ok: boolean;
  readonly diagnostics: readonly DiagnosticJson[];
}

/** Compiles the files as one rule set and reports its diagnostics, sorted. */
export function validateRuleFiles(files: readonly RuleSetInput[]): RuleValidation {
  const diagnostics = compileRuleSet(files).diagnostics;
  return {
    ok: !diagnostics.some((d) => d.severity === 'error'),
    diagnostics: diagnosticsToJson(diagnostics),
  };
}

/** Diagnostics in the JSON shape of `opsflow check --format json`, sorted by file and position. */
export function diagnosticsToJson(diagnostics: readonly Diagnostic[]): DiagnosticJson[] {
  return sortDiagnostics(diagnostics).map(diagnosticToJson);
}
