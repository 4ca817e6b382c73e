import { Inject, Injectable } from '@nestjs/common';
import { NotFoundProblem } from '../common/problems';
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

/** A stored event with its routing status and per-rule outcomes. */
export interface EventView {
  readonly id: string;
  readonly type: string;
  readonly source: string | null;
  readonly subject: string | null;
  readonly time: string;
  readonly receivedAt: string;
  readonly causalDepth: number;
  readonly data: Readonly<Record<string, unknown>>;
  readonly routing: {
    readonly status: 'pending' | 'routed' | 'failed';
    readonly attempts: number;
    readonly routedAt: string | null;
    readonly error: string | null;
  };
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

  /** One event; `NotFoundProblem` for an unknown id. */
  async find(id: string): Promise<EventView> {
    const [events, outcomes] = await Promise.all([
      this.deps.db.query<EventRow>(
        `SELECT id, type, source, subject, time, received_at, causal_depth, data,
                route_status, route_attempts, routed_at, route_error
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
      id: row.id,
      type: row.type,
      source: row.source,
      subject: row.subject,
      time: row.time.toISOString(),
      receivedAt: row.received_at.toISOString(),
      causalDepth: row.causal_depth,
      data: row.data,
      routing: {
        status: row.route_status,
        attempts: row.route_attempts,
        routedAt: row.routed_at?.toISOString() ?? null,
        error: row.route_error,
      },
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
