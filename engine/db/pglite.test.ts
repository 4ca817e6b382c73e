import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMigrations, migrate } from './migrate';
import { openDatabase } from './open-database';
import { pgliteDatabase } from './pglite';
import type { Database } from './sql';

// Real PGlite (Postgres in WebAssembly) on a temporary data directory.
describe('embedded PostgreSQL (PGlite)', () => {
  let dir: string;
  let dataDir: string;
  let db: Database | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'opsflow-pglite-'));
    dataDir = join(dir, 'pg');
  });
  afterAll(async () => {
    await db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies every project migration, and re-applying them is a no-op', async () => {
    db = await openDatabase({ database: { kind: 'pglite', dataDir } });
    const all = loadMigrations();
    const first = await migrate(db, all);
    expect(first.applied).toHaveLength(all.length);
    expect(await migrate(db, all)).toEqual({ applied: [], alreadyApplied: all.length });
  });

  it('answers in the shapes `pg` does', async () => {
    const database = db as Database;
    const { rows } = await database.query<{ n: string; at: Date; doc: unknown }>(
      'SELECT count(*) AS n, now() AS at, $1::jsonb AS doc',
      [{ a: [1, 2] }],
    );
    expect(rows[0]).toEqual({ n: '1', at: expect.any(Date), doc: { a: [1, 2] } });
    await database.exec('CREATE TABLE shapes (id int PRIMARY KEY); INSERT INTO shapes VALUES (1), (2), (3)');
    expect((await database.query('UPDATE shapes SET id = id + 10 WHERE id > 1')).rowCount).toBe(2);
    expect((await database.query('SELECT id FROM shapes')).rowCount).toBe(3);
  });

  it('rolls a failed transaction back, and serialises concurrent ones', async () => {
    const database = db as Database;
    await expect(
      database.transaction(async (tx) => {
        await tx.query("INSERT INTO events (id, type, time, data) VALUES ('lost', 't', now(), '{}')");
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await database.query("SELECT id FROM events WHERE id = 'lost'")).rows).toEqual([]);

    // Read-modify-write in two concurrent transactions: serialised, so neither update is lost.
    await database.exec('CREATE TABLE counter (n int); INSERT INTO counter VALUES (0)');
    const bump = (): Promise<void> =>
      database.transaction(async (tx) => {
        const { rows } = await tx.query<{ n: number }>('SELECT n FROM counter FOR UPDATE');
        await new Promise((resolve) => setTimeout(resolve, 20));
        await tx.query('UPDATE counter SET n = $1', [rows[0].n + 1]);
      });
    await Promise.all([bump(), bump(), bump()]);
    expect((await database.query<{ n: number }>('SELECT n FROM counter')).rows).toEqual([{ n: 3 }]);
  });

  it('accepts advisory transaction locks and FOR UPDATE SKIP LOCKED', async () => {
    const database = db as Database;
    await database.query(
      "INSERT INTO events (id, type, time, data) VALUES ('e1', 'order.placed', now(), '{\"sku\":\"A\"}'), ('e2', 'order.placed', now(), '{}')",
    );
    const claimed = await Promise.all(
      [1, 2].map(() =>
        database.transaction(async (tx) => {
          await tx.query('SELECT pg_advisory_xact_lock($1)', ['31337']);
          const { rows } = await tx.query<{ id: string }>(
            `SELECT id FROM events WHERE route_status = 'pending' ORDER BY received_at, id
             LIMIT 1 FOR UPDATE SKIP LOCKED`,
          );
          if (rows[0])
            await tx.query("UPDATE events SET route_status = 'routed' WHERE id = $1", [rows[0].id]);
          return rows.map((r) => r.id);
        }),
      ),
    );
    // One session: the second transaction runs after the first committed and claims the next row.
    expect(claimed.flat().sort()).toEqual(['e1', 'e2']);
  });

  it('lets code inside a transaction use the database itself without deadlocking', async () => {
    const database = db as Database;
    const seen = await database.transaction(async (tx) => {
      await tx.query("INSERT INTO events (id, type, time, data) VALUES ('inner', 't', now(), '{}')");
      // Joins the open transaction (single session): sees its row, and a nested one is a savepoint.
      const { rows } = await database.query<{ n: string }>(
        "SELECT count(*) AS n FROM events WHERE id = 'inner'",
      );
      await expect(
        database.transaction(async (inner) => {
          await inner.query("UPDATE events SET type = 'changed' WHERE id = 'inner'");
          throw new Error('undo the savepoint only');
        }),
      ).rejects.toThrow('undo the savepoint only');
      return rows[0].n;
    });
    expect(seen).toBe('1');
    expect((await database.query("SELECT type FROM events WHERE id = 'inner'")).rows).toEqual([
      { type: 't' },
    ]);
    await database.query("DELETE FROM events WHERE id = 'inner'");
  });

  it('refuses a second opener of the same data directory', async () => {
    await expect(pgliteDatabase(dataDir)).rejects.toThrow(/in use by process \d+/);
  });

  it('keeps its data across close and reopen', async () => {
    await db?.close();
    db = await pgliteDatabase(dataDir);
    const { rows } = await db.query<{ id: string; data: unknown }>('SELECT id, data FROM events ORDER BY id');
    expect(rows).toEqual([
      { id: 'e1', data: { sku: 'A' } },
      { id: 'e2', data: {} },
    ]);
    expect((await migrate(db)).applied).toEqual([]);
  });
});
