/**
 * Hand-built v2 IR for windows and aggregates in interpreter and engine tests (the twin of
 * `dsl/testing/window-fixtures.ts`, which code outside `dsl/` may not import), without the parser.
 */
import type { Span } from '../../dsl/runtime';
import type { AggregateFn, CompareOp, CorrelationIR, ExprIR, WindowIR } from '../../dsl/runtime';

export const at = (line = 1, column = 1): Span => ({
  file: 'rules/v2.rule',
  line,
  column,
  endLine: line,
  endColumn: column + 1,
});

export const X = {
  name: (name: string): ExprIR => ({ kind: 'name', name, span: at() }),
  num: (value: number): ExprIR => ({ kind: 'literal', value, span: at() }),
  str: (value: string): ExprIR => ({ kind: 'literal', value, span: at() }),
  /** `a.b.c` as member nodes. */
  path: (text: string): ExprIR => {
    const [head, ...rest] = text.split('.');
    return rest.reduce<ExprIR>(
      (object, name) => ({ kind: 'member', object, name, optional: false, span: at() }),
      { kind: 'name', name: head, span: at() },
    );
  },
  cmp: (
    left: ExprIR,
    op: CompareOp,
    right: ExprIR,
    mode: 'number' | 'string' | 'value' = 'number',
  ): ExprIR => ({
    kind: 'compare',
    op,
    mode,
    left,
    right,
    span: at(),
  }),
  and: (left: ExprIR, right: ExprIR): ExprIR => ({ kind: 'and', left, right, span: at() }),
};

/** `EVENT as AS within MS [where ...]`, with `AS.field == EXPR` conjuncts as its correlations. */
export function windowOf(event: string, as: string, withinMs: number, where?: ExprIR, id = 1): WindowIR {
  const correlations: CorrelationIR[] = [];
  const walk = (e: ExprIR | undefined): void => {
    if (e === undefined) return;
    if (e.kind === 'and') {
      walk(e.left);
      walk(e.right);
    } else if (
      e.kind === 'compare' &&
      e.op === '==' &&
      e.left.kind === 'member' &&
      e.left.object.kind === 'name' &&
      e.left.object.name === as
    ) {
      correlations.push({ field: e.left.name, value: e.right });
    }
  };
  walk(where);
  return { id, event, as, withinMs, ...(where ? { where } : {}), correlations, span: at(3, 9) };
}

/** `fn(window[, value])`. */
export function agg(fn: AggregateFn, window: WindowIR, value?: ExprIR): ExprIR {
  return { kind: 'aggregate', fn, window, ...(value ? { value } : {}), span: at(3, 5) };
}
