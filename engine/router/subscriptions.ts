/**
 * Subscriptions of waiting runs: the host's `subscribe`/`unsubscribe` activities and the lookup
 * the router does for each new event. A run blocked in `wait for T as e where e.f == v` is stored
 * under (T, f, v), so the runs an event concerns are found by index, whatever the number of
 * waiting runs; a `where` that is not an equality is stored without correlation and every such
 * run of the type gets the event (the run checks its `where`).
 *
 * Delivery is at least once: `subscribe` first records the subscription and only then sends the
 * matching events already stored, while the router stores an event before it looks subscriptions
 * up. Whichever of the two comes second sees the other, so no event falls between them; a run may
 * get an event twice and drops the second by id.
 */
import type { Client } from '@temporalio/client';
import { WorkflowNotFoundError } from '@temporalio/common';
import type { Sql } from '../db/sql';
import { STORED_EVENT_COLUMNS, toRunEvent, type StoredEventRow } from '../ingest/stored-event';
import { eventSignal, type EngineActivities } from '../../workflows/contract';

/** Events sent to one run on `subscribe`, at most (the oldest first). */
export const DEFAULT_MAX_CATCH_UP = 1000;

export interface SubscriptionDeps {
  readonly db: Sql;
  readonly client: Client;
  /** Bound on the stored events delivered on one `subscribe` (default 1000). */
  readonly maxCatchUp?: number;
}

type Correlation = { readonly field: string; readonly value: unknown } | undefined;

/** The key that tells apart subscriptions of one run to one type (parallel branches). */
function correlationKey(correlation: Correlation): string {
  return correlation ? `${correlation.field}=${JSON.stringify(correlation.value ?? null)}` : '';
}

/** `subscribe` and `unsubscribe`, as the worker registers them next to `createActivities(...)`. */
export function createSubscriptionActivities(
  deps: SubscriptionDeps,
): Pick<EngineActivities, 'subscribe' | 'unsubscribe'> {
  const maxCatchUp = deps.maxCatchUp ?? DEFAULT_MAX_CATCH_UP;
  return {
    async subscribe(input) {
      const { correlation } = input;
      await deps.db.query(
        `INSERT INTO subscriptions
           (workflow_id, event_type, correlation_key, correlation_field, correlation_value, run_id, since)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7)
         ON CONFLICT (workflow_id, event_type, correlation_key)
         DO UPDATE SET run_id = EXCLUDED.run_id, since = EXCLUDED.since`,
        [
          input.workflowId,
          input.event,
          correlationKey(correlation),
          correlation?.field ?? null,
          correlation ? JSON.stringify(correlation.value ?? null) : null,
          input.runId,
          input.since,
        ],
      );
      // Received or happened since: an event stored just before the run started (the early-event
      // race) has a received time after the trigger's time, which `since` does not exceed.
      const { rows } = await deps.db.query<StoredEventRow>(
        `SELECT ${STORED_EVENT_COLUMNS} FROM events
          WHERE type = $1 AND (received_at >= $2 OR time >= $2)
            AND ($3::text IS NULL OR data -> $3 = $4::jsonb)
          ORDER BY received_at LIMIT $5`,
        [
          input.event,
          input.since,
          correlation?.field ?? null,
          correlation ? JSON.stringify(correlation.value ?? null) : null,
          maxCatchUp,
        ],
      );
      const handle = deps.client.workflow.getHandle(input.workflowId);
      for (const row of rows) await handle.signal(eventSignal, toRunEvent(row));
    },

    async unsubscribe(input) {
      const { correlation } = input;
      await deps.db.query(
        `DELETE FROM subscriptions WHERE workflow_id = $1 AND event_type = $2
            AND ($3::text IS NULL OR correlation_key = $3)`,
        [input.workflowId, input.event, correlation || input.exact ? correlationKey(correlation) : null],
      );
    },
  };
}

/**
 * The runs waiting for each event of a batch (`$1`: a JSON array of `{type, data}`), as
 * (position in the batch from 1, workflow id) in batch order. Per event: one index probe per
 * top-level field of the event (a correlation names a top-level field), plus the uncorrelated
 * subscriptions of its type. The `OFFSET 0` keeps the inner lateral subquery a per-field index
 * lookup: flattened into a join, the planner would hash-join the whole table once it grows.
 */
export const BATCH_SUBSCRIBERS_SQL = `SELECT e.ord::integer AS ord, s.workflow_id
  FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS e(ev, ord)
  CROSS JOIN LATERAL (
    SELECT workflow_id FROM subscriptions WHERE event_type = e.ev ->> 'type' AND correlation_field IS NULL
    UNION
    SELECT c.workflow_id FROM jsonb_each(e.ev -> 'data') AS d(key, value)
      CROSS JOIN LATERAL (
        SELECT workflow_id FROM subscriptions
         WHERE event_type = e.ev ->> 'type' AND correlation_field = d.key AND correlation_value = d.value OFFSET 0
      ) AS c
  ) AS s
  ORDER BY e.ord`;

/** The workflow ids of the runs waiting for this event (the batch lookup for one event). */
export async function findSubscribers(
  db: Sql,
  event: Pick<StoredEventRow, 'type' | 'data'>,
): Promise<string[]> {
  const { rows } = await db.query<{ workflow_id: string }>(BATCH_SUBSCRIBERS_SQL, [
    JSON.stringify([{ type: event.type, data: event.data }]),
  ]);
  return rows.map((r) => r.workflow_id);
}

/** What signalling one event of a batch did: how many runs got it, or why it must be retried. */
export type Signalled =
  { readonly ok: true; readonly count: number } | { readonly ok: false; readonly error: unknown };

/**
 * Signals each event of a batch to every run waiting for it: each run gets its events in batch
 * (stored) order, different runs concurrently. A run that ended meanwhile is not an error: its
 * stale subscriptions are dropped. When a signal fails, that event and the run's later ones in
 * the batch report the error (they are routed again; a run drops an event it already has).
 */
export async function signalBatch(
  deps: SubscriptionDeps,
  events: readonly StoredEventRow[],
): Promise<Signalled[]> {
  const counts = events.map(() => 0);
  const errors = new Map<number, unknown>();
  if (events.length > 0) {
    const { rows } = await deps.db.query<{ ord: number; workflow_id: string }>(BATCH_SUBSCRIBERS_SQL, [
      JSON.stringify(events.map((e) => ({ type: e.type, data: e.data }))),
    ]);
    const perRun = new Map<string, number[]>();
    for (const row of rows) {
      const list = perRun.get(row.workflow_id) ?? [];
      list.push(row.ord - 1);
      perRun.set(row.workflow_id, list);
    }
    await Promise.all(
      [...perRun].map(async ([workflowId, positions]) => {
        const handle = deps.client.workflow.getHandle(workflowId);
        for (const [n, i] of positions.entries()) {
          try {
            await handle.signal(eventSignal, toRunEvent(events[i]));
            counts[i]++;
          } catch (err) {
            if (err instanceof WorkflowNotFoundError) {
              await deps.db.query('DELETE FROM subscriptions WHERE workflow_id = $1', [workflowId]);
            } else {
              for (const later of positions.slice(n)) if (!errors.has(later)) errors.set(later, err);
            }
            return;
          }
        }
      }),
    );
  }
  return counts.map((count, i) =>
    errors.has(i) ? { ok: false, error: errors.get(i) } : { ok: true, count },
  );
}
