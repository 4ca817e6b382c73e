/**
 * Why did a guard not pass? `explainGuard` re-evaluates a `when` expression and walks its `and` /
 * `or` / `not` structure down to the comparisons that decided the outcome, with the values their
 * operands saw. The engine records the result for events it skipped, so an operator can read
 * `event.available < event.reorder_point was false: 50 < 10` instead of guessing.
 *
 * Pure, like the evaluator (same budget rules); it never throws: a failing sub-expression is
 * reported in the explanation.
 */
import { EvalError } from './errors';
import type { EvalContext, EvalScope } from './evaluator';
import { Machine, truth } from './evaluator';
import { exprText } from './expr-text';
import type { CompareOp, ExprIR } from './ir';
import type { Span } from '../core/span';
import type { Value } from './value';
import { previewValue } from './value';
import { formatDuration } from './value-time';

/** One node of an explanation: a sub-expression, what it gave, and the sub-conditions behind it. */
export interface GuardExplanation {
  /** The sub-expression as rule text. */
  readonly expr: string;
  readonly span: Span;
  /** What it evaluated to, shortened (`false`, `50`, `"abc"`), or `error`. */
  readonly value: string;
  /** One readable line, e.g. `event.available < event.reorder_point was false: 50 < 10`. */
  readonly message: string;
  /** The operands that decided an `and`, `or` or `not`; empty for a leaf. */
  readonly because: readonly GuardExplanation[];
}

type Outcome = { readonly value: Value } | { readonly error: string };

function show(value: Value, asDuration: boolean): string {
  return asDuration && typeof value === 'number' ? formatDuration(value) : previewValue(value);
}

class Explainer {
  constructor(private readonly machine: Machine) {}

  private outcome(e: ExprIR): Outcome {
    try {
      return { value: this.machine.visit(e) };
    } catch (err) {
      return { error: err instanceof EvalError ? err.message : 'cannot be evaluated' };
    }
  }

  explain(e: ExprIR): GuardExplanation {
    const text = exprText(e);
    const result = this.outcome(e);
    if ('error' in result) {
      return {
        expr: text,
        span: e.span,
        value: 'error',
        message: `${text} failed: ${result.error}`,
        because: [],
      };
    }
    const value = result.value;
    const node = (message: string, because: readonly GuardExplanation[] = []): GuardExplanation => ({
      expr: text,
      span: e.span,
      value: previewValue(value),
      message,
      because,
    });
    const was = `${text} was ${previewValue(value)}`;
    switch (e.kind) {
      case 'and':
      case 'or': {
        // `and` is false because of its first false operand, `or` true because of its first true
        // one; otherwise (`and` true, `or` false) both operands had their say.
        const deciding = e.kind === 'or';
        if (value !== deciding) return node(was, [this.explain(e.left), this.explain(e.right)]);
        const left = this.outcome(e.left);
        const leftDecided = 'error' in left || this.truthOf(left.value, e.left) === deciding;
        return node(was, [this.explain(leftDecided ? e.left : e.right)]);
      }
      case 'not':
        return node(was, [this.explain(e.operand)]);
      case 'compare':
      case 'in': {
        const left = this.outcome(e.left);
        const right = this.outcome(e.right);
        if ('error' in left || 'error' in right) return node(was);
        const asDuration = e.kind === 'compare' && e.mode === 'duration';
        const op = e.kind === 'compare' ? e.op : e.negate ? 'not in' : 'in';
        if (e.kind === 'compare') {
          // A window's value is what an operator wants to see: `count(...) was 2, needed >= 3`.
          const aggregate = aggregateSide(e, left.value, right.value, value === true);
          if (aggregate !== undefined) return node(aggregate);
        }
        return node(`${was}: ${show(left.value, asDuration)} ${op} ${show(right.value, asDuration)}`);
      }
      case 'aggregate':
        return node(was);
      default:
        return node(was);
    }
  }

  private truthOf(value: Value, e: ExprIR): boolean | undefined {
    try {
      return truth(value, e.span);
    } catch {
      return undefined;
    }
  }
}

/** The mirror of each comparison, to put an aggregate on the left: `3 <= x` is `x >= 3`. */
const MIRROR: Record<CompareOp, CompareOp> = {
  '==': '==',
  '!=': '!=',
  '<': '>',
  '<=': '>=',
  '>': '<',
  '>=': '<=',
};

/**
 * `count(...) was 2, needed >= 3` for a comparison with an aggregate on one side (and not on
 * both); undefined otherwise. A true comparison reads `count(...) was 4, as needed >= 3`.
 */
function aggregateSide(
  e: Extract<ExprIR, { kind: 'compare' }>,
  l: Value,
  r: Value,
  held: boolean,
): string | undefined {
  const leftIs = e.left.kind === 'aggregate';
  if (leftIs === (e.right.kind === 'aggregate')) return undefined;
  const [agg, value, other, op] = leftIs ? [e.left, l, r, e.op] : [e.right, r, l, MIRROR[e.op]];
  const wanted = `${op} ${previewValue(other)}`;
  return `${exprText(agg)} was ${previewValue(value)}, ${held ? 'as needed' : 'needed'} ${wanted}`;
}

/**
 * Explains the value of a guard (normally: why it was false). Evaluates with the same scope and
 * clock as the guard itself; shares one budget across the whole explanation.
 */
export function explainGuard(expr: ExprIR, scope: EvalScope, ctx: EvalContext): GuardExplanation {
  return new Explainer(new Machine(scope, ctx)).explain(expr);
}

/** The explanation as indented lines, the deciding conditions under the condition they decided. */
export function formatExplanation(explanation: GuardExplanation, indent = '  '): string {
  const lines: string[] = [];
  const walk = (node: GuardExplanation, depth: number): void => {
    lines.push(`${indent.repeat(depth)}${node.message}`);
    for (const child of node.because) walk(child, depth + 1);
  };
  walk(explanation, 0);
  return lines.join('\n');
}
