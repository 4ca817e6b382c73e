/**
 * Diagnostics are data: the compiler returns them, it never throws for bad input. Codes are stable
 * (tools and tests match on them); messages may improve over time. Rendering lives in `render.ts`.
 */
import type { Span } from './span';

export type Severity = 'error' | 'warning';

/**
 * Every diagnostic code the compiler emits. A code never changes meaning once released; new
 * problems get new codes. Grouped by the stage that reports them.
 */
export const Codes = {
  // files and loading
  fileNotFound: 'file-not-found',
  fileUnreadable: 'file-unreadable',
  fileTooLarge: 'file-too-large',
  // lexical and syntax (DSL)
  invalidCharacter: 'invalid-character',
  unterminatedString: 'unterminated-string',
  invalidEscape: 'invalid-escape',
  invalidDuration: 'invalid-duration',
  invalidNumber: 'invalid-number',
  unexpectedToken: 'unexpected-token',
  unexpectedEnd: 'unexpected-end',
  missingEnd: 'missing-end',
  nestingTooDeep: 'nesting-too-deep',
  // YAML form
  yamlSyntax: 'yaml-syntax',
  yamlShape: 'yaml-shape',
  yamlUnknownKey: 'yaml-unknown-key',
  yamlMissingKey: 'yaml-missing-key',
  // declarations and names
  duplicateRule: 'duplicate-rule',
  duplicateEvent: 'duplicate-event',
  duplicateAction: 'duplicate-action',
  duplicateField: 'duplicate-field',
  duplicateClause: 'duplicate-clause',
  duplicateArgument: 'duplicate-argument',
  noTrigger: 'no-trigger',
  multipleTriggers: 'multiple-triggers',
  unknownName: 'unknown-name',
  unknownEvent: 'unknown-event',
  unknownField: 'unknown-field',
  unknownAction: 'unknown-action',
  unknownArgument: 'unknown-argument',
  missingArgument: 'missing-argument',
  unknownFunction: 'unknown-function',
  unknownType: 'unknown-type',
  alreadyBound: 'already-bound',
  setUnbound: 'set-unbound',
  eventWithoutOn: 'event-without-on',
  inputWithoutManual: 'input-without-manual',
  /** `set` of a name that `let` did not bind (a loop variable, `event`, a `wait ... as` name). */
  immutableBinding: 'immutable-binding',
  /** `__proto__`, `constructor`, `prototype` as a field or binding name: never readable at run time. */
  reservedName: 'reserved-name',
  // types
  typeMismatch: 'type-mismatch',
  argumentType: 'argument-type',
  notBool: 'not-bool',
  notDuration: 'not-duration',
  notTime: 'not-time',
  incomparable: 'incomparable',
  wrongArity: 'wrong-arity',
  notAList: 'not-a-list',
  notAnObject: 'not-an-object',
  invalidCron: 'invalid-cron',
  invalidTimezone: 'invalid-timezone',
  invalidRetry: 'invalid-retry',
  // limits shared with the evaluator and the engine
  expressionTooDeep: 'expression-too-deep',
  expressionTooLarge: 'expression-too-large',
  ruleTooLarge: 'rule-too-large',
  // v2 (LANGUAGE.md §9–13)
  /** `debounce`, `batch`, `throttle`, `limit` or `cancel on` in a rule without an `on` trigger. */
  flowControlNeedsEvent: 'flow-control-needs-event',
  /** `debounce` with `batch`, or `throttle` with `limit`. */
  conflictingClauses: 'conflicting-clauses',
  /** A bad count or duration in a flow-control clause (`batch 0`, `debounce 1m max 30s`). */
  invalidFlowControl: 'invalid-flow-control',
  /** A window outside `when` and the `let`/`set`/`if`/`log` expressions of `do`. */
  windowNotAllowed: 'window-not-allowed',
  /** A window longer than 31 days. */
  windowTooLong: 'window-too-long',
  /** An aggregate (`count`, `sum`, ...) whose first argument is not a window. */
  notAWindow: 'not-a-window',
  /** `previous` in a rule without an `on` trigger. */
  previousWithoutOn: 'previous-without-on',
  // warnings
  unreachable: 'unreachable',
  unusedBinding: 'unused-binding',
  disabledRule: 'disabled-rule',
  connectorInvalid: 'connector-invalid',
  // rule tests (*.test.yaml)
  testInvalid: 'test-invalid',
  // a bug in the compiler, reported instead of thrown so the other diagnostics still come out
  internalError: 'internal-error',
} as const;

export type DiagnosticCode = (typeof Codes)[keyof typeof Codes];

/** One problem found in a rule set, located at the offending token. */
export interface Diagnostic {
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly message: string;
  readonly span: Span;
}

export function error(code: DiagnosticCode, message: string, span: Span): Diagnostic {
  return { severity: 'error', code, message, span };
}

export function warning(code: DiagnosticCode, message: string, span: Span): Diagnostic {
  return { severity: 'warning', code, message, span };
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Sorts by file, then position, then code, so output is stable whatever order stages ran in. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : 0) ||
      a.span.line - b.span.line ||
      a.span.column - b.span.column ||
      (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
  );
}
