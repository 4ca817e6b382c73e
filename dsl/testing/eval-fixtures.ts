/**
 * A scope and clock for evaluator tests: an `inventory.updated` event matching `check-fixtures.ts`.
 */
import type { Expr } from '../ast/ast';
import { EvalError } from '../runtime/errors';
import type { EvalErrorCode } from '../runtime/errors';
import { evaluate } from '../runtime/evaluator';
import type { Value } from '../runtime/value';
import { compileExpr } from './compile-expr';

export const NOW = Date.UTC(2024, 4, 2, 10, 0, 0);
export const ctx = { now: (): number => NOW };

export const event: Value = {
  sku: 'A-1',
  available: 50,
  reorder_point: 10,
  reorder_qty: 20,
  supplier: null,
  tags: ['vip', 'new'],
  price: 9.5,
  updated_at: '2024-05-01T12:00:00+02:00',
  lead_time: 5_400_000,
  extra: { n: 1, s: 'x', list: [1, 2] },
};

/** Compiles and evaluates `e` with `event` (and `scope`) in scope. */
export function run(e: Expr, scope: Record<string, Value> = {}): Value {
  return evaluate(compileExpr(e), { event, ...scope }, ctx);
}

/** Compiles and evaluates `e`, which must fail with an `EvalError` of `code`; returns the error. */
export function fails(e: Expr, code: EvalErrorCode, scope: Record<string, Value> = {}): EvalError {
  const ir = compileExpr(e);
  let caught: unknown;
  try {
    evaluate(ir, { event, ...scope }, ctx);
  } catch (err) {
    caught = err;
  }
  if (!(caught instanceof EvalError)) throw new Error(`expected an EvalError, got ${String(caught)}`);
  if (caught.code !== code) throw new Error(`expected ${code}, got ${caught.code}: ${caught.message}`);
  return caught;
}
