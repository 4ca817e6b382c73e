/**
 * The per-(rule, key) state routing a claimed batch needs besides the guard, read with a constant
 * number of statements per batch (and one window query per event and rule):
 *
 * - `previous` (LANGUAGE.md §11): the last trigger routed to the rule per key, whatever its guard
 *   said. The row keeps the trigger before it too, so routing the same event again (after a
 *   crash) gives it the same `previous`.
 * - `limit N per D` (§9): the triggers let through, by their time; an event routed again finds
 *   its own admission.
 * - windows in guards (§10): `windows.ts` reads each (event, rule)'s windows in one query.
 *
 * Reads happen before planning; `writes()` are written with the 'starting' rows, before anything
 * reaches Temporal.
 */
import { evaluate, type FlowControlIR, type RuleIR, type Value } from '../../dsl/runtime';
import type { RunEvent } from '../../workflows/contract';
import { needsGate } from '../../workflows/gate-logic';
import type { Sql } from '../db/sql';
import { toRunEvent, type StoredEventRow } from '../ingest/stored-event';
import type { RuleIndex } from '../registry/active-rules';
import { guardWindows, readWindows, type PrefetchedWindows } from './windows';
import { keyText } from './workflow-ids';

interface PreviousRow {
  readonly event_id: string;
  readonly event: RunEvent;
  readonly previous: RunEvent | null;
}

/** What the limit of a trigger said: let through, or the detail of `limited`. */
export type LimitVerdict =
  { readonly admitted: true } | { readonly admitted: false; readonly detail: string };

const pair = (rule: string, key: string): string => `${rule}\u0000${key}`;
const triple = (eventId: string, rule: string): string => `${eventId}\u0000${rule}`;

/** The key a rule's state is kept under: the key's text, '' for a rule without `key`. */
export function stateKey(rule: RuleIR, event: StoredEventRow): string | undefined {
  if (!rule.key) return '';
  try {
    return keyText(evaluate(rule.key, { event: event.data as Value }, { now: () => Date.now() }));
  } catch {
    return undefined;
  }
}

/** The flow control routing applies itself: `limit` without a gate. */
function routerLimit(flow: FlowControlIR | undefined): FlowControlIR['limit'] {
  return flow && !needsGate(flow) ? flow.limit : undefined;
}

/** The state of one claimed batch; `take*` are called in stored order. */
export class FlowBatch {
  private readonly previousRows = new Map<string, PreviousRow>();
  private readonly previousDirty = new Set<string>();
  private readonly admissions = new Map<string, { event_id: string; at: number }[]>();
  private readonly newAdmissions: { rule_name: string; key_text: string; event_id: string; at: string }[] =
    [];
  private readonly windows = new Map<string, PrefetchedWindows>();
  /** The (rule, key) pairs under `limit` and where their periods begin: older admissions are pruned. */
  private limitPairs: { rule_name: string; key_text: string; since: string }[] = [];

  /** Reads what the batch's events need: previous rows, admissions, windows. */
  static async load(db: Sql, events: readonly StoredEventRow[], index: RuleIndex): Promise<FlowBatch> {
    const batch = new FlowBatch();
    const previousPairs: { rule_name: string; key_text: string }[] = [];
    const limitPairs: { rule_name: string; key_text: string; since: string }[] = [];
    for (const event of events) {
      for (const { rule } of index.routesFor(event.type)) {
        const { ir } = rule;
        const limit = routerLimit(ir.flow);
        if (ir.usesPrevious || limit) {
          const key = stateKey(ir, event);
          if (key !== undefined) {
            if (ir.usesPrevious) previousPairs.push({ rule_name: rule.name, key_text: key });
            if (limit) {
              const since = new Date(event.time.getTime() - limit.perMs).toISOString();
              limitPairs.push({ rule_name: rule.name, key_text: key, since });
            }
          }
        }
        const windows = guardWindows(ir);
        if (windows.length > 0)
          batch.windows.set(triple(event.id, rule.name), await readWindows(db, event, windows));
      }
    }
    if (previousPairs.length > 0) {
      const { rows } = await db.query<PreviousRow & { rule_name: string; key_text: string }>(
        `SELECT p.rule_name, p.key_text, p.event_id, p.event, p.previous FROM flow_previous p
           JOIN jsonb_to_recordset($1::jsonb) AS w(rule_name text, key_text text)
             ON p.rule_name = w.rule_name AND p.key_text = w.key_text`,
        [JSON.stringify(previousPairs)],
      );
      for (const r of rows) batch.previousRows.set(pair(r.rule_name, r.key_text), r);
    }
    batch.limitPairs = limitPairs;
    if (limitPairs.length > 0) {
      const { rows } = await db.query<{ rule_name: string; key_text: string; event_id: string; at: Date }>(
        `SELECT DISTINCT a.rule_name, a.key_text, a.event_id, a.at FROM flow_limit_admissions a
           JOIN jsonb_to_recordset($1::jsonb) AS w(rule_name text, key_text text, since timestamptz)
             ON a.rule_name = w.rule_name AND a.key_text = w.key_text AND a.at > w.since`,
        [JSON.stringify(limitPairs)],
      );
      for (const r of rows) {
        const list = batch.admissions.get(pair(r.rule_name, r.key_text)) ?? [];
        list.push({ event_id: r.event_id, at: r.at.getTime() });
        batch.admissions.set(pair(r.rule_name, r.key_text), list);
      }
    }
    return batch;
  }

  /** The windows prefetched for (event, rule), if its guard reads any. */
  windowsFor(eventId: string, rule: string): PrefetchedWindows | undefined {
    return this.windows.get(triple(eventId, rule));
  }

  /** The key's previous trigger for `event` (null: none), and `event` becomes the key's last. */
  takePrevious(rule: string, key: string, event: StoredEventRow): RunEvent | null {
    const k = pair(rule, key);
    const row = this.previousRows.get(k);
    // Routed before (a crash after the write): the same previous as the first time.
    if (row?.event_id === event.id) return row.previous;
    const previous = row?.event ?? null;
    this.previousRows.set(k, { event_id: event.id, event: toRunEvent(event), previous });
    this.previousDirty.add(k);
    return previous;
  }

  /** `limit runs per perMs` for `event`: let through (and counted) or not. */
  takeLimit(
    rule: string,
    key: string,
    event: StoredEventRow,
    limit: { readonly runs: number; readonly perMs: number },
  ): LimitVerdict {
    const k = pair(rule, key);
    const list = this.admissions.get(k) ?? [];
    if (list.some((a) => a.event_id === event.id)) return { admitted: true };
    const at = event.time.getTime();
    const within = list.filter((a) => a.at > at - limit.perMs && a.at <= at).length;
    if (within >= limit.runs) {
      return {
        admitted: false,
        detail: `limit ${limit.runs} per ${limit.perMs} ms: ${within} run(s) of this key started in that period before this event`,
      };
    }
    list.push({ event_id: event.id, at });
    this.admissions.set(k, list);
    this.newAdmissions.push({
      rule_name: rule,
      key_text: key,
      event_id: event.id,
      at: event.time.toISOString(),
    });
    return { admitted: true };
  }

  /** Writes the new previous rows and admissions (before anything reaches Temporal). */
  async write(db: Sql): Promise<void> {
    if (this.previousDirty.size > 0) {
      const rows = [...this.previousDirty].map((k) => {
        const [rule_name, key_text] = k.split('\u0000');
        const row = this.previousRows.get(k) as PreviousRow;
        return { rule_name, key_text, event_id: row.event_id, event: row.event, previous: row.previous };
      });
      await db.query(
        `INSERT INTO flow_previous (rule_name, key_text, event_id, event, previous)
           SELECT w.rule_name, w.key_text, w.event_id, w.event, w.previous
             FROM jsonb_to_recordset($1::jsonb) AS w(rule_name text, key_text text, event_id text, event jsonb, previous jsonb)
         ON CONFLICT (rule_name, key_text) DO UPDATE
           SET event_id = EXCLUDED.event_id, event = EXCLUDED.event, previous = EXCLUDED.previous`,
        [JSON.stringify(rows)],
      );
      this.previousDirty.clear();
    }
    if (this.newAdmissions.length > 0) {
      await db.query(
        `INSERT INTO flow_limit_admissions (rule_name, key_text, event_id, at)
           SELECT w.rule_name, w.key_text, w.event_id, w.at
             FROM jsonb_to_recordset($1::jsonb) AS w(rule_name text, key_text text, event_id text, at timestamptz)
         ON CONFLICT DO NOTHING`,
        [JSON.stringify(this.newAdmissions)],
      );
      this.newAdmissions.length = 0;
    }
    if (this.limitPairs.length > 0) {
      // Admissions older than a period before this batch's earliest trigger count for nothing now.
      await db.query(
        `DELETE FROM flow_limit_admissions a
           USING (SELECT rule_name, key_text, min(since) AS since
                    FROM jsonb_to_recordset($1::jsonb) AS w(rule_name text, key_text text, since timestamptz)
                   GROUP BY 1, 2) w
          WHERE a.rule_name = w.rule_name AND a.key_text = w.key_text AND a.at <= w.since`,
        [JSON.stringify(this.limitPairs)],
      );
      this.limitPairs = [];
    }
  }
}

export { routerLimit };
