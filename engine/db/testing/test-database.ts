/**
 * The PostgreSQL database tests use. `npm test` provisions one and sets DATABASE_URL; a test that
 * needs it fails loudly without it rather than being skipped.
 */
export function testDatabaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error('DATABASE_URL is not set: run the tests with `npm test`, which provisions PostgreSQL');
  }
  return url;
}
