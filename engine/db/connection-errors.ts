/**
 * Errors that mean "the database cannot be reached right now" rather than "this statement is
 * wrong": the server is down, restarting or recovering, or dropped the connection. Callers answer
 * them as temporary (the API's 503) instead of as a bug; retrying later is the fix.
 */

/** Node socket errors of a connection that could not be made or was cut. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/** SQLSTATEs: admin_shutdown, crash_shutdown, cannot_connect_now (starting up, in recovery). */
const SERVER_GOING_AWAY = new Set(['57P01', '57P02', '57P03']);

/** node-postgres' own messages for a lost or never-made connection (they carry no code). */
const DRIVER_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
];

/** Whether `err` says the database is unreachable (class 08 connection exceptions included). */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code) || SERVER_GOING_AWAY.has(code) || code.startsWith('08')) return true;
  }
  // A connect error to several addresses (IPv4 and IPv6) arrives as an AggregateError.
  if (err instanceof AggregateError && err.errors.some((e) => isDatabaseUnavailable(e))) return true;
  return DRIVER_MESSAGES.some((m) => err.message.startsWith(m));
}
