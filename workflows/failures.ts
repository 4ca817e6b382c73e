/**
 * How a run ends other than by completing: the control-flow exceptions the interpreter throws
 * between steps (`stop`, a failure), and their conversion into the `ApplicationFailure` the
 * workflow fails with. Every failure names its source: the rule, the file and line, and a
 * readable reason, and is non-retryable (retrying a workflow would redo its actions).
 *
 * Anything a step throws that is not ours (an `EvalError` from an expression, an activity's
 * failure, a bug) is converted here, so a bad expression fails the run instead of failing the
 * workflow task over and over.
 */
import {
  ActivityFailure,
  ApplicationFailure,
  ContinueAsNew,
  TimeoutFailure,
  isCancellation,
} from '@temporalio/workflow';
import { EvalError, type RuleIR, type Span } from '../dsl/runtime';
import type { RunError } from './contract';
import { sourceRef } from './contract';
import { Suspend } from './resume';

/** The stable failure types of a run (`RunError.type`, `ApplicationFailure.type`). */
export const RunFailureTypes = {
  /** `fail MESSAGE` */
  RuleFailed: 'RuleFailed',
  /** an action (or `emit`) failed for good: non-retryable, or out of attempts */
  ActionFailed: 'ActionFailed',
  /** an expression could not be evaluated: null arithmetic, an index out of range... */
  ExpressionError: 'ExpressionError',
  /** the rule's `timeout` passed */
  RuleTimedOut: 'RuleTimedOut',
  /** the trigger's data or an action's result is unusable (e.g. it forges a secret marker) */
  InvalidInput: 'InvalidInput',
  /** the run's input is not something this interpreter can run (another IR version) */
  UnsupportedRule: 'UnsupportedRule',
  /** the engine's own activities (subscribing a `wait for`) failed for good */
  EngineFailed: 'EngineFailed',
  /** an unexpected error inside the interpreter; converted so the run ends instead of looping */
  InterpreterError: 'InterpreterError',
} as const;

/** One of `RunFailureTypes`. */
export type RunFailureType = (typeof RunFailureTypes)[keyof typeof RunFailureTypes];

/** A run failure on its way up to the workflow boundary. */
export class RunFailure extends Error {
  constructor(
    readonly type: RunFailureType,
    readonly reason: string,
    readonly span?: Span,
  ) {
    super(reason);
    this.name = 'RunFailure';
  }
}

/** `stop [MESSAGE]`: unwinds every block and ends the run successfully. */
export class StopRun extends Error {
  constructor(readonly stopMessage: string | undefined) {
    super(stopMessage ?? 'stopped');
    this.name = 'StopRun';
  }
}

/** Errors that steer the run and must pass through steps untouched. */
export function isControlFlow(err: unknown): boolean {
  return (
    err instanceof RunFailure ||
    err instanceof StopRun ||
    err instanceof Suspend ||
    err instanceof ContinueAsNew ||
    isCancellation(err)
  );
}

/**
 * Converts whatever a step threw into something the interpreter understands: control flow passes
 * through, an `EvalError` becomes `ExpressionError` at the failing sub-expression, anything else
 * an `InterpreterError` at the step.
 */
export function toRunError(err: unknown, span: Span): unknown {
  if (isControlFlow(err)) return err;
  if (err instanceof EvalError) return new RunFailure(RunFailureTypes.ExpressionError, err.message, err.span);
  const message = err instanceof Error ? err.message : String(err);
  return new RunFailure(RunFailureTypes.InterpreterError, `internal error: ${message}`, span);
}

/**
 * The failure of an action that failed for good. Cancellation passes through (the run is being
 * cancelled, or a sibling `parallel` branch failed), as does anything not from the activity.
 */
export function actionFailure(err: unknown, what: string, span: Span, type: RunFailureType): unknown {
  if (isCancellation(err) || !(err instanceof ActivityFailure)) return toRunError(err, span);
  const cause = err.cause;
  let reason: string;
  if (cause instanceof ApplicationFailure) {
    reason = `${what} failed (${cause.type ?? 'Error'}): ${cause.message}`;
  } else if (cause instanceof TimeoutFailure) {
    reason = `${what} timed out (${cause.timeoutType ?? 'timeout'})`;
  } else {
    reason = `${what} failed: ${cause?.message ?? err.message}`;
  }
  return new RunFailure(type, reason, span);
}

/** `rules/x.rule:12:5`, or the rule's own position when the failure has none. */
export function where(rule: RuleIR, span: Span | undefined): string {
  const s = span ?? rule.span;
  return `${s.file}:${s.line}:${s.column}`;
}

/** The `RunError` a query shows and a failure carries in its details. */
export function runError(rule: RuleIR, failure: RunFailure): RunError {
  return {
    type: failure.type,
    message: `rule ${rule.name} failed at ${where(rule, failure.span)}: ${failure.reason}`,
    rule: rule.name,
    source: sourceRef(failure.span ?? rule.span),
  };
}

/** The workflow's final failure: non-retryable, typed, with the `RunError` as its only detail. */
export function toApplicationFailure(error: RunError): ApplicationFailure {
  return ApplicationFailure.nonRetryable(error.message, error.type, error);
}
