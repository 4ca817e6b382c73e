/**
 * The fixed cost of an expression for `closures.ts`: how many steps the evaluator charges for
 * visiting its nodes and member/index links (whatever the values turn out to be, at most this
 * many: short-circuits only skip some), and how deep it nests. Also where IR that the fast tier does
 * not know is found, so that such an expression is left to the evaluator.
 */
import type { ExprIR } from '../ir';
import { MAX_DEPTH } from '../evaluator-meter';

/** A node the fast tier does not know (a newer or hand-made IR). */
export class NoFastForm extends Error {}

export interface ExprShape {
  /** Steps charged for visits and chain links if every node is reached. */
  readonly steps: number;
  /** Deepest nesting level reached (the root is 1), counted as the evaluator's meter counts it. */
  readonly depth: number;
}

type Chain = Extract<ExprIR, { kind: 'member' | 'index' }>;

export function measure(expr: ExprIR): ExprShape {
  let steps = 0;
  let deepest = 0;
  const reach = (depth: number): boolean => {
    deepest = Math.max(deepest, depth);
    // Past the limit the evaluator stops; so does the measure (the exact form is used then).
    return depth <= MAX_DEPTH;
  };
  const chain = (e: Chain, depth: number): void => {
    steps += 1;
    const object = e.object;
    if (object.kind === 'member' || object.kind === 'index') {
      if (reach(depth + 1)) chain(object, depth + 1);
    } else visit(object, depth + 1);
    if (e.kind === 'index') visit(e.index, depth + 1);
  };
  const visit = (e: ExprIR, depth: number): void => {
    steps += 1;
    if (!reach(depth)) return;
    const inner = (child: ExprIR): void => visit(child, depth + 1);
    switch (e.kind) {
      case 'literal':
      case 'duration':
      case 'name':
      case 'secret':
        return;
      case 'template':
        for (const part of e.parts) if (part.kind !== 'text') inner(part.expr);
        return;
      case 'list':
        e.items.forEach(inner);
        return;
      case 'object':
        for (const field of e.fields) inner(field.value);
        return;
      case 'member':
      case 'index':
        chain(e, depth);
        return;
      case 'call':
        e.args.forEach(inner);
        return;
      case 'arith':
      case 'compare':
      case 'in':
      case 'and':
      case 'or':
      case 'coalesce':
        inner(e.left);
        inner(e.right);
        return;
      case 'not':
      case 'neg':
        inner(e.operand);
        return;
      default:
        throw new NoFastForm(`unknown expression kind ${String((e as { kind: unknown }).kind)}`);
    }
  };
  visit(expr, 1);
  return { steps, depth: deepest };
}
