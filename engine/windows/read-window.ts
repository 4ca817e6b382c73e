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

/** Reads windows from the `events` table. */
export function createReadWindow(db: Sql): ReadWindow {
  return async (q) => {
    const equals: Record<string, unknown> = {};
    for (const c of q.equals) equals[c.field] = c.value;
    const { rows } = await db.query<{ data: unknown; time: Date | string }>(WINDOW_SQL, [
      q.event,
      new Date(q.fromMs).toISOString(),
      new Date(q.toMs).toISOString(),
      JSON.stringify(equals),
      q.limit,
    ]);
    return rows.map((r) => ({ data: r.data, time: new Date(r.time).getTime() }));
  };
}
