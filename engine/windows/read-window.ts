/**
 * v2: the event log as windows read it in `do` (the `readWindow` dependency of
 * `createActivities`): the stored events of one type whose time lies in `(from, to]`, oldest
 * first, with the window's equality correlations pushed down as JSON containment. An event's time
 * is its CloudEvents `time`, or the time it was stored when it had none (ingest fills the column).
 */
import type { ReadWindow } from '../../activities';
import type { Sql } from '../db/sql';

const WINDOW_SQL = `SELECT data, time FROM events
  WHERE type = $1 AND time > $2 AND time <= $3 AND data @> $4::jsonb
  ORDER BY time, received_at, id
  LIMIT $5`;

const COUNT_SQL = `SELECT count(*)::integer AS n FROM events
  WHERE type = $1 AND time > $2 AND time <= $3 AND data @> $4::jsonb`;

type Query = Parameters<ReadWindow>[0];

function params(q: Omit<Query, 'limit'>): unknown[] {
  const equals: Record<string, unknown> = {};
  for (const c of q.equals) equals[c.field] = c.value;
  return [q.event, new Date(q.fromMs).toISOString(), new Date(q.toMs).toISOString(), JSON.stringify(equals)];
}

/** Reads windows from the `events` table (and counts them there when no data is needed). */
export function createReadWindow(db: Sql): ReadWindow {
  const read = async (q: Query) => {
    const { rows } = await db.query<{ data: unknown; time: Date | string }>(WINDOW_SQL, [
      ...params(q),
      q.limit,
    ]);
    return rows.map((r) => ({ data: r.data, time: new Date(r.time).getTime() }));
  };
  const count = async (q: Omit<Query, 'limit'>): Promise<number> => {
    const { rows } = await db.query<{ n: number }>(COUNT_SQL, params(q));
    return Number(rows[0]?.n ?? 0);
  };
  return Object.assign(read, { count });
}
