/**
 * What an evaluation gave, as plain data a test can compare: the value, or the `EvalError`'s code,
 * message and span.
 */
import { EvalError } from '../errors';
import type { EvalErrorCode } from '../errors';
import type { Span } from '../span';
import type { Value } from '../value';

export type Outcome =
  { readonly value: Value } | { readonly code: EvalErrorCode; readonly message: string; readonly span: Span };

/** Runs `evaluation`; an exception other than `EvalError` is rethrown (it is a bug either way). */
export function outcome(evaluation: () => Value): Outcome {
  try {
    return { value: evaluation() };
  } catch (err) {
    if (!(err instanceof EvalError)) throw err;
    return { code: err.code, message: err.message, span: err.span };
  }
}
