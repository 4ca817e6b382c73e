/** Stored events as runs see them. */
import type { RunEvent } from '../../workflows/contract';

/** The columns of `events` a run needs. */
export interface StoredEventRow {
  readonly id: string;
  readonly type: string;
  readonly source: string | null;
  readonly time: Date;
  readonly data: Readonly<Record<string, unknown>>;
  readonly causal_depth: number;
  /** Extension attributes; absent in rows read before the column existed. */
  readonly extensions?: Readonly<Record<string, unknown>>;
}

/**
 * The `NOTIFY` channel (per schema, see db/notify.ts) told when new events are committed: routers
 * in other processes wake at once instead of at their next poll.
 */
export const EVENTS_CHANNEL = 'opsflow_events';

/** The columns to select for `StoredEventRow`. */
export const STORED_EVENT_COLUMNS = 'id, type, source, time, data, causal_depth, extensions';

/** A stored event as the interpreter receives it (trigger or signal). */
export function toRunEvent(row: StoredEventRow): RunEvent {
  // The trace context goes with the event into the run, so both share one trace.
  const { traceparent, tracestate } = row.extensions ?? {};
  return {
    id: row.id,
    type: row.type,
    time: row.time.toISOString(),
    data: row.data,
    ...(row.source !== null ? { source: row.source } : {}),
    causalDepth: row.causal_depth,
    ...(typeof traceparent === 'string' ? { traceparent } : {}),
    ...(typeof tracestate === 'string' ? { tracestate } : {}),
  };
}
