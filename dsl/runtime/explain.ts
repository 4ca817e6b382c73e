/**
 * Why did a guard not pass? `explainGuard` re-evaluates a `when` expression and walks its `and` /
 * `or` / `not` structure down to the comparisons that decided the outcome, with the values their
 * operands saw. The engine records the result for events it skipped, so an operator can read
 * `event.available < event.reorder_point was false: 50 < 10` instead of guessing.
 *
 * Pure, like the evaluator (same budget rules); it never throws: a failing sub-expression is
 * reported in the explanation. Its size is linear in the guard and capped: each node quotes its
 * sub-expression cut to `MAX_EXPR_TEXT` characters, the walk stops descending once the messages
 * reach `MAX_EXPLANATION_BYTES`, and the formatted text is cut there with a marker.
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
  /** Its operands were left out: the explanation reached its size cap. */
  readonly truncated?: boolean;
}

/** The most an explanation holds (UTF-8 bytes of its messages, and of its formatted text). */
export const MAX_EXPLANATION_BYTES = 16 * 1024;

/** Marks where an explanation was cut. */
export const TRUNCATED_MARKER = `… (explanation cut at ${MAX_EXPLANATION_BYTES / 1024} KB)`;

/** UTF-8 length without Node's Buffer (this module runs in workflows too). */
function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

type Outcome = { readonly value: Value } | { readonly error: string };

function show(value: Value, asDuration: boolean): string {
  return asDuration && typeof value === 'number' ? formatDuration(value) : previewValue(value);
}

class Explainer {
  /** Bytes of messages so far: past the cap, operands are no longer explained. */
  private used = 0;

  constructor(private readonly machine: Machine) {}

  /** Operands to explain, unless the explanation is full already. */
  private operands(...es: readonly ExprIR[]): GuardExplanation[] | undefined {
    return this.used > MAX_EXPLANATION_BYTES ? undefined : es.map((x) => this.explain(x));
  }

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
    const node = (
      message: string,
      because: readonly GuardExplanation[] | undefined = [],
    ): GuardExplanation => {
      this.used += utf8Length(message) + 1;
      return {
        expr: text,
        span: e.span,
        value: previewValue(value),
        message,
        because: because ?? [],
        ...(because === undefined ? { truncated: true } : {}),
      };
    };
    const was = `${text} was ${previewValue(value)}`;
    switch (e.kind) {
      case 'and':
      case 'or': {
        // `and` is false because of its first false operand, `or` true because of its first true
        // one; otherwise (`and` true, `or` false) both operands had their say.
        const deciding = e.kind === 'or';
        if (value !== deciding) return node(was, this.operands(e.left, e.right));
        const left = this.outcome(e.left);
        const leftDecided = 'error' in left || this.truthOf(left.value, e.left) === deciding;
        return node(was, this.operands(leftDecided ? e.left : e.right));
      }
      case 'not':
        return node(was, this.operands(e.operand));
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

/**
 * The explanation as indented lines, the deciding conditions under the condition they decided; at
 * most `MAX_EXPLANATION_BYTES`, ending with `TRUNCATED_MARKER` where it was cut.
 */
export function formatExplanation(explanation: GuardExplanation, indent = '  '): string {
  const lines: string[] = [];
  let bytes = 0;
  const room = MAX_EXPLANATION_BYTES - utf8Length(TRUNCATED_MARKER) - 1;
  // Depth first, iteratively: children pushed in reverse so they come out in order.
  const work: { node: GuardExplanation; depth: number }[] = [{ node: explanation, depth: 0 }];
  let cut = false;
  for (let item = work.pop(); item !== undefined; item = work.pop()) {
    const line = `${indent.repeat(item.depth)}${item.node.message}`;
    const size = utf8Length(line) + 1;
    if (bytes + size > room) {
      cut = true;
      break;
    }
    lines.push(line);
    bytes += size;
    if (item.node.truncated) cut = true;
    for (let i = item.node.because.length - 1; i >= 0; i--)
      work.push({ node: item.node.because[i], depth: item.depth + 1 });
  }
  if (cut) lines.push(TRUNCATED_MARKER);
  return lines.join('\n');
}
