import { Inject, Injectable } from '@nestjs/common';
import { decodeCursor, encodeCursor, unknownCursor } from '../common/cursor';
import { InvalidQueryError, NotFoundProblem, type FieldError } from '../common/problems';
import { API_DEPS, type ApiDeps } from '../tokens';

/** What happened to an event for one rule whose trigger is its type. */
export interface EventOutcome {
  readonly rule: string;
  readonly version: number;
  /** starting, started, skipped, dropped, queued, replaced or error. */
  readonly outcome: string;
  readonly workflowId: string | null;
  readonly runId: string | null;
  /** The guard's explanation when skipped, the error when it failed. */
  readonly detail: string | null;
  readonly at: string;
}

/** What every view of a stored event shows. */
export interface EventHead {
  readonly id: string;
  readonly type: string;
  readonly source: string | null;
  readonly subject: string | null;
  readonly time: string;
  readonly receivedAt: string;
  readonly routing: {
    readonly status: 'pending' | 'routed' | 'failed';
    readonly attempts: number;
    readonly routedAt: string | null;
    readonly error: string | null;
  };
}

/** An event as listed: without its data, with each rule's outcome in short. */
export interface EventSummary extends EventHead {
  readonly outcomes: readonly { readonly rule: string; readonly outcome: string }[];
}

/** Events listed at most per page. */
export const MAX_EVENT_PAGE = 100;

/** A stored event with its routing status and per-rule outcomes. */
export interface EventView extends EventHead {
  readonly causalDepth: number;
  readonly data: Readonly<Record<string, unknown>>;
  /** The content type and schema the producer gave for the data (CloudEvents). */
  readonly datacontenttype: string | null;
  readonly dataschema: string | null;
  /** CloudEvents extension attributes (`traceparent`, custom ones), as posted. */
  readonly extensions: Readonly<Record<string, unknown>>;
  /** A deployed rule declared the type when it was stored; false: stored as undeclared; null: not recorded. */
  readonly declared: boolean | null;
  readonly outcomes: readonly EventOutcome[];
}

interface EventRow {
  readonly id: string;
  readonly type: string;
  readonly source: string | null;
  readonly subject: string | null;
  readonly time: Date;
  readonly received_at: Date;
  readonly causal_depth: number;
  readonly data: Readonly<Record<string, unknown>>;
  readonly datacontenttype: string | null;
  readonly dataschema: string | null;
  readonly extensions: Readonly<Record<string, unknown>>;
  readonly declared: boolean | null;
  readonly route_status: 'pending' | 'routed' | 'failed';
  readonly route_attempts: number;
  readonly routed_at: Date | null;
  readonly route_error: string | null;
}

interface OutcomeRow {
  readonly rule_name: string;
  readonly rule_version: number;
  readonly outcome: string;
  readonly workflow_id: string | null;
  readonly run_id: string | null;
  readonly detail: string | null;
  readonly at: Date;
}

/** Reads the event log (the `events` and `event_outcomes` tables). */
@Injectable()
export class EventsService {
  constructor(@Inject(API_DEPS) private readonly deps: ApiDeps) {}

  /**
   * `?type=&limit=&cursor=`: stored events, newest first (by when they were received), a page at
   * a time; `nextCursor` is null on the last page.
   */
  async list(params: {
    readonly type?: unknown;
    readonly limit?: unknown;
    readonly cursor?: unknown;
  }): Promise<{ events: EventSummary[]; nextCursor: string | null }> {
    const errors: FieldError[] = [];
    const limit = params.limit === undefined ? 50 : Number(params.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EVENT_PAGE) {
      errors.push({ path: 'limit', message: `expected a whole number from 1 to ${MAX_EVENT_PAGE}` });
    }
    const type = params.type;
    if (type !== undefined && (typeof type !== 'string' || type === '')) {
      errors.push({ path: 'type', message: 'expected an event type' });
    }
    if (errors.length > 0) throw new InvalidQueryError(errors);
    // An empty cursor is the first page; one this listing did not write names no page (404).
    const after = params.cursor === undefined || params.cursor === '' ? undefined : readCursor(params.cursor);
    if (params.cursor !== undefined && params.cursor !== '' && !after) throw unknownCursor();
    const { rows } = await this.deps.db.query<Omit<EventRow, 'data'>>(
      `SELECT id, type, source, subject, time, received_at, causal_depth,
              route_status, route_attempts, routed_at, route_error
         FROM events
        WHERE ($1::text IS NULL OR type = $1)
          AND ($2::timestamptz IS NULL OR (received_at, id) < ($2::timestamptz, $3::text))
        ORDER BY received_at DESC, id DESC LIMIT $4`,
      [typeof type === 'string' ? type : null, after?.at ?? null, after?.id ?? null, limit],
    );
    const outcomes = await this.deps.db.query<{ event_id: string; rule_name: string; outcome: string }>(
      `SELECT event_id, rule_name, outcome FROM event_outcomes WHERE event_id = ANY($1::text[]) ORDER BY rule_name`,
      [rows.map((r) => r.id)],
    );
    const events = rows.map((row) => ({
      ...head(row),
      outcomes: outcomes.rows
        .filter((o) => o.event_id === row.id)
        .map((o) => ({ rule: o.rule_name, outcome: o.outcome })),
    }));
    const last = rows.at(-1);
    return {
      events,
      nextCursor:
        rows.length === limit && last
          ? encodeCursor({ at: last.received_at.toISOString(), id: last.id })
          : null,
    };
  }

  /** One event; `NotFoundProblem` for an unknown id. */
  async find(id: string): Promise<EventView> {
    const [events, outcomes] = await Promise.all([
      this.deps.db.query<EventRow>(
        `SELECT id, type, source, subject, time, received_at, causal_depth, data,
                datacontenttype, dataschema, extensions, declared, route_status, route_attempts, routed_at, route_error
           FROM events WHERE id = $1`,
        [id],
      ),
      this.deps.db.query<OutcomeRow>(
        `SELECT rule_name, rule_version, outcome, workflow_id, run_id, detail, at
           FROM event_outcomes WHERE event_id = $1 ORDER BY rule_name`,
        [id],
      ),
    ]);
    const row = events.rows[0];
    if (!row) throw new NotFoundProblem(`no event with id ${id} was received`);
    return {
      ...head(row),
      causalDepth: row.causal_depth,
      data: row.data,
      datacontenttype: row.datacontenttype,
      dataschema: row.dataschema,
      extensions: row.extensions,
      declared: row.declared,
      outcomes: outcomes.rows.map((o) => ({
        rule: o.rule_name,
        version: o.rule_version,
        outcome: o.outcome,
        workflowId: o.workflow_id,
        runId: o.run_id,
        detail: o.detail,
        at: o.at.toISOString(),
      })),
    };
  }
}

function head(row: Omit<EventRow, 'data'>): EventHead {
  return {
    id: row.id,
    type: row.type,
    source: row.source,
    subject: row.subject,
    time: row.time.toISOString(),
    receivedAt: row.received_at.toISOString(),
    routing: {
      status: row.route_status,
      attempts: row.route_attempts,
      routedAt: row.routed_at?.toISOString() ?? null,
      error: row.route_error,
    },
  };
}

/** The position of an events cursor: the last event of the page before. */
function readCursor(cursor: unknown): { at: string; id: string } | undefined {
  const c = decodeCursor(cursor);
  return typeof c?.at === 'string' && typeof c.id === 'string' && !Number.isNaN(Date.parse(c.at))
    ? { at: c.at, id: c.id }
    : undefined;
}
