/**
 * The compiler: checks a rule set and, when there are no errors, returns each rule's finished IR
 * with its version hash. Returns diagnostics; never throws on bad input.
 */
import type { SourceFile } from '../ast/ast';
import { hashRule, stableStringify } from './canonical-json';
import type { CheckOptions } from './checker';
import { checkProgram } from './checker';
import type { Diagnostic } from '../core/diagnostics';
import { Codes, error, hasErrors } from '../core/diagnostics';
import type { RuleIR } from '../runtime/ir';

export { stableStringify };

export interface CompileResult {
  /** One IR per rule, in source order; empty when any diagnostic is an error. */
  readonly rules: RuleIR[];
  readonly diagnostics: Diagnostic[];
}

/**
 * The largest IR a rule may compile to, as JSON. Every run carries its rule's IR in its Temporal
 * input (and again at each continue-as-new), next to the event: this stays well under Temporal's
 * 2 MB payload limit (and its 512 KB warning).
 */
export const MAX_RULE_IR_BYTES = 256 * 1024;

export function compileProgram(files: readonly SourceFile[], options?: CheckOptions): CompileResult {
  const { diagnostics, program } = checkProgram(files, options);
  if (hasErrors(diagnostics)) return { rules: [], diagnostics };
  const rules = program.rules.map((r): RuleIR => ({ ...r.ir, hash: hashRule(r.ir) }));
  const tooLarge = rules.flatMap((ir) => {
    const bytes = Buffer.byteLength(JSON.stringify(ir), 'utf8');
    if (bytes <= MAX_RULE_IR_BYTES) return [];
    const kib = (n: number): string => `${Math.ceil(n / 1024)} KiB`;
    return [
      error(
        Codes.ruleTooLarge,
        `rule '${ir.name}' compiles to ${kib(bytes)} of IR, more than the ${kib(MAX_RULE_IR_BYTES)} a rule may have (every run carries it in its Temporal input); split it into smaller rules (emit events between them)`,
        ir.span,
      ),
    ];
  });
  if (tooLarge.length > 0) return { rules: [], diagnostics: [...diagnostics, ...tooLarge] };
  return { rules, diagnostics };
}
