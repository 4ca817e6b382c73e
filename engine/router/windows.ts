/**
 * Windows in guards (LANGUAGE.md §10): before the guard runs, the router reads every window of a
 * rule's guard for one event in ONE query (a `UNION ALL` of one indexed range scan per window),
 * pushing the window's correlations (`AS.field == EXPR`) down as `data->'field' = value`. The
 * evaluator then reads them synchronously through a `WindowSource`, still evaluating `where` on
 * each. A guard's `now` is the trigger's time: a window is `(time - within, time]` of the
 * events' own time (CloudEvents `time`, else when stored).
 */
import { createHash } from 'node:crypto';
import { evaluate, type ExprIR, type RuleIR, type Value, type WindowIR } from '../../dsl/runtime';
import type { Sql } from '../db/sql';
import type { StoredEventRow } from '../ingest/stored-event';
import type { RuleIndex } from '../registry/active-rules';

/** One stored event of a window, as the evaluator reads it. */
export interface WindowEvent {
  readonly data: unknown;
  /** Epoch ms. */
  readonly time: number;
}

/** The synchronous source of window events the evaluator is given (the v2 contract). */
export interface WindowSource {
  events(window: WindowIR, now: number): readonly WindowEvent[];
}

/** The windows of one (event, rule), read before its guard. */
export type PrefetchedWindows = WindowSource;

/** Every window the expression reads, by id (an aggregate inside a window's `where` included). */
export function exprWindows(
  expr: ExprIR | null | undefined,
  found = new Map<number, WindowIR>(),
): Map<number, WindowIR> {
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) for (const item of value) visit(item);
    else if (value !== null && typeof value === 'object') {
      const node = value as { kind?: unknown; window?: WindowIR };
      if (node.kind === 'aggregate' && node.window) found.set(node.window.id, node.window);
      for (const [k, v] of Object.entries(value)) if (k !== 'span' && typeof v === 'object') visit(v);
    }
  };
  visit(expr);
  return found;
}

const byRule = new WeakMap<RuleIR, readonly WindowIR[]>();

/** The windows a rule's guard reads (none for most rules); computed once per IR. */
export function guardWindows(rule: RuleIR): readonly WindowIR[] {
  let windows = byRule.get(rule);
  if (!windows) {
    windows = [...exprWindows(rule.guard).values()];
    byRule.set(rule, windows);
  }
  return windows;
}

/** The correlations of a window evaluated on the trigger; one that fails to evaluate is not pushed down. */
function pushedDown(window: WindowIR, event: StoredEventRow): { field: string; value: string }[] {
  const out: { field: string; value: string }[] = [];
  for (const c of window.correlations) {
    try {
      const value = evaluate(c.value, { event: event.data as Value }, { now: () => event.time.getTime() });
      out.push({ field: c.field, value: JSON.stringify(value ?? null) });
    } catch {
      // `where` is evaluated whole on every candidate: leaving the conjunct out only reads more.
    }
  }
  return out;
}

/** Reads the windows of one (event, rule) in one query; the source serves them to the evaluator. */
export async function readWindows(
  db: Sql,
  event: StoredEventRow,
  windows: readonly WindowIR[],
): Promise<PrefetchedWindows> {
  const params: unknown[] = [event.time.toISOString()];
  const param = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const parts = windows.map((w) => {
    const conds = [
      `type = ${param(w.event)}`,
      `time > $1::timestamptz - make_interval(secs => ${param(w.withinMs / 1000)}::double precision)`,
      'time <= $1::timestamptz',
      // The field as a literal, as in the index's expression, so the planner matches the two.
      ...pushedDown(w, event).map((c) => `data->${sqlLiteral(c.field)} = ${param(c.value)}::jsonb`),
    ];
    return `(SELECT ${param(w.id)}::integer AS w, id, data, time FROM events WHERE ${conds.join(' AND ')})`;
  });
  const { rows } = await db.query<{ w: number; data: unknown; time: Date }>(
    `${parts.join(' UNION ALL ')} ORDER BY w, time, id`,
    params,
  );
  const read = new Map<number, WindowEvent[]>();
  for (const r of rows) {
    const list = read.get(r.w) ?? [];
    list.push({ data: r.data, time: r.time.getTime() });
    read.set(r.w, list);
  }
  return {
    // The guard's `now` is the trigger's time, whatever clock the evaluator was given.
    events: (window) => read.get(window.id) ?? [],
  };
}

const ensured = new Set<string>();

/**
 * Indexes the events table for the correlation fields the deployed guards' windows push down:
 * `(type, (data->'field'), time)`, one per field, created once (IF NOT EXISTS) per process.
 */
export async function ensureWindowIndexes(db: Sql, index: RuleIndex): Promise<void> {
  const fields = new Set<string>();
  for (const rule of index.rules) {
    for (const w of exprWindows(rule.ir.guard).values()) for (const c of w.correlations) fields.add(c.field);
  }
  for (const field of fields) {
    if (ensured.has(field)) continue;
    const name = `events_window_${createHash('sha256').update(field).digest('hex').slice(0, 16)}`;
    try {
      await db.query(
        `CREATE INDEX IF NOT EXISTS ${name} ON events (type, (data->${sqlLiteral(field)}), time)`,
      );
      ensured.add(field);
    } catch {
      // Another process creating the same index at once: it exists, or the next batch tries again.
    }
  }
}

/** A string as an SQL literal. */
function sqlLiteral(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}
