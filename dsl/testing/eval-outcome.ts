/**
 * What an evaluation gave, as plain data a test can compare: the value, or the `EvalError`'s code,
 * message and span.
 */
import { EvalError } from '../runtime/errors';
import type { EvalErrorCode } from '../runtime/errors';
import type { Span } from '../core/span';
import type { Value } from '../runtime/value';

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
