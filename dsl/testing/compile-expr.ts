/**
 * Typed IR for one expression, compiled through the real checker: evaluator tests build ASTs with
 * the builders and get exactly the IR the compiler would produce.
 */
import type { Expr } from '../ast/ast';
import { compileProgram } from '../check/compile';
import type { ExprIR } from '../runtime/ir';
import { C, S, file, rule } from './ast-builders';
import { fixtureDecls } from './check-fixtures';

/** Compiles `log <e>` in a rule on `inventory.updated` and returns the IR of `e`; throws on errors. */
export function compileExpr(e: Expr): ExprIR {
  const r = rule('r', [C.on('inventory.updated')], [S.log(e)]);
  const { rules, diagnostics } = compileProgram([file([...fixtureDecls(), r])]);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((d) => `${d.code}: ${d.message}`).join('\n'));
  const step = rules[0].body[0];
  if (step.kind !== 'log') throw new Error('unexpected IR');
  return step.message;
}
