import { randomBytes } from 'node:crypto';
import { loadMigrations, migrate, type Migration } from './migrate';
import { pgDatabase, type Database } from './sql';
import { testDatabaseUrl } from './testing/test-database';

// Real PostgreSQL (DATABASE_URL, provisioned by scripts/provision-postgres.sh). Each test gets its
// own schema so runs do not see each other.
describe('migrations', () => {
  const url = testDatabaseUrl();
  const admin = pgDatabase(url, { max: 2 });
  const opened: Database[] = [];
  const schemas: string[] = [];

  async function freshSchema(): Promise<string> {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    await admin.exec(`CREATE SCHEMA ${schema}`);
    schemas.push(schema);
    return schema;
  }
  function open(schema: string): Database {
    const db = pgDatabase(url, { max: 4, options: `-c search_path=${schema}` });
    opened.push(db);
    return db;
  }
  function migration(version: number, name: string, sql: string): Migration {
    return { version, name, sql, checksum: `${version}:${sql}` };
  }
  async function tables(db: Database): Promise<string[]> {
    const { rows } = await db.query<{ name: string }>(
      'SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() ORDER BY 1',
    );
    return rows.map((r) => r.name);
  }

  afterAll(async () => {
    await Promise.all(opened.map((db) => db.close()));
    for (const schema of schemas) await admin.exec(`DROP SCHEMA ${schema} CASCADE`);
    await admin.close();
  });

  it('applies the project migrations, and applying them again is a no-op', async () => {
    const db = open(await freshSchema());
    const all = loadMigrations();
    expect(all.length).toBeGreaterThan(0);
    const first = await migrate(db, all);
    expect(first.applied).toHaveLength(all.length);
    expect(await tables(db)).toEqual(expect.arrayContaining(['events', 'opsflow_migrations']));
    const second = await migrate(db, all);
    expect(second).toEqual({ applied: [], alreadyApplied: all.length });
  });

  it('applies each migration once when two processes migrate at the same time', async () => {
    const schema = await freshSchema();
    const a = open(schema);
    const b = open(schema);
    const all = loadMigrations();
    const results = await Promise.all([migrate(a, all), migrate(b, all)]);
    expect(results.map((r) => r.applied.length).sort()).toEqual([0, all.length]);
    const { rows } = await a.query<{ n: string }>('SELECT count(*) AS n FROM opsflow_migrations');
    expect(Number(rows[0].n)).toBe(all.length);
  });

  it('refuses a migration that changed after it was applied', async () => {
    const db = open(await freshSchema());
    await migrate(db, [migration(1, 'one', 'CREATE TABLE one (x int)')]);
    await expect(migrate(db, [migration(1, 'one', 'CREATE TABLE one (x bigint)')])).rejects.toThrow(
      /0001_one was changed after it was applied/,
    );
  });

  it('rolls back a failing migration completely', async () => {
    const db = open(await freshSchema());
    const bad = [
      migration(1, 'good', 'CREATE TABLE good (x int)'),
      migration(2, 'bad', 'CREATE TABLE half (x int); SELECT * FROM no_such_table'),
    ];
    await expect(migrate(db, bad)).rejects.toThrow(/0002_bad failed: .*no_such_table/);
    expect(await tables(db)).toEqual([]);
  });

  it('refuses a database migrated by a newer release', async () => {
    const db = open(await freshSchema());
    await migrate(db, [migration(1, 'one', 'SELECT 1'), migration(2, 'two', 'SELECT 2')]);
    await expect(migrate(db, [migration(1, 'one', 'SELECT 1')])).rejects.toThrow(/0002_two .* newer release/);
  });
});
