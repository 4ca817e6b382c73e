/**
 * runtime: what a run needs, and the only part of the rule language workflow code may import.
 * Takes the IR the checker produced; gives its types, run-time values (and secrets, times,
 * durations), the pure, bounded expression evaluator and its errors, and explanations of why a
 * guard did not pass. No Node APIs, no `eval`: it runs inside Temporal's workflow sandbox.
 * The router's faster form of the same evaluation is `runtime/fast`, which workflows may not use.
 */
export type { Span } from '../core/span';
export {
  DEFAULT_BACKOFF,
  DEFAULT_BACKOFF_WITH_INTERVAL,
  DEFAULT_RETRY_INTERVAL_MS,
  IR_VERSION,
  IR_VERSION_V2,
  RUN_FAILED_EVENT,
  type ActionOrigin,
  type AggregateFn,
  type CancelOnIR,
  type FlowControlIR,
  type IrVersion,
  type WaitCaseIR,
  type WindowIR,
  type ActionSignatureIR,
  type ArithOp,
  type CompareMode,
  type CompareOp,
  type ConcurrencyMode,
  type CorrelationIR,
  type EventSchemaIR,
  type ExprIR,
  type FieldTypeIR,
  type FormatIR,
  type NamedExprIR,
  type ObjectFieldIR,
  type RetryIR,
  type RuleIR,
  type StepIR,
  type TemplatePartIR,
  type TriggerIR,
  type TypeIR,
} from './ir';
export {
  FORBIDDEN_MEMBERS,
  containsSecretMarker,
  deepEqual,
  defineField,
  isPlainObject,
  isSecret,
  isSecretRef,
  isSecretTemplate,
  kindOf,
  previewValue,
  resolveSecrets,
  toJson,
  toText,
  type SecretRef,
  type SecretTemplate,
  type Value,
  type ValueObject,
} from './value';
export { formatDuration, formatTime, isRepresentableTime, parseTime } from './value-time';
export {
  DEFAULT_EVAL_BUDGET,
  evaluate,
  evaluateCondition,
  truth,
  type EvalContext,
  type EvalScope,
} from './evaluator';
export { EvalError, type EvalErrorCode } from './errors';
export type { WindowEvent, WindowSource } from './evaluator-window';
export {
  inWindow,
  listWindowSource,
  prefetchedWindowSource,
  windowExprsOfStep,
  windowsOf,
  type TypedWindowEvent,
} from './window-source';
export {
  explainGuard,
  formatExplanation,
  type GuardExplanation,
  MAX_EXPLANATION_BYTES,
  TRUNCATED_MARKER,
} from './explain';
export { exprText, windowText } from './expr-text';
