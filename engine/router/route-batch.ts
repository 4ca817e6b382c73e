/**
 * Routing a claimed batch of events to the rules they trigger, with a constant number of
 * database statements per batch rather than per event: one read of the outcome rows earlier
 * attempts left, one write of the 'starting' rows (committed before anything reaches Temporal),
 * the starts themselves (concurrently across rules and keys, in stored order within one), and one
 * write of the final outcomes.
 */
import type { Sql } from '../db/sql';
import type { StoredEventRow } from '../ingest/stored-event';
import type { RuleIndex } from '../registry/active-rules';
import type { ActiveRule } from '../registry/records';
import { inLanes, type LaneResult, type Lanes } from './ordering';
import { FlowBatch } from './flow-batch';
import { signalGate } from './gate-route';
import { ensureWindowIndexes } from './windows';
import {
  eventScope,
  planRoute,
  startPlanned,
  type OutcomeRow,
  type RouteOutcome,
  type RoutePlan,
  type RouteRuleDeps,
} from './route-rule';

/** One row to write to `event_outcomes`. */
interface OutcomeWrite {
  readonly event_id: string;
  readonly rule_name: string;
  readonly rule_version: number;
  readonly outcome: string;
  readonly workflow_id: string | null;
  readonly run_id: string | null;
  readonly detail: string | null;
}

/**
 * Writes outcome rows in one statement. A 'starting' row never overwrites an existing row (an
 * earlier attempt's, final or not); a final outcome replaces whatever is there.
 */
const WRITE_OUTCOMES_SQL = `INSERT INTO event_outcomes (event_id, rule_name, rule_version, outcome, workflow_id, run_id, detail)
  SELECT o.event_id, o.rule_name, o.rule_version, o.outcome, o.workflow_id, o.run_id, o.detail
    FROM jsonb_to_recordset($1::jsonb) AS o(event_id text, rule_name text, rule_version integer,
                                            outcome text, workflow_id text, run_id text, detail text)
  ON CONFLICT (event_id, rule_name) DO UPDATE
    SET rule_version = EXCLUDED.rule_version, outcome = EXCLUDED.outcome, workflow_id = EXCLUDED.workflow_id,
        run_id = EXCLUDED.run_id, detail = EXCLUDED.detail, at = now()
    WHERE EXCLUDED.outcome <> 'starting'`;

/**
 * A trigger handed to a gate: its outcome ('debounced', 'batched', 'throttled') replaces only the
 * 'starting' row, never what the gate's start activity may have recorded meanwhile.
 */
const WRITE_GATED_SQL = WRITE_OUTCOMES_SQL.replace(
  "WHERE EXCLUDED.outcome <> 'starting'",
  "WHERE event_outcomes.outcome = 'starting'",
);

async function writeOutcomes(
  db: Sql,
  rows: readonly OutcomeWrite[],
  sql = WRITE_OUTCOMES_SQL,
): Promise<void> {
  if (rows.length > 0) await db.query(sql, [JSON.stringify(rows)]);
}

function outcomeWrite(event: StoredEventRow, rule: ActiveRule, outcome: RouteOutcome): OutcomeWrite {
  return {
    event_id: event.id,
    rule_name: rule.name,
    rule_version: rule.version,
    outcome: outcome.outcome,
    workflow_id: outcome.workflowId ?? null,
    run_id: outcome.runId ?? null,
    detail: outcome.detail ?? null,
  };
}

/** Rule indexes whose window indexes were ensured. */
const indexed = new WeakSet<RuleIndex>();

const pairKey = (eventId: string, rule: string): string => `${eventId}\u0000${rule}`;

/** The outcome rows earlier attempts left for these events, by event and rule. */
async function loadOutcomes(db: Sql, eventIds: readonly string[]): Promise<Map<string, OutcomeRow>> {
  const { rows } = await db.query<OutcomeRow & { event_id: string; rule_name: string }>(
    `SELECT event_id, rule_name, outcome, workflow_id, run_id, detail, at FROM event_outcomes
      WHERE event_id = ANY($1::text[])`,
    [eventIds],
  );
  return new Map(rows.map((r) => [pairKey(r.event_id, r.rule_name), r]));
}

/**
 * Routes `events` (in stored order) to the rules of `index` they trigger. Resolves, per event, to
 * every rule's outcome or to the first error (then the event is retried; the outcomes recorded
 * for its other rules make the retry start nothing twice). `db` writes the 'starting' rows, which
 * must be committed before the starts; `tx` (the claim's transaction) writes the final outcomes.
 */
export async function routeEvents(
  deps: RouteRuleDeps,
  tx: Sql,
  events: readonly StoredEventRow[],
  index: RuleIndex,
  order: { readonly lanes?: Lanes; readonly onQueued?: () => void } = {},
): Promise<Map<string, LaneResult<RouteOutcome>>> {
  const triggered = events.filter((event) => index.byTrigger(event.type).length > 0);
  const previous =
    triggered.length > 0
      ? await loadOutcomes(
          tx,
          triggered.map((e) => e.id),
        )
      : new Map();
  if (!indexed.has(index)) {
    await ensureWindowIndexes(deps.db, index);
    indexed.add(index);
  }
  const flow = triggered.length > 0 ? await FlowBatch.load(tx, triggered, index) : undefined;
  const plans = new Map<string, RoutePlan>();
  const starting: OutcomeWrite[] = [];
  for (const event of triggered) {
    const seen = eventScope(event);
    for (const target of index.routesFor(event.type)) {
      const { rule } = target;
      const plan = planRoute(event, target, seen, previous.get(pairKey(event.id, rule.name)), flow);
      plans.set(pairKey(event.id, rule.name), plan);
      if (plan.kind !== 'final' && !plan.resumedFrom) {
        starting.push({
          event_id: event.id,
          rule_name: rule.name,
          rule_version: rule.version,
          outcome: 'starting',
          workflow_id: plan.workflowId,
          run_id: null,
          detail: null,
        });
      }
    }
  }
  // With the 'starting' rows, before anything reaches Temporal: previous rows and admissions.
  await flow?.write(deps.db);
  await writeOutcomes(deps.db, starting);

  const finished: OutcomeWrite[] = [];
  const gated: OutcomeWrite[] = [];
  const pending = inLanes(
    events,
    (event) => index.byTrigger(event.type),
    async (event, rule) => {
      const plan = plans.get(pairKey(event.id, rule.name));
      if (!plan) throw new Error(`no routing plan for event ${event.id} and rule ${rule.name}`);
      if (plan.kind === 'final') {
        if (!plan.recorded) finished.push(outcomeWrite(event, rule, plan.outcome));
        return plan.outcome;
      }
      if (plan.kind === 'gate') {
        const outcome = await signalGate(deps, event, rule, plan);
        gated.push(outcomeWrite(event, rule, outcome));
        return outcome;
      }
      const outcome = await startPlanned(deps, event, rule, plan);
      finished.push(outcomeWrite(event, rule, outcome));
      return outcome;
    },
    order.lanes,
  );
  // Every start is queued in its lane now: a next batch may claim and queue behind them.
  order.onQueued?.();
  const results = await pending;
  await writeOutcomes(tx, finished);
  await writeOutcomes(tx, gated, WRITE_GATED_SQL);
  return results;
}
