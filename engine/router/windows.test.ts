import type { ExprIR, Span, WindowIR } from '../../dsl/runtime';
import { freshDatabase, type FreshDatabase } from '../db/testing/fresh-database';
import { EventStore } from '../ingest/event-store';
import { STORED_EVENT_COLUMNS, type StoredEventRow } from '../ingest/stored-event';
import { activeRules, indexRules } from '../registry/active-rules';
import type { ActiveRule } from '../registry/records';
import { RuleRegistry } from '../registry/registry';
import { ensureWindowIndexes, guardWindows, readWindows } from './windows';

// Real PostgreSQL: the window prefetch of a guard reads the right events in one query, with the
// correlation pushed down onto an index.
const RULES = `event payment.failed {
  customer_id: string
  amount: number
}
event refund.requested {
  customer_id: string
}

rule note_payment
  on payment.failed
do
  log "failed"
end

rule note_refund
  on refund.requested
do
  log "refund"
end
`;

const span: Span = { file: 'w.rule', line: 1, column: 1, endLine: 1, endColumn: 2 };
const eventField = (name: string): ExprIR => ({
  kind: 'member',
  object: { kind: 'name', name: 'event', span },
  name,
  optional: false,
  span,
});

/** `TYPE as x within MS [where x.customer_id == event.customer_id]`. */
function window(id: number, type: string, withinMs: number, correlated: boolean): WindowIR {
  return {
    id,
    event: type,
    as: 'x',
    withinMs,
    correlations: correlated ? [{ field: 'customer_id', value: eventField('customer_id') }] : [],
    span,
  };
}

const T = Date.parse('2026-12-01T12:00:00Z');
const at = (minutesBefore: number): string => new Date(T - minutesBefore * 60_000).toISOString();

describe('windows in guards: the prefetch', () => {
  let fresh: FreshDatabase;
  let trigger: StoredEventRow;

  beforeAll(async () => {
    fresh = await freshDatabase(25);
    await new RuleRegistry(fresh.db).deploy([{ path: 'w.rule', content: RULES }], { author: 'test' });
    const store = new EventStore(fresh.db);
    const post = (id: string, type: string, customer: string, minutesBefore: number) =>
      store.ingest({ id, type, time: at(minutesBefore), data: { customer_id: customer, amount: 1 } });
    await post('old', 'payment.failed', 'c1', 11); // before the window
    await post('edge', 'payment.failed', 'c1', 10); // exactly 10 minutes before: outside (the window is open there)
    await post('a', 'payment.failed', 'c1', 9);
    await post('other', 'payment.failed', 'c2', 5); // another customer
    await post('b', 'payment.failed', 'c1', 1);
    await post('refund', 'refund.requested', 'c1', 2); // another type
    await post('t', 'payment.failed', 'c1', 0); // the trigger: included
    await post('later', 'payment.failed', 'c1', -1); // after the trigger's time
    // No CloudEvents time: the time it was stored, i.e. now, long after T.
    await store.ingest({ id: 'untimed', type: 'payment.failed', data: { customer_id: 'c1', amount: 1 } });
    const { rows } = await fresh.db.query<StoredEventRow>(
      `SELECT ${STORED_EVENT_COLUMNS} FROM events WHERE id = 't'`,
    );
    trigger = rows[0];
  });
  afterAll(async () => {
    await fresh.drop();
  });

  const ids = async (windows: readonly WindowIR[], of = 1): Promise<unknown[]> => {
    const source = await readWindows(fresh.db, trigger, windows);
    const w = windows.find((x) => x.id === of) as WindowIR;
    return source.events(w, T).map((e) => (e.data as { customer_id: string }).customer_id + '@' + e.time);
  };

  it('reads (time - within, time] of the type, oldest first, the trigger included', async () => {
    const got = await ids([window(1, 'payment.failed', 600_000, false)]);
    expect(got).toEqual([`c1@${T - 9 * 60_000}`, `c2@${T - 5 * 60_000}`, `c1@${T - 60_000}`, `c1@${T}`]);
  });

  it('pushes a correlation down, and reads several windows in one query', async () => {
    const windows = [
      window(1, 'payment.failed', 600_000, true),
      window(2, 'refund.requested', 3_600_000, true),
    ];
    expect(await ids(windows, 1)).toEqual([`c1@${T - 9 * 60_000}`, `c1@${T - 60_000}`, `c1@${T}`]);
    expect(await ids(windows, 2)).toEqual([`c1@${T - 2 * 60_000}`]);
  });

  it('finds the windows of a guard, and indexes their correlation fields', async () => {
    const w = window(1, 'payment.failed', 600_000, true);
    const guard: ExprIR = {
      kind: 'compare',
      op: '>=',
      mode: 'number',
      left: { kind: 'aggregate', fn: 'count', window: w, span },
      right: { kind: 'literal', value: 3, span },
      span,
    };
    const deployed = (await activeRules(fresh.db)).find((r) => r.name === 'note_payment') as ActiveRule;
    const rule: ActiveRule = { ...deployed, ir: { ...deployed.ir, guard } };
    expect(guardWindows(rule.ir)).toEqual([w]);
    await ensureWindowIndexes(fresh.db, indexRules([rule]));
    const { rows: indexes } = await fresh.db.query<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE tablename = 'events' AND indexname LIKE 'events_window_%'`,
    );
    expect(indexes.map((r) => r.indexdef)).toEqual([
      expect.stringContaining("(data -> 'customer_id'::text)"),
    ]);
    // With many customers stored, the pushed-down query is served by that index.
    await fresh.db.query(
      `INSERT INTO events (id, type, time, data, route_status)
         SELECT 'bulk-' || i, 'payment.failed', now() - (i || ' seconds')::interval,
                jsonb_build_object('customer_id', 'c' || (i % 500), 'amount', 1), 'routed'
           FROM generate_series(1, 20000) AS i`,
    );
    await fresh.db.query('ANALYZE events');
    const { rows } = await fresh.db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT id FROM events WHERE type = 'payment.failed' AND data->'customer_id' = '"c7"'::jsonb
          AND time > now() - interval '10 minutes' AND time <= now()`,
    );
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    expect(plan).toMatch(/events_window_[0-9a-f]{16}/);
  });
});
