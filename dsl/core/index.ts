/**
 * core: what every stage of the rule language shares. Takes nothing from the other stages; gives
 * source spans, diagnostics as data (stable codes, severities, sorting) and their rendering for
 * people and tools, "did you mean" suggestions, and the duration literals both front ends read.
 */
export { fileSpan, joinSpans, type Span } from './span';
export {
  Codes,
  error,
  hasErrors,
  sortDiagnostics,
  warning,
  type Diagnostic,
  type DiagnosticCode,
  type Severity,
} from './diagnostics';
export { diagnosticToJson, renderDiagnostic, renderDiagnostics, type DiagnosticJson } from './render';
export { didYouMean, editDistance, suggest } from './suggest';
export { parseDurationText, readDuration, type DurationReading } from './duration-literal';
