/**
 * Limits the checker shares with the evaluator: an expression the evaluator would refuse for
 * every input (nested deeper than `MAX_DEPTH`, more nodes than its step budget, a template longer
 * than `MAX_STRING_LENGTH`) is an error at the expression, not a `too-deep` failure of every run.
 * Measured on the AST without recursion, before the (recursive) checker walks it, so no input can
 * exhaust the checker's stack either; every later walk of the IR is bounded by the same depth.
 */
import type { Expr } from '../ast/ast';
import { exprChildren } from '../ast/expr-depth';
import { Codes, type DiagnosticCode } from '../core/diagnostics';
import type { Span } from '../core/span';
import { DEFAULT_EVAL_BUDGET, MAX_DEPTH, MAX_STRING_LENGTH } from '../runtime/evaluator-meter';

/** What makes an expression one the evaluator refuses. */
export interface ExprLimitProblem {
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly span: Span;
}

/**
 * The first limit `e` breaks, or undefined. Depth counts IR nodes as the evaluator enters them
 * (each node one level; parentheses none); size counts the nodes, each at least one step.
 */
export function exprLimitProblem(e: Expr): ExprLimitProblem | undefined {
  const stack: { e: Expr; depth: number }[] = [{ e, depth: e.kind === 'paren' ? 0 : 1 }];
  let nodes = 0;
  let deepest = 0;
  while (stack.length > 0) {
    const { e: node, depth } = stack.pop() as { e: Expr; depth: number };
    if (depth > deepest) deepest = depth;
    if (deepest > MAX_DEPTH) {
      return {
        code: Codes.expressionTooDeep,
        message: `this expression is nested more than ${MAX_DEPTH} levels deep, the most the evaluator allows (every event would fail with too-deep); split it with \`let\` or a list and \`any\`/\`in\``,
        span: e.span,
      };
    }
    if (node.kind !== 'paren' && ++nodes > DEFAULT_EVAL_BUDGET) {
      return {
        code: Codes.expressionTooLarge,
        message: `this expression has more than ${DEFAULT_EVAL_BUDGET} parts, more than the evaluator's step budget for one evaluation; split it up`,
        span: e.span,
      };
    }
    if (node.kind === 'string') {
      const text = node.parts.reduce((n, p) => n + (p.kind === 'text' ? p.text.length : 0), 0);
      if (text > MAX_STRING_LENGTH && node.parts.some((p) => p.kind === 'interp')) {
        return {
          code: Codes.expressionTooLarge,
          message: `this text is longer than ${MAX_STRING_LENGTH} characters, the longest the evaluator builds`,
          span: node.span,
        };
      }
    }
    for (const child of exprChildren(node)) {
      stack.push({ e: child, depth: child.kind === 'paren' ? depth : depth + 1 });
    }
  }
  return undefined;
}
