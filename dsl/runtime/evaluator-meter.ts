/**
 * Bounded work for one evaluation. Every node visited and every element an operation touches costs
 * a step; strings and lists have size caps; recursion has a depth cap. Exceeding any of them is an
 * `EvalError`, so a hostile or buggy expression fails the run instead of hanging the workflow.
 */
import { EvalError } from './errors';
import type { Span } from '../core/span';

/** Steps one `evaluate` call may take unless the caller says otherwise. */
export const DEFAULT_EVAL_BUDGET = 100_000;
/** Longest string an expression may produce (UTF-16 code units, about 1 MB of text). */
export const MAX_STRING_LENGTH = 1 << 20;
/** Longest list an expression may produce. */
export const MAX_LIST_LENGTH = 100_000;
/** Deepest nesting of expressions being evaluated, or of values being compared or formatted. */
export const MAX_DEPTH = 200;

export class Meter {
  private left: number;
  private depth = 0;

  constructor(budget: number = DEFAULT_EVAL_BUDGET) {
    this.left = Number.isFinite(budget) && budget > 0 ? Math.floor(budget) : DEFAULT_EVAL_BUDGET;
  }

  /** Spends `steps`; throws once the budget is gone. */
  charge(steps: number, span: Span): void {
    this.left -= steps;
    if (this.left < 0) {
      throw new EvalError('budget-exhausted', 'the expression took too many steps to evaluate', span);
    }
  }

  /** Enters one level of recursion; pair with `leave()` in a `finally`. */
  enter(span: Span): void {
    this.depth += 1;
    if (this.depth > MAX_DEPTH) {
      this.depth -= 1;
      throw new EvalError(
        'too-deep',
        `expressions or values are nested more than ${MAX_DEPTH} levels deep`,
        span,
      );
    }
  }

  leave(): void {
    this.depth -= 1;
  }

  /** Returns `text` after checking its size and charging for having produced it. */
  string(text: string, span: Span): string {
    if (text.length > MAX_STRING_LENGTH) {
      throw new EvalError('too-large', `a string grew past ${MAX_STRING_LENGTH} characters`, span);
    }
    this.charge(Math.ceil(text.length / 64), span);
    return text;
  }

  /** Checks a list length before the list is built, and charges for building it. */
  listLength(length: number, span: Span): void {
    if (length > MAX_LIST_LENGTH) {
      throw new EvalError('too-large', `a list grew past ${MAX_LIST_LENGTH} items`, span);
    }
    this.charge(length, span);
  }
}
