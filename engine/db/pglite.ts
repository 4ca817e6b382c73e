import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PGlite, types, type Transaction } from '@electric-sql/pglite';
import { ServerStartError } from '../errors';
import { claimPidFile } from '../process/pid-file';
import type { Database, Sql } from './sql';

/**
 * PostgreSQL embedded in this process (PGlite: Postgres compiled to WebAssembly), behind the same
 * `Database` interface as the `pg` pool, so migrations and engine queries run unchanged.
 *
 * Differences from a server, by design of PGlite:
 * - One session. Every statement and transaction runs one at a time (a mutex here), so
 *   `FOR UPDATE SKIP LOCKED` never has anything to skip and `pg_advisory_xact_lock` never waits:
 *   both are accepted and correct, concurrency simply becomes serialisation.
 * - A call on the database itself made from inside `transaction(fn)` (code that was handed the
 *   database rather than `tx`) cannot wait for another session: it joins the open transaction
 *   (a nested `transaction` becomes a savepoint). With `pg` it would run on another connection
 *   and not see the uncommitted rows.
 * - One process per data directory: a `<dataDir>.lock` pid file refuses a second opener.
 */
export async function pgliteDatabase(dataDir: string): Promise<Database> {
  mkdirSync(dirname(dataDir), { recursive: true });
  // PGlite does not guard its files against a second process; two writers would corrupt them.
  const release = claimPidFile(
    `${dataDir}.lock`,
    (pid) =>
      new ServerStartError(
        `the embedded database ${dataDir} is in use by process ${pid}; stop it first, or set DATABASE_URL`,
      ),
  );
  let pg: PGlite;
  try {
    pg = await PGlite.create(dataDir, {
      // The same shapes as `pg`: 64-bit integers (count(*), bigserial) as text, never rounded.
      parsers: { [types.INT8]: (value: string) => value },
    });
  } catch (err) {
    release();
    throw new ServerStartError(`cannot open the embedded database in ${dataDir}: ${String(err)}`);
  }
  const lock = new Mutex();
  // The transaction the current async call chain runs in, if any.
  const current = new AsyncLocalStorage<Transaction>();
  let closed = false;

  return {
    singleSession: true,
    query: (text, params) => {
      const tx = current.getStore();
      return tx ? runQuery(tx, text, params) : lock.run(() => runQuery(pg, text, params));
    },
    exec: async (text) => {
      const tx = current.getStore();
      await (tx ? tx.exec(text) : lock.run(() => pg.exec(text)));
    },
    transaction: (fn) => {
      const tx = current.getStore();
      if (tx) return savepoint(tx, fn);
      return lock.run(() =>
        pg.transaction((opened) => current.run(opened, () => fn(transactionSql(opened)))),
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      // Waits for the statement or transaction in progress, then shuts Postgres down cleanly.
      await lock.run(() => pg.close());
      release();
    },
  };
}

let savepoints = 0;

/** A transaction opened inside another one on the single session. */
async function savepoint<T>(tx: Transaction, fn: (tx: Sql) => Promise<T>): Promise<T> {
  const name = `opsflow_sp_${++savepoints}`;
  await tx.exec(`SAVEPOINT ${name}`);
  try {
    const result = await fn(transactionSql(tx));
    await tx.exec(`RELEASE SAVEPOINT ${name}`);
    return result;
  } catch (err) {
    await tx.exec(`ROLLBACK TO SAVEPOINT ${name}`);
    throw err;
  }
}

function transactionSql(tx: Transaction): Sql {
  return {
    query: (text, params) => runQuery(tx, text, params),
    exec: async (text) => {
      await tx.exec(text);
    },
  };
}

async function runQuery<R extends object>(
  target: PGlite | Transaction,
  text: string,
  params?: readonly unknown[],
): Promise<{ rows: R[]; rowCount: number }> {
  const result = await target.query<R>(text, params ? [...params] : undefined);
  // `pg` counts the rows a statement returned, or else the rows it touched; PGlite reports
  // touched rows only (0 for a SELECT).
  const rowCount = result.fields.length > 0 ? result.rows.length : (result.affectedRows ?? 0);
  return { rows: result.rows, rowCount };
}

/** A FIFO lock: each task starts after the previous one settled. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
