/**
 * The nesting depth of an expression tree, measured without recursion: how the front ends bound
 * what the (recursive) checker, printers and IR walks will be given.
 */
import type { Expr } from './ast';

/** The direct sub-expressions of `e`. */
export function exprChildren(e: Expr): readonly Expr[] {
  switch (e.kind) {
    case 'string':
      return e.parts.flatMap((p) => (p.kind === 'interp' ? [p.expr] : []));
    case 'list':
      return e.items;
    case 'object':
      return e.fields.map((f) => f.value);
    case 'member':
      return [e.object];
    case 'index':
      return [e.object, e.index];
    case 'call':
      return e.args;
    case 'unary':
      return [e.operand];
    case 'binary':
      return [e.left, e.right];
    case 'paren':
      return [e.expr];
    case 'window':
      return e.where ? [e.where] : [];
    default:
      return [];
  }
}

/** Is `e` nested more than `max` levels deep (every node, parentheses too, one level)? */
export function exprDeeperThan(e: Expr, max: number): boolean {
  const stack: { e: Expr; depth: number }[] = [{ e, depth: 1 }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (item.depth > max) return true;
    for (const child of exprChildren(item.e)) stack.push({ e: child, depth: item.depth + 1 });
  }
  return false;
}
