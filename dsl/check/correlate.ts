/**
 * Correlations: the conjuncts of a `where` of the shape `AS.field == EXPR` (either side) where EXPR
 * does not mention AS. The engine indexes waiting runs, `cancel on` subscriptions and window
 * queries by them; the whole `where` is still evaluated on every candidate.
 */
import type { CorrelationIR, ExprIR } from '../runtime/ir';

/** Does the IR `e` mention the name `name`? */
export function mentions(e: unknown, name: string): boolean {
  if (Array.isArray(e)) return e.some((x) => mentions(x, name));
  if (typeof e !== 'object' || e === null) return false;
  const node = e as Record<string, unknown>;
  if (node['kind'] === 'name' && node['name'] === name) return true;
  return Object.keys(node).some((k) => k !== 'span' && mentions(node[k], name));
}

/** The correlation `e` itself is, when it is a single `AS.field == EXPR`. */
function asCorrelation(e: ExprIR, as: string): CorrelationIR | undefined {
  if (e.kind !== 'compare' || e.op !== '==') return undefined;
  for (const [field, value] of [
    [e.left, e.right],
    [e.right, e.left],
  ]) {
    if (
      field.kind === 'member' &&
      field.object.kind === 'name' &&
      field.object.name === as &&
      !mentions(value, as)
    ) {
      return { field: field.name, value };
    }
  }
  return undefined;
}

/** The first correlation among the top-level `and`-conjuncts of `e` (a `wait`, a `cancel on`). */
export function findCorrelation(e: ExprIR | undefined, as: string): CorrelationIR | undefined {
  return findCorrelations(e, as)[0];
}

/** Every correlation among the top-level `and`-conjuncts of `e`, left to right (a window). */
export function findCorrelations(e: ExprIR | undefined, as: string): CorrelationIR[] {
  if (!e) return [];
  if (e.kind === 'and') return [...findCorrelations(e.left, as), ...findCorrelations(e.right, as)];
  const c = asCorrelation(e, as);
  return c ? [c] : [];
}
