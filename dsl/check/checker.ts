/**
 * The checker: all files of a rule set, checked together. It reports every problem as a
 * diagnostic at the offending token and builds each rule's typed IR on the way (see
 * `compile.ts` for the finished, hashed IR).
 *
 * Documented decisions (docs/language.md): null-lenient typing (`T?` is accepted where `T` is
 * expected and checked at run time), block scoping without shadowing, `let x = null` binds `any`,
 * `wait`/`approve ... as` names are optional only when `within` is given.
 */
import type { RuleDecl, SourceFile } from '../ast/ast';
import type { ActionSignature } from './env';
import { CheckEnv, collectDeclarations, where } from './env';
import { checkRule } from './rule';
import type { Diagnostic } from '../core/diagnostics';
import { Codes, sortDiagnostics } from '../core/diagnostics';
import type { ActionSignatureIR, EventSchemaIR, RuleIR } from '../runtime/ir';
import type { Span } from '../core/span';

export type { ActionSignature };

export interface CheckOptions {
  /** Actions described by connectors (and plugins), in addition to the built-in ones. */
  readonly actions?: readonly ActionSignature[];
}

/** A rule that was checked, with its IR (without the version hash). */
export interface CheckedRule {
  readonly decl: RuleDecl;
  readonly ir: Omit<RuleIR, 'hash'>;
}

/** Everything the checker learned about a rule set. The rules' IR is only meaningful without errors. */
export interface CheckedProgram {
  readonly events: ReadonlyMap<string, EventSchemaIR>;
  readonly actions: ReadonlyMap<string, ActionSignatureIR>;
  readonly rules: readonly CheckedRule[];
}

/** Checks a rule set; never throws on bad input. Diagnostics are sorted by file and position. */
export function checkProgram(
  files: readonly SourceFile[],
  options: CheckOptions = {},
): { diagnostics: Diagnostic[]; program: CheckedProgram } {
  const env = new CheckEnv();
  const rules: CheckedRule[] = [];
  guarded(env, files[0]?.file ?? '<rule set>', () => collectDeclarations(files, options.actions ?? [], env));
  const ruleAt = new Map<string, Span>();
  for (const file of files) {
    for (const decl of file.decls) {
      if (decl.kind !== 'rule') continue;
      const first = ruleAt.get(decl.name);
      if (first)
        env.error(
          Codes.duplicateRule,
          `rule '${decl.name}' is already defined at ${where(first)}`,
          decl.nameSpan,
        );
      else ruleAt.set(decl.name, decl.nameSpan);
      guarded(env, decl.nameSpan, () => rules.push({ decl, ir: checkRule(decl, env) }));
    }
  }
  // A built-in event type is part of the program only when one of its rules uses it.
  const used = new Set(rules.flatMap((r) => r.ir.events.map((e) => e.name)));
  const events = new Map(
    [...env.events]
      .filter(([name, info]) => !info.builtin || used.has(name))
      .map(([name, info]) => [name, info.schema]),
  );
  return { diagnostics: sortDiagnostics(env.diagnostics), program: { events, actions: env.actions, rules } };
}

/** Runs a checking step; a bug in it becomes an `internal-error` diagnostic instead of an exception. */
function guarded(env: CheckEnv, at: Span | string, step: () => void): void {
  try {
    step();
  } catch (err) {
    const span: Span =
      typeof at === 'string' ? { file: at, line: 1, column: 1, endLine: 1, endColumn: 1 } : at;
    const message = err instanceof Error ? err.message : String(err);
    env.error(Codes.internalError, `internal error in the checker (please report it): ${message}`, span);
  }
}
