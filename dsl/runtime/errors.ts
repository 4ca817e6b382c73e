/**
 * Named errors of the dsl layer. The compiler reports problems as diagnostics; these are for the
 * evaluator, which runs inside the interpreter workflow and must fail a run with a readable message
 * that names the rule file and line.
 */
import type { Span } from '../core/span';

/** Why an expression could not be evaluated; stable, so the interpreter can map them to failure types. */
export type EvalErrorCode =
  /** a null where a value is needed (`a.b` on null, `null + 1`) */
  | 'null-value'
  /** a value of the wrong kind at run time (an `any` that was not what the expression needed) */
  | 'type'
  | 'index-out-of-range'
  | 'division-by-zero'
  /** a string that is not an ISO-8601 time, or a time outside the representable range */
  | 'bad-time'
  /** a string that is not a number (`number("abc")`) */
  | 'bad-number'
  /** the evaluation took more steps than its budget */
  | 'budget-exhausted'
  /** a string or list grew past its size cap */
  | 'too-large'
  /** expressions or values nested too deeply */
  | 'too-deep'
  /** `__proto__`, `constructor`, `prototype`, or a field of something that is not a plain object */
  | 'forbidden-member'
  | 'unknown-name'
  /** a secret used other than by passing it to an action or interpolating it into a string */
  | 'secret'
  /** v2: a window read where no event log was given to the evaluation */
  | 'window-unavailable'
  /** an IR node the evaluator does not know: a mismatched IR version */
  | 'invalid-ir';

/** A runtime failure of an expression, located at the sub-expression that failed. */
export class EvalError extends Error {
  readonly code: EvalErrorCode;
  readonly span: Span;

  constructor(code: EvalErrorCode, message: string, span: Span) {
    super(message);
    this.name = 'EvalError';
    this.code = code;
    this.span = span;
  }

  /** `rules/restock.rule:12:5: cannot add null and 1`, for run timelines and failure messages. */
  describe(): string {
    return `${this.span.file}:${this.span.line}:${this.span.column}: ${this.message}`;
  }
}
