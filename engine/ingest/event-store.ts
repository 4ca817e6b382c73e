/**
 * The event store: the one way events get into the `events` table (the transactional outbox),
 * from outside (`ingest`) and from runs (`storeEmitted`). An event is validated against the
 * schema the active rules declare for its type, then inserted with its id; a repeated id is a
 * duplicate (`ON CONFLICT DO NOTHING`), so it is stored once and routed once. Both calls return
 * only after the insert committed.
 *
 * Decision — an event type no active rule declares is refused by default (`unknown-event-type`,
 * with the closest declared type): a producer with a typo learns at once instead of feeding
 * nothing. `unknownTypes: 'store'` (`OPSFLOW_UNDECLARED_EVENTS=store`) stores it anyway, marked
 * `declared: false`, e.g. while producers are rolled out ahead of their rules. The built-in
 * `opsflow.run_failed` is always declared (LANGUAGE.md §13).
 */
import { createHash } from 'node:crypto';
import { RUN_FAILED_EVENT, conformFields, didYouMean, suggest, type EventSchemaIR } from '../../dsl';
import type { EmitOutput, EmittedEvent } from '../../activities/contract';
import type { Sql } from '../db/sql';
import { CausalDepthExceededError, EventValidationError, type EventProblem } from '../errors';
import { ActiveRuleCache, type RuleIndex } from '../registry/active-rules';
import { routePartition } from '../router/partitions';
import { channelSql } from '../db/notify';
import { EVENTS_CHANNEL } from './stored-event';
import { parseEvents, type IncomingEvent, type IngestLimits } from './envelope';
import { GroupCommit } from './group-commit';

/** Default bound on `emit` chains: an event `emit`ted 8 steps away from an outside event is the last. */
export const DEFAULT_MAX_CAUSAL_DEPTH = 8;

export interface EventStoreOptions extends IngestLimits {
  /** What to do with a type no active rule declares (default `reject`). */
  readonly unknownTypes?: 'store' | 'reject';
  /** The deepest `emit` accepted (default 8); deeper ones are refused. */
  readonly maxCausalDepth?: number;
  /** Shared with the router to read the rules once; one of its own otherwise. */
  readonly rules?: ActiveRuleCache;
  /** Called after events were stored (not for duplicates only), e.g. to wake the router at once. */
  readonly onStored?: () => void;
}

/** What happened to one event of a request. */
export interface IngestedEvent {
  readonly id: string;
  readonly type: string;
  /** The id was stored before: nothing was stored or will be routed again. */
  readonly duplicate: boolean;
  /** Some active rule declares the type (its data was checked against that schema). */
  readonly declared: boolean;
}

interface Row {
  readonly id: string;
  readonly type: string;
  readonly source: string | null;
  readonly subject: string | null;
  readonly time: string | null;
  readonly data: Readonly<Record<string, unknown>>;
  readonly datacontenttype: string | null;
  readonly dataschema: string | null;
  readonly extensions: Readonly<Record<string, unknown>>;
  readonly declared: boolean;
  readonly causal_depth: number;
  /** Its routing partition (`router/partitions.ts`), null when its routing needs no order. */
  readonly route_partition: number | null;
}

/** Stores events; one instance per process is enough. */
export class EventStore {
  private readonly rules: ActiveRuleCache;
  /** Concurrent requests share statements and commits (see group-commit.ts). */
  private readonly commits: GroupCommit<Row, Set<string>>;

  constructor(
    private readonly db: Sql,
    private readonly options: EventStoreOptions = {},
  ) {
    this.rules = options.rules ?? new ActiveRuleCache(db, 1000);
    this.commits = new GroupCommit((rows) => this.insertNow(rows));
  }

  /**
   * Validates and stores one event or a batch (a parsed JSON body). All or nothing: if any event
   * of a batch is refused, none is stored and `EventValidationError` lists every problem.
   */
  async ingest(body: unknown): Promise<IngestedEvent[]> {
    const parsed = parseEvents(body, this.options);
    if (!parsed.ok) throw new EventValidationError(parsed.problems);
    const index = await this.rules.get();
    const problems: EventProblem[] = [];
    const rows: Row[] = [];
    const declared: boolean[] = [];
    parsed.events.forEach((event, i) => {
      const checked = this.check(index, event, i, problems);
      declared.push(checked.declared);
      const data = checked.data;
      rows.push({
        ...event,
        data,
        declared: checked.declared,
        causal_depth: 0,
        route_partition: routePartition(index, { type: event.type, data }),
      });
    });
    if (problems.length > 0) throw new EventValidationError(problems);
    // The set is shared by the requests committed together: the first to claim an id stored it.
    const stored = await this.commits.write(rows);
    return rows.map((row, i) => ({
      id: row.id,
      type: row.type,
      // Within a batch, the first occurrence of an id is the one stored.
      duplicate: !stored.delete(row.id),
      declared: declared[i],
    }));
  }

  /**
   * Stores an event a run emitted. Its id is derived from the idempotency key, so a retried
   * activity stores it once. Refused (`CausalDepthExceededError`) past the causal depth bound,
   * and (`EventValidationError`) when its data does not fit the declared schema.
   */
  async storeEmitted(event: EmittedEvent): Promise<EmitOutput> {
    const max = this.options.maxCausalDepth ?? DEFAULT_MAX_CAUSAL_DEPTH;
    if (event.causalDepth > max) throw new CausalDepthExceededError(event.type, event.causalDepth, max);
    const id = emittedEventId(event.idempotencyKey);
    const problems: EventProblem[] = [];
    const incoming: IncomingEvent = {
      id,
      type: event.type,
      source: `opsflow:rule/${event.source.rule}`,
      subject: event.source.runId,
      time: null,
      data: event.data,
      datacontenttype: null,
      dataschema: null,
      extensions: {},
    };
    const index = await this.rules.get();
    // The checker saw to it that an emitted type is declared; a rule removed since may not be.
    const checked = this.check(index, incoming, 0, problems, 'store');
    if (problems.length > 0) throw new EventValidationError(problems);
    const data = checked.data;
    const route_partition = routePartition(index, { type: incoming.type, data });
    await this.commits.write([
      { ...incoming, data, declared: checked.declared, causal_depth: event.causalDepth, route_partition },
    ]);
    return { eventId: id };
  }

  private check(
    index: RuleIndex,
    event: IncomingEvent,
    position: number,
    problems: EventProblem[],
    unknownTypes = this.options.unknownTypes ?? 'reject',
  ): { declared: boolean; data: Readonly<Record<string, unknown>> } {
    const schemas = declaredSchemas(index, event.type);
    if (schemas.length === 0) {
      if (unknownTypes === 'reject') {
        const declared = [...index.eventTypes, ...Object.keys(BUILTIN_EVENT_SCHEMAS)];
        const close = suggest(event.type, declared);
        problems.push({
          index: position,
          path: 'type',
          message: `no deployed rule declares event type ${event.type}${didYouMean(event.type, declared)}`,
          code: 'unknown-event-type',
          ...(close !== undefined ? { didYouMean: close } : {}),
        });
      }
      return { declared: false, data: event.data };
    }
    // Every rule reading the type must be able to read it: after a rollback two versions of a
    // schema may be active, and the data has to fit each.
    let data = event.data;
    schemas.forEach((schema, i) => {
      const conformed = conformFields(event.data, schema.fields);
      for (const p of conformed.problems) {
        problems.push({ index: position, path: p.path ? `data.${p.path}` : 'data', message: p.message });
      }
      if (i === 0) data = conformed.value as Readonly<Record<string, unknown>>;
    });
    return { declared: true, data };
  }

  /** Inserts the rows in one statement; returns the ids that were new. */
  private async insertNow(rows: readonly Row[]): Promise<Set<string>> {
    // One id twice in a batch: only its first occurrence goes in.
    const unique = new Map<string, Row>();
    for (const row of rows) if (!unique.has(row.id)) unique.set(row.id, row);
    // clock_timestamp() keeps the batch's order in received_at, which is the routing order.
    const { rows: inserted } = await this.db.query<{ id: string }>(
      `WITH inserted AS (INSERT INTO events (id, type, source, subject, time, data, datacontenttype, dataschema,
                           extensions, declared, causal_depth, route_partition, received_at)
       SELECT e.id, e.type, e.source, e.subject, coalesce(e.time, now()), e.data, e.datacontenttype,
              e.dataschema, e.extensions, e.declared, e.causal_depth, e.route_partition, clock_timestamp()
         FROM jsonb_to_recordset($1::jsonb)
           AS e(id text, type text, source text, subject text, time timestamptz, data jsonb,
                datacontenttype text, dataschema text, extensions jsonb, declared boolean, causal_depth integer,
                route_partition smallint)
       ON CONFLICT (id) DO NOTHING
       RETURNING id)
       -- Delivered at commit, once per transaction (identical notifications are folded).
       SELECT id FROM inserted, LATERAL (SELECT pg_notify(${channelSql(EVENTS_CHANNEL)}, '')) AS wake`,
      [JSON.stringify([...unique.values()])],
    );
    if (inserted.length > 0) this.options.onStored?.();
    return new Set(inserted.map((r) => r.id));
  }
}

/**
 * Event types opsflow itself emits, declared without a rule declaring them (LANGUAGE.md §13):
 * `opsflow.run_failed` is stored when a run fails, and may be posted like any declared type.
 */
export const BUILTIN_EVENT_SCHEMAS: Readonly<Record<string, EventSchemaIR>> = {
  [RUN_FAILED_EVENT.name]: RUN_FAILED_EVENT,
};

/** The schemas the active rules declare for a type, or the built-in one. */
export function declaredSchemas(index: RuleIndex, type: string): readonly EventSchemaIR[] {
  const declared = index.schemas(type);
  if (declared.length > 0) return declared;
  const builtin = Object.hasOwn(BUILTIN_EVENT_SCHEMAS, type) ? BUILTIN_EVENT_SCHEMAS[type] : undefined;
  return builtin ? [builtin] : [];
}

/** The id of an emitted event: derived from the emit's idempotency key, bounded in length. */
export function emittedEventId(idempotencyKey: string): string {
  return `emit-${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}`;
}
