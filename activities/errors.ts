/**
 * Named errors of the activities layer and their mapping to Temporal failures.
 *
 * Action code throws `ActionError`s; the activity boundary (`runAction`, `emit`) turns each into an
 * `ApplicationFailure` with a stable `type`, after redacting secret values from its message. Whether
 * a failure is retried is decided here (retryable or not) and by the workflow's retry policy (how
 * often): activities never loop on their own.
 */
import { ApplicationFailure } from '@temporalio/common';

/**
 * The `type` of every failure an action can end with. Stable: the interpreter and operators match
 * on them.
 */
export const FailureTypes = {
  /** The far side refused the request for good (a 4xx other than 408/429, or a redirect). */
  ActionRejected: 'ActionRejected',
  /** The far side is unavailable for now (408, 429, 5xx, a timeout, a connection error): retryable. */
  ActionUnavailable: 'ActionUnavailable',
  /** The arguments do not fit the action (a missing or mistyped parameter, a bad URL or address). */
  InvalidInput: 'InvalidInput',
  /** No built-in or connector action has this name. */
  UnknownAction: 'UnknownAction',
  /** The URL's host (or an address it resolves to) is not on the allowlist. */
  HostNotAllowed: 'HostNotAllowed',
  /** The response body is larger than the configured cap. */
  ResponseTooLarge: 'ResponseTooLarge',
  /** The response does not have the result type the connector declares. */
  InvalidResult: 'InvalidResult',
  /** A `secret("NAME")` that neither the environment nor the secrets file defines. */
  SecretMissing: 'SecretMissing',
  /** A secret was passed where it would be stored or shown to people (an event, a notification). */
  SecretNotAllowed: 'SecretNotAllowed',
  /** The deployment lacks configuration the action needs (a webhook URL, SMTP, a base URL). */
  NotConfigured: 'NotConfigured',
} as const;

export type FailureType = (typeof FailureTypes)[keyof typeof FailureTypes];

/** Options of an `ActionError`: details travel with the failure, so they must hold no secret. */
export interface ActionErrorOptions {
  readonly retryable?: boolean;
  /** Overrides the retry policy's next interval, e.g. from a `Retry-After` header. */
  readonly retryAfterMs?: number;
  /** Small JSON facts for the run's timeline, e.g. `{ status: 404 }`. */
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}

/** A failure of an action, with the failure type it maps to. */
export class ActionError extends Error {
  readonly type: FailureType;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;

  constructor(type: FailureType, message: string, options: ActionErrorOptions = {}) {
    super(message);
    this.name = 'ActionError';
    this.type = type;
    this.retryable = options.retryable ?? false;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.details) this.details = options.details;
  }
}

/** The request was refused by policy before anything was sent. */
export class HostNotAllowedError extends ActionError {
  constructor(message: string) {
    super(FailureTypes.HostNotAllowed, message);
    this.name = 'HostNotAllowedError';
  }
}

/** The response body went past the size cap; reading stopped there. */
export class ResponseTooLargeError extends ActionError {
  constructor(limitBytes: number) {
    super(FailureTypes.ResponseTooLarge, `the response is larger than ${limitBytes} bytes`, {
      details: { limitBytes },
    });
    this.name = 'ResponseTooLargeError';
  }
}

/** The arguments do not fit the action. */
export class InvalidInputError extends ActionError {
  constructor(message: string) {
    super(FailureTypes.InvalidInput, message);
    this.name = 'InvalidInputError';
  }
}

/** A secret was passed to an action that would store it or show it to people. */
export class SecretNotAllowedError extends ActionError {
  constructor(message: string) {
    super(FailureTypes.SecretNotAllowed, message);
    this.name = 'SecretNotAllowedError';
  }
}

/** A transient problem: the retry policy decides whether and when to try again. */
export class ActionUnavailableError extends ActionError {
  constructor(message: string, options: Omit<ActionErrorOptions, 'retryable'> = {}) {
    super(FailureTypes.ActionUnavailable, message, { ...options, retryable: true });
    this.name = 'ActionUnavailableError';
  }
}

/** Statuses retried when a connector does not say otherwise. */
export function isDefaultRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/** Longest `Retry-After` honoured; past it the retry policy's own interval applies. */
const MAX_RETRY_AFTER_MS = 10 * 60 * 1000;

/** Reads `Retry-After` (seconds or an HTTP date) into milliseconds, when usable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

/**
 * The failure for a non-2xx HTTP status: retryable for the statuses in `retryable` (or the default
 * set), otherwise rejected for good. `snippet` is an already-redacted piece of the response body.
 */
export function statusError(
  what: string,
  status: number,
  snippet: string,
  retryable: readonly number[] | undefined,
  retryAfter?: string,
): ActionError {
  const isRetryable = retryable ? retryable.includes(status) : isDefaultRetryableStatus(status);
  const tail = snippet ? `: ${snippet}` : '';
  if (isRetryable) {
    const retryAfterMs = parseRetryAfter(retryAfter);
    return new ActionUnavailableError(`${what} answered ${status}${tail}`, {
      details: { status },
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  const hint = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
  return new ActionError(FailureTypes.ActionRejected, `${what} answered ${status}${hint}${tail}`, {
    details: { status },
  });
}

/**
 * Converts anything thrown inside an action into an `ApplicationFailure`, passing every message
 * through `redact` first. Unknown errors are treated as transient (retryable) so a bug in a far
 * system or a network library does not fail a run on the first attempt; the retry policy bounds it.
 */
export function toApplicationFailure(err: unknown, redact: (text: string) => string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  if (err instanceof ActionError) {
    return ApplicationFailure.create({
      type: err.type,
      message: redact(err.message),
      nonRetryable: !err.retryable,
      details: err.details ? [err.details] : [],
      ...(err.retryAfterMs !== undefined ? { nextRetryDelay: err.retryAfterMs } : {}),
    });
  }
  const message = err instanceof Error ? err.message : String(err);
  return ApplicationFailure.create({
    type: FailureTypes.ActionUnavailable,
    message: redact(`unexpected error: ${message}`),
    nonRetryable: false,
  });
}
