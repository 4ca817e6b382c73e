import { freshDatabase, type FreshDatabase } from '../db/testing/fresh-database';
import { EventStore } from '../ingest/event-store';
import { ActiveRuleCache } from '../registry/active-rules';
import { RuleRegistry } from '../registry/registry';
import { claimablePartitioned, ROUTE_PARTITIONS } from './partitions';

// Real PostgreSQL: partitions are computed at ingest from the deployed rules, and the claim takes
// only events of partitions its transaction could lock.
const RULES = `event order.paid {
  order_id: string
  sku: string
}
event stock.low {
  sku: string
  warehouse: string
}
event ticket.resolved {
  ticket_id: string
}
event audit.seen {
  n: int
}
event mixed.seen {
  a: string
  b: string
}

rule queue_orders
  on order.paid
  key event.order_id
  concurrency queue
do
  log "paid"
end

rule single_orders
  on order.paid
  key event.order_id
do
  wait for ticket.resolved as t where t.ticket_id == event.order_id within 1h
end

rule by_sku_and_warehouse
  on stock.low
  key event.sku + "@" + event.warehouse
do
  log "low"
end

rule audit_everything
  on audit.seen
  concurrency parallel
do
  log "seen"
end

rule mixed_a
  on mixed.seen
  key event.a
do
  log "a"
end

rule mixed_b
  on mixed.seen
  key event.b
do
  log "b"
end
`;

describe('routing partitions', () => {
  let fresh: FreshDatabase;
  let store: EventStore;

  beforeAll(async () => {
    fresh = await freshDatabase(4);
    const deployed = await new RuleRegistry(fresh.db).deploy([{ path: 'p.rule', content: RULES }], {
      author: 'test',
      message: 'partitions',
    });
    if (!deployed.ok) throw new Error(JSON.stringify(deployed.diagnostics));
    store = new EventStore(fresh.db, { rules: new ActiveRuleCache(fresh.db), unknownTypes: 'store' });
  }, 60_000);
  afterAll(async () => {
    await fresh?.drop();
  });

  async function partitionOf(type: string, data: Record<string, unknown>): Promise<number | null> {
    const id = `${type}-${JSON.stringify(data)}`;
    await store.ingest({ id, type, data });
    const { rows } = await fresh.db.query<{ route_partition: number | null }>(
      'SELECT route_partition FROM events WHERE id = $1',
      [id],
    );
    return rows[0].route_partition;
  }

  it('puts one key of rules keyed by one field, and the runs waiting on it, in one partition', async () => {
    const a = await partitionOf('order.paid', { order_id: 'o-1', sku: 'x' });
    const b = await partitionOf('order.paid', { order_id: 'o-1', sku: 'y' });
    expect(a).toBe(b);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(ROUTE_PARTITIONS);
    // 50 keys spread over several partitions.
    const spread = new Set<number | null>();
    for (let i = 0; i < 50; i++)
      spread.add(await partitionOf('order.paid', { order_id: `k-${i}`, sku: 'x' }));
    expect(spread.size).toBeGreaterThan(10);
    // The waited-for type correlated on one field is partitioned by that field's value too.
    const t1 = await partitionOf('ticket.resolved', { ticket_id: 't-1' });
    const t2 = await partitionOf('ticket.resolved', { ticket_id: 't-2' });
    expect(t1).not.toBeNull();
    expect(t1).toBe(await partitionOf('ticket.resolved', { ticket_id: 't-1', extra: 1 }));
    expect(typeof t2).toBe('number');
  });

  it('partitions by the value of a key expression, by type when keys differ, not at all for parallel', async () => {
    const k1 = await partitionOf('stock.low', { sku: 'a', warehouse: 'w1' });
    expect(k1).toBe(await partitionOf('stock.low', { warehouse: 'w1', sku: 'a', note: 1 }));
    // Two rules keyed differently: one partition for the whole type.
    const m1 = await partitionOf('mixed.seen', { a: '1', b: '2' });
    const m2 = await partitionOf('mixed.seen', { a: '3', b: '4' });
    expect(m1).toBe(m2);
    expect(await partitionOf('audit.seen', { n: 1 })).toBeNull();
    // A type no rule reads has nothing to keep in order.
    expect(await partitionOf('unknown.type', { n: 1 })).toBeNull();
  });

  it('never lets two transactions claim events of one partition at once', async () => {
    await fresh.db.query(`UPDATE events SET route_status = 'routed'`);
    for (let i = 0; i < 6; i++) {
      await store.ingest({
        id: `claim-${i}`,
        type: 'order.paid',
        data: { order_id: `c-${i % 3}`, sku: 's' },
      });
    }
    await store.ingest({ id: 'claim-free', type: 'audit.seen', data: { n: 9 } });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let first: string[] = [];
    let firstClaimed!: () => void;
    const claimedOnce = new Promise<void>((resolve) => (firstClaimed = resolve));
    // The first claim takes two events (keys c-0 and c-1, in stored order) and holds them.
    const holding = fresh.db.transaction(async (tx) => {
      first = await claimablePartitioned(tx, 2);
      firstClaimed();
      await held;
    });
    await claimedOnce;
    expect(first).toEqual(['claim-0', 'claim-1']);
    const second = await fresh.db.transaction((tx) => claimablePartitioned(tx, 50));
    // Nothing of c-0 or c-1 (their partitions are held), but c-2 and the unpartitioned event.
    const { rows } = await fresh.db.query<{ id: string; route_partition: number | null }>(
      `SELECT id, route_partition FROM events WHERE id LIKE 'claim-%' ORDER BY received_at`,
    );
    const partitionOfId = new Map(rows.map((r) => [r.id, r.route_partition]));
    const heldPartitions = new Set(first.map((id) => partitionOfId.get(id)));
    for (const id of second) expect(heldPartitions.has(partitionOfId.get(id))).toBe(false);
    expect(second).toContain('claim-free');
    expect(second).toContain('claim-2');
    expect(second).not.toContain('claim-3');
    release();
    await holding;
    // Once the holder commits, its partitions are free again.
    const third = await fresh.db.transaction((tx) => claimablePartitioned(tx, 50));
    expect(third).toEqual(expect.arrayContaining(['claim-0', 'claim-1', 'claim-3', 'claim-4']));
  });
});
