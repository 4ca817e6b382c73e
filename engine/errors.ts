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
