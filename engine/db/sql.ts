import { Pool, type PoolClient, type PoolConfig } from 'pg';
import { listen, type Listener } from './notify';

/** The part of a SQL connection the engine uses: parameterised queries and plain scripts. */
export interface Sql {
  query<R extends object = Record<string, unknown>>(
    text: string,
    params?: readonly unknown[],
  ): Promise<{ rows: R[]; rowCount: number }>;
  /** Runs a script of several `;`-separated statements without parameters (migrations). */
  exec(text: string): Promise<void>;
}

/** A database: a pool for single statements, and transactions on one connection. */
export interface Database extends Sql {
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * One session for everything (embedded PGlite): a transaction holds the whole database until
   * it ends, and statements issued meanwhile join it rather than commit on their own.
   */
  readonly singleSession?: true;
  /**
   * Calls `onNotify` for every `NOTIFY` on channel `name` of this schema (see notify.ts), from a
   * session of its own. Absent on one session (embedded PGlite), where nothing else writes.
   */
  listen?(name: string, onNotify: () => void): Listener;
  close(): Promise<void>;
}

/** A PostgreSQL database reached through a `pg` pool. */
export function pgDatabase(
  connectionString: string,
  config: Omit<PoolConfig, 'connectionString'> = {},
): Database {
  const pool = new Pool({ connectionString, max: 10, ...config });
  // An idle client that loses its connection (server restart) must not crash the process; the
  // pool drops it and the next query reconnects.
  pool.on('error', () => undefined);
  return {
    query: (text, params) => runQuery(pool, text, params),
    exec: async (text) => {
      await pool.query(text);
    },
    async transaction(fn) {
      const client = await pool.connect();
      // pg-pool stops listening for a client's errors while it is checked out: a connection lost
      // between two statements (a server restart while `fn` awaits something else) would crash
      // the process with an unhandled 'error' event. The next statement rejects anyway; the
      // broken client is then destroyed instead of going back to the pool.
      let broken: Error | undefined;
      const onError = (err: Error): void => {
        broken = err;
      };
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await fn(clientSql(client));
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          broken ??= rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw err;
      } finally {
        client.removeListener('error', onError);
        client.release(broken);
      }
    },
    listen: (name, onNotify) => listen({ connectionString, ...config }, name, onNotify),
    close: () => pool.end(),
  };
}

function clientSql(client: PoolClient): Sql {
  return {
    query: (text, params) => runQuery(client, text, params),
    exec: async (text) => {
      await client.query(text);
    },
  };
}

async function runQuery<R extends object>(
  target: Pool | PoolClient,
  text: string,
  params?: readonly unknown[],
): Promise<{ rows: R[]; rowCount: number }> {
  const result = await target.query<R>(text, params ? [...params] : undefined);
  return { rows: result.rows, rowCount: result.rowCount ?? 0 };
}
