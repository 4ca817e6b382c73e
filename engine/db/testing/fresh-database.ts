/**
 * A migrated database in a schema of its own, for tests that must not see each other's rows
 * (the pattern of migrate.test.ts). `drop()` closes the pool and removes the schema.
 */
import { randomBytes } from 'node:crypto';
import { migrate } from '../migrate';
import { pgDatabase, type Database } from '../sql';
import { testDatabaseUrl } from './test-database';

export interface FreshDatabase {
  readonly db: Database;
  readonly schema: string;
  drop(): Promise<void>;
}

/** Creates a schema, migrates it, and opens a pool whose search path is that schema. */
export async function freshDatabase(poolSize = 10): Promise<FreshDatabase> {
  const url = testDatabaseUrl();
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = pgDatabase(url, { max: 1 });
  await admin.exec(`CREATE SCHEMA ${schema}`);
  const db = pgDatabase(url, { max: poolSize, options: `-c search_path=${schema}` });
  await migrate(db);
  return {
    db,
    schema,
    async drop() {
      await db.close();
      await admin.exec(`DROP SCHEMA ${schema} CASCADE`);
      await admin.close();
    },
  };
}
