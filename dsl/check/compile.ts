/**
 * The compiler: checks a rule set and, when there are no errors, returns each rule's finished IR
 * with its version hash. Returns diagnostics; never throws on bad input.
 */
import type { SourceFile } from '../ast/ast';
import { hashRule, stableStringify } from './canonical-json';
import type { CheckOptions } from './checker';
import { checkProgram } from './checker';
import type { Diagnostic } from '../core/diagnostics';
import { hasErrors } from '../core/diagnostics';
import type { RuleIR } from '../runtime/ir';

export { stableStringify };

export interface CompileResult {
  /** One IR per rule, in source order; empty when any diagnostic is an error. */
  readonly rules: RuleIR[];
  readonly diagnostics: Diagnostic[];
}

export function compileProgram(files: readonly SourceFile[], options?: CheckOptions): CompileResult {
  const { diagnostics, program } = checkProgram(files, options);
  if (hasErrors(diagnostics)) return { rules: [], diagnostics };
  const rules = program.rules.map((r): RuleIR => ({ ...r.ir, hash: hashRule(r.ir) }));
  return { rules, diagnostics };
}
