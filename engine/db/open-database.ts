import type { Config } from '../config';
import { pgliteDatabase } from './pglite';
import { pgDatabase, type Database } from './sql';

/**
 * The engine's database as configured: the PostgreSQL server of `DATABASE_URL`, or PGlite
 * embedded in this process under `$OPSFLOW_DATA_DIR/pg`.
 */
export async function openDatabase(config: Pick<Config, 'database'>, poolSize = 10): Promise<Database> {
  const { database } = config;
  return database.kind === 'postgres'
    ? pgDatabase(database.url, { max: poolSize })
    : pgliteDatabase(database.dataDir);
}
