/** Errors raised at the engine's boundaries. Each names what failed and how to fix it. */

/** Configuration from the environment is missing or malformed. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** A server the engine depends on (Temporal, PostgreSQL) could not be found or started. */
export class ServerStartError extends Error {
  override readonly name = 'ServerStartError';
}

/** A database migration cannot be applied (changed after it was applied, or failed). */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** A rule (or one of its versions) the caller named is not in the registry. */
export class RuleNotFoundError extends Error {
  override readonly name = 'RuleNotFoundError';
  constructor(
    readonly rule: string,
    readonly version?: number,
  ) {
    super(
      version === undefined ? `no rule named ${rule} is deployed` : `rule ${rule} has no version ${version}`,
    );
  }
}

/**
 * A deployment would remove deployed rules and did not say `prune`: a deployment replaces the
 * whole set, so leaving a rule out is only a removal when the caller means it.
 */
export class DeployWouldRemoveError extends Error {
  override readonly name = 'DeployWouldRemoveError';
  constructor(readonly rules: readonly string[]) {
    super(
      `the deployment would remove ${rules.length} deployed rule(s): ${rules.join(', ')}; ` +
        'include them, or deploy with prune to remove them',
    );
  }
}

/** One reason an event or an input was refused: `path` is like `data.items[2].sku` (empty for the root). */
export interface FieldProblem {
  readonly path: string;
  readonly message: string;
}

/** An event (or one event of a batch, by `index`) that cannot be accepted, with every reason. */
export interface EventProblem extends FieldProblem {
  /** Position in a batch; 0 for a single event. */
  readonly index: number;
  /** Set for a type no deployed rule declares (the API answers `unknown-event-type`). */
  readonly code?: 'unknown-event-type';
  /** The declared type closest to an undeclared one, when one is close. */
  readonly didYouMean?: string;
}

/** Ingest refused the events: malformed envelope, data not matching the schema, too large. Nothing was stored. */
export class EventValidationError extends Error {
  override readonly name = 'EventValidationError';
  constructor(readonly problems: readonly EventProblem[]) {
    super(
      `event refused: ${problems
        .slice(0, 5)
        .map((p) => `${p.index > 0 ? `[${p.index}] ` : ''}${p.path ? `${p.path}: ` : ''}${p.message}`)
        .join('; ')}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''}`,
    );
  }
}

/** An `emit` went deeper than the causal depth bound: rules are triggering each other in a loop. */
export class CausalDepthExceededError extends Error {
  override readonly name = 'CausalDepthExceededError';
  constructor(
    readonly type: string,
    readonly depth: number,
    readonly max: number,
  ) {
    super(
      `emit ${type} refused: causal depth ${depth} is past the bound of ${max} (rules are probably triggering each other in a loop)`,
    );
  }
}

/** A manual run was refused: the rule cannot start by hand this way, or the input does not fit. */
export class ManualRunError extends Error {
  override readonly name = 'ManualRunError';
  constructor(
    message: string,
    readonly problems: readonly FieldProblem[] = [],
  ) {
    super(
      problems.length === 0
        ? message
        : `${message}: ${problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('; ')}`,
    );
  }
}

/**
 * A recovery action (retry, rerun, resume) that the run's or rule's state does not allow. `code`
 * is stable (`not-failed`, `not-retryable`, `run-in-the-way`, ...): the API answers 409 with it.
 */
export class RecoveryRefusedError extends Error {
  override readonly name = 'RecoveryRefusedError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
