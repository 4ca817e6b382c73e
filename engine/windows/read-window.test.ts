import { createActivities, createReadWindows } from '../../activities';
import { X, agg, windowOf } from '../../workflows/testing/v2-ir';
import { freshDatabase, type FreshDatabase } from '../db/testing/fresh-database';
import { createReadWindow } from './read-window';

// Windows in `do` read from real PostgreSQL: the query and the readWindows activity over it.

const NOW = Date.UTC(2026, 11, 2, 15, 0, 0);
const MIN = 60_000;

describe('reading windows from the events table', () => {
  let fresh: FreshDatabase;

  beforeAll(async () => {
    fresh = await freshDatabase(2);
    const rows: [string, string, number, Record<string, unknown>][] = [
      ['r1', 'refund.requested', 5, { order_id: 'o-1', amount: 40 }],
      ['r2', 'refund.requested', 50, { order_id: 'o-1', amount: 30 }],
      ['r3', 'refund.requested', 20, { order_id: 'o-2', amount: 5 }],
      ['r4', 'refund.requested', 60, { order_id: 'o-1', amount: 99 }], // exactly 1h ago: outside
      ['r5', 'refund.requested', -1, { order_id: 'o-1', amount: 7 }], // after now: outside
      ['o1', 'order.placed', 5, { order_id: 'o-1', amount: 1 }],
    ];
    for (const [id, type, minutesAgo, data] of rows) {
      await fresh.db.query(`INSERT INTO events (id, type, time, data) VALUES ($1, $2, $3, $4::jsonb)`, [
        id,
        type,
        new Date(NOW - minutesAgo * MIN).toISOString(),
        JSON.stringify(data),
      ]);
    }
  });
  afterAll(async () => {
    await fresh?.drop();
  });

  it('returns the events of the type in (from, to], oldest first, filtered by the pushed-down fields', async () => {
    const read = createReadWindow(fresh.db);
    const all = await read({
      event: 'refund.requested',
      fromMs: NOW - 60 * MIN,
      toMs: NOW,
      equals: [],
      limit: 10,
    });
    expect(all.map((e) => (e.data as { amount: number }).amount)).toEqual([30, 5, 40]);
    expect(all[0].time).toBe(NOW - 50 * MIN);
    const one = await read({
      event: 'refund.requested',
      fromMs: NOW - 60 * MIN,
      toMs: NOW,
      equals: [{ field: 'order_id', value: 'o-1' }],
      limit: 1,
    });
    expect(one).toEqual([{ data: { order_id: 'o-1', amount: 30 }, time: NOW - 50 * MIN }]);
  });

  it('computes aggregates in the readWindows activity, and says where one failed', async () => {
    const activities = createActivities({
      httpAllow: [],
      secrets: { resolve: () => Promise.resolve(undefined) },
      config: {},
      connectors: [],
      readWindow: createReadWindow(fresh.db),
    });
    const byOrder = windowOf(
      'refund.requested',
      'r',
      60 * MIN,
      X.cmp(X.path('r.order_id'), '==', X.path('event.order_id'), 'string'),
    );
    const { values } = await activities.readWindows({
      now: NOW,
      rule: 'kpi',
      runId: 'run-1',
      items: [
        { expr: agg('count', byOrder), scope: { event: { order_id: 'o-1' } } },
        { expr: agg('sum', byOrder, X.path('r.amount')), scope: { event: { order_id: 'o-1' } } },
        { expr: agg('max', byOrder, X.path('r.amount')), scope: { event: { order_id: 'nobody' } } },
        { expr: agg('sum', byOrder, X.path('r.order_id')), scope: { event: { order_id: 'o-1' } } },
      ],
    });
    expect(values.slice(0, 3)).toEqual([{ value: 2 }, { value: 70 }, { value: null }]);
    expect(values[3]).toMatchObject({ error: { code: 'type', span: { file: 'rules/v2.rule' } } });
  });

  it('counts in the database when where is only pushed-down equalities, and agrees with reading', async () => {
    const base = createReadWindow(fresh.db);
    let reads = 0;
    const counting = Object.assign(
      async (q: Parameters<typeof base>[0]) => {
        reads += 1;
        return base(q);
      },
      { count: base.count },
    );
    const reading = async (q: Parameters<typeof base>[0]) => base(q);
    const byOrder = windowOf(
      'refund.requested',
      'r',
      60 * MIN,
      X.cmp(X.path('r.order_id'), '==', X.path('event.order_id'), 'string'),
    );
    const big = windowOf('refund.requested', 'r', 60 * MIN, X.cmp(X.path('r.amount'), '>', X.num(10)));
    const items = [
      { expr: agg('count', byOrder), scope: { event: { order_id: 'o-1' } } },
      { expr: agg('count', windowOf('refund.requested', 'r', 60 * MIN)), scope: {} },
      { expr: agg('count', big), scope: {} },
    ];
    const input = { now: NOW, rule: 'kpi', runId: 'run-1', items };
    const counted = await createReadWindows(counting)(input);
    expect(reads).toBe(1); // only the window whose where is not an equality is read
    expect(counted.values).toEqual((await createReadWindows(reading)(input)).values);
    expect(counted.values).toEqual([{ value: 2 }, { value: 3 }, { value: 2 }]);
  });

  it('refuses to read windows when no event log is configured', async () => {
    const activities = createActivities({
      httpAllow: [],
      secrets: { resolve: () => Promise.resolve(undefined) },
      config: {},
      connectors: [],
    });
    await expect(
      activities.readWindows({ now: NOW, rule: 'r', runId: 'x', items: [] }),
    ).rejects.toMatchObject({
      type: 'NotConfigured',
    });
  });
});
