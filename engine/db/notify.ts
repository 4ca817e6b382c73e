/**
 * Cross-process wake-ups over PostgreSQL `LISTEN/NOTIFY`. Notifications go to every session of
 * the database, so channel names carry the schema (`<name>:<schema>`): two deployments, or two
 * test suites, sharing one database in different schemas do not wake each other.
 */
import { Client, type ClientConfig } from 'pg';

/** SQL for the channel of `name` in the session's schema (to pass to `pg_notify`). */
export function channelSql(name: string): string {
  return `'${name.replace(/'/g, "''")}:' || current_schema()`;
}

/** A listening session; `close()` ends it. */
export interface Listener {
  close(): Promise<void>;
}

/**
 * Listens on channel `name` (in the schema the connection's search path selects) on a session of
 * its own, calling `onNotify` for every notification. A lost connection is re-established with
 * a growing delay (at most 5 s), and `onNotify` is called once it is back, since notifications
 * sent meanwhile were lost: the caller looks for work then, as its poll would.
 */
export function listen(config: ClientConfig, name: string, onNotify: () => void): Listener {
  let client: Client | undefined;
  let closed = false;
  let delay = 100;
  let timer: NodeJS.Timeout | undefined;
  const connect = async (): Promise<void> => {
    const next = new Client(config);
    next.on('error', () => undefined);
    next.on('end', () => {
      if (client === next) client = undefined;
      if (!closed) schedule();
    });
    next.on('notification', () => onNotify());
    try {
      await next.connect();
      const { rows } = await next.query<{ schema: string }>('SELECT current_schema() AS schema');
      await next.query(`LISTEN "${`${name}:${rows[0].schema}`.replace(/"/g, '""')}"`);
      if (closed) {
        await next.end();
        return;
      }
      client = next;
      delay = 100;
      onNotify();
    } catch {
      await next.end().catch(() => undefined);
      schedule();
    }
  };
  const schedule = (): void => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connect();
    }, delay);
    timer.unref();
    delay = Math.min(5000, delay * 2);
  };
  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await client?.end().catch(() => undefined);
    },
  };
}
