/**
 * Errors the API answers with, as RFC 9457 problem details (`application/problem+json`). A
 * controller throws one of these (or an engine error the filter knows); the filter writes it.
 */
import type { DiagnosticJson } from '../../engine/rule-validation';

/** One reason a request body was refused: `path` names the field (`files[1].content`), '' the body. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** The JSON body of an error response. */
export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  /** The failing fields (422). */
  readonly errors?: readonly FieldError[];
  /** Compiler diagnostics (rule errors). */
  readonly diagnostics?: readonly DiagnosticJson[];
  /** Anything else a problem carries, e.g. the checks of `/readyz`. */
  readonly [extension: string]: unknown;
}

/** Where problem types are named; the slug after it is stable. */
export const PROBLEM_TYPE_BASE = 'https://opsflow.dev/problems/';

/** An error with its HTTP status and problem details. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly status: number,
    readonly slug: string,
    readonly title: string,
    detail: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(detail);
  }

  /** The response body. */
  toBody(): ProblemBody {
    return {
      type: PROBLEM_TYPE_BASE + this.slug,
      title: this.title,
      status: this.status,
      detail: this.message,
      ...this.extensions,
    };
  }
}

/** 422: the body parsed as JSON but does not have the expected shape. */
export class InvalidBodyError extends ProblemError {
  constructor(errors: readonly FieldError[], detail = describeErrors(errors)) {
    super(422, 'invalid-body', 'The request body is not valid', detail, { errors });
  }
}

/** 422: a query parameter is missing, malformed or out of range (`path` names the parameter). */
export class InvalidQueryError extends ProblemError {
  constructor(errors: readonly FieldError[], detail = describeErrors(errors)) {
    super(422, 'invalid-query', 'The query parameters are not valid', detail, { errors });
  }
}

/** 422: rule files that do not compile. */
export class RuleDiagnosticsError extends ProblemError {
  constructor(diagnostics: readonly DiagnosticJson[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    super(
      422,
      'rule-errors',
      'The rules have errors',
      `the rule set has ${errors} error(s); nothing was deployed`,
      {
        diagnostics,
      },
    );
  }
}

/** 404: an id in the path names nothing. */
export class NotFoundProblem extends ProblemError {
  constructor(detail: string) {
    super(404, 'not-found', 'Not found', detail);
  }
}

/** 429: the caller's key sent more than its share; `Retry-After` says when to try again. */
export class RateLimitedProblem extends ProblemError {
  constructor(readonly retryAfterSeconds: number) {
    super(
      429,
      'rate-limited',
      'Too many requests',
      `this key sent more events than OPSFLOW_INGEST_RATE_LIMIT allows; retry in ${retryAfterSeconds} s`,
    );
  }
}

/** `a: message; b: message` for the `detail` of a 422. */
export function describeErrors(errors: readonly FieldError[]): string {
  const shown = errors.slice(0, 5).map((e) => (e.path ? `${e.path}: ${e.message}` : e.message));
  return shown.join('; ') + (errors.length > 5 ? ` (and ${errors.length - 5} more)` : '');
}
