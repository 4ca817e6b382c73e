/**
 * Triggers held for a paused rule. While a rule is paused the router records each trigger as an
 * `event_outcomes` row with outcome `paused` and starts nothing; on resume they are routed in
 * stored order, as the router would have routed them (guard, key and concurrency mode of the
 * version current at resume), or dropped on request. The rule is marked resumed only once nothing
 * is held any more, so triggers arriving during the release are held too and released after the
 * ones before them; a trigger a router held with a stale view of the rule after that is released
 * by `releaseStragglers`.
 */
import type { Sql } from '../db/sql';
import { STORED_EVENT_COLUMNS, type StoredEventRow } from '../ingest/stored-event';
import { indexRules } from '../registry/active-rules';
import type { RuleRegistry } from '../registry/registry';
import type { ActiveRule, ChangeMeta, RuleSummary } from '../registry/records';
import { RuleNotFoundError } from '../errors';
import { routeEvents } from './route-batch';
import type { RouteRuleDeps } from './route-rule';

/** Held triggers routed per batch. */
const RELEASE_BATCH = 100;

/** What a resume did. */
export interface ReleaseResult {
  /** Held triggers routed (each now has its final outcome: started, skipped, queued, ...). */
  readonly released: number;
  /** Held triggers dropped (`drop`, or the rule is disabled). */
  readonly dropped: number;
}

/** What `releaseHeld` needs: routing, and the registry to read the rule and mark it resumed. */
export interface ReleaseDeps extends RouteRuleDeps {
  readonly registry: RuleRegistry;
}

/**
 * Resumes a paused rule: routes its held triggers in stored order (or drops them with `drop`),
 * then marks it resumed (recorded with `meta`). A routing error stops the release with the rule
 * still paused and the unrouted triggers still held; resuming again goes on from there.
 */
export async function resumeRule(
  deps: ReleaseDeps,
  name: string,
  options: { readonly drop: boolean; readonly meta: ChangeMeta },
): Promise<{ rule: RuleSummary } & ReleaseResult> {
  const summary = await deps.registry.get(name);
  const first = await releaseHeld(deps, name, options.drop, options.meta.author);
  const counts = `${first.released} held trigger(s) routed, ${first.dropped} dropped`;
  const given = options.meta.message;
  const rule = await deps.registry.setPaused(name, false, {
    author: options.meta.author,
    message: given ? `${given} (${counts})` : counts,
  });
  // Held by a router that still saw the rule paused while it was being marked resumed.
  const late =
    summary.state === 'paused' ? await releaseHeld(deps, name, options.drop, options.meta.author) : none;
  return {
    rule,
    released: first.released + late.released,
    dropped: first.dropped + late.dropped,
  };
}

const none: ReleaseResult = { released: 0, dropped: 0 };

/**
 * Releases what is held for rules that are not paused (any more): triggers held by a router with
 * a stale view of a rule resumed meanwhile, or left by a resume that was interrupted after the
 * rule was marked resumed. Called periodically; returns how many triggers it released.
 */
export async function releaseStragglers(deps: ReleaseDeps): Promise<number> {
  const { rows } = await deps.db.query<{ rule_name: string }>(
    `SELECT DISTINCT o.rule_name FROM event_outcomes o JOIN rules r ON r.name = o.rule_name
      WHERE o.outcome = 'paused' AND r.paused_at IS NULL`,
  );
  let total = 0;
  for (const { rule_name } of rows) {
    const result = await releaseHeld(deps, rule_name, false, 'opsflow');
    total += result.released + result.dropped;
  }
  return total;
}

/** Routes (or drops) every trigger held for `name`, oldest first, a batch at a time. */
async function releaseHeld(
  deps: ReleaseDeps,
  name: string,
  drop: boolean,
  by: string,
): Promise<ReleaseResult> {
  const rule = await currentRule(deps.db, name);
  const dropAll = drop || !rule.enabled;
  const reason = drop
    ? `held while the rule was paused; dropped on resume by ${by}`
    : 'held while the rule was paused; dropped on resume because the rule is disabled';
  // Routed as not paused: the release is what ends the pause.
  const index = indexRules([{ ...rule, paused: false }]);
  let released = 0;
  let dropped = 0;
  for (;;) {
    const events = await heldEvents(deps.db, name);
    if (events.length === 0) return { released, dropped };
    if (dropAll) {
      const { rowCount } = await deps.db.query(
        `UPDATE event_outcomes SET outcome = 'dropped', detail = $3, at = now()
          WHERE rule_name = $1 AND event_id = ANY($2::text[]) AND outcome = 'paused'`,
        [name, events.map((e) => e.id), reason],
      );
      dropped += rowCount;
      continue;
    }
    const results = await routeEvents(deps, deps.db, events, index);
    for (const event of events) {
      const result = results.get(event.id);
      if (!result?.ok) {
        const error = result?.error;
        throw error instanceof Error
          ? error
          : new Error(`event ${event.id} could not be routed: ${String(error)}`);
      }
      released++;
    }
  }
}

/** The held events of a rule, in stored order. */
async function heldEvents(db: Sql, rule: string): Promise<StoredEventRow[]> {
  const { rows } = await db.query<StoredEventRow>(
    `SELECT ${STORED_EVENT_COLUMNS} FROM events
      WHERE id IN (SELECT event_id FROM event_outcomes WHERE rule_name = $1 AND outcome = 'paused')
      ORDER BY received_at, id LIMIT $2`,
    [rule, RELEASE_BATCH],
  );
  return rows;
}

/** The rule's current version as the router sees it (removed rules included: they are dropped). */
async function currentRule(db: Sql, name: string): Promise<ActiveRule> {
  const { rows } = await db.query<{
    version: number;
    enabled: boolean;
    removed: boolean;
    ir: ActiveRule['ir'];
  }>(
    `SELECT r.current_version AS version, r.enabled, r.removed_at IS NOT NULL AS removed, v.ir
       FROM rules r JOIN rule_versions v ON v.rule_name = r.name AND v.version = r.current_version
      WHERE r.name = $1`,
    [name],
  );
  const row = rows[0];
  if (!row) throw new RuleNotFoundError(name);
  return {
    name,
    version: row.version,
    enabled: row.enabled && !row.ir.disabled && !row.removed,
    paused: false,
    ir: row.ir,
  };
}
