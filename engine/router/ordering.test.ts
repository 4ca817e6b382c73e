import { compileRuleSet } from '../../dsl';
import type { ActiveRule } from '../registry/records';
import type { StoredEventRow } from '../ingest/stored-event';
import { inLanes, Lanes, orderingLane } from './ordering';

const SOURCE = `event order.placed { order_id: string, shop: string }

rule per_shop
  on order.placed
  key event.shop
do
end

rule every_order
  on order.placed
  concurrency parallel
do
end

rule one_key
  on order.placed
do
end
`;

const rules: ActiveRule[] = compileRuleSet([{ path: 'r.rule', content: SOURCE }]).rules.map((ir) => ({
  name: ir.name,
  version: 1,
  enabled: true,
  ir,
}));
const rule = (name: string): ActiveRule => rules.find((r) => r.name === name)!;
const event = (id: string, shop: string): StoredEventRow => ({
  id,
  type: 'order.placed',
  source: null,
  time: new Date(0),
  data: { order_id: id, shop },
  causal_depth: 0,
});

describe('routing order within a claimed batch', () => {
  it('puts events for the same rule and key in one lane, and parallel rules per event', () => {
    expect(orderingLane(rule('per_shop'), event('e1', 'berlin'))).toBe(
      orderingLane(rule('per_shop'), event('e2', 'berlin')),
    );
    expect(orderingLane(rule('per_shop'), event('e1', 'berlin'))).not.toBe(
      orderingLane(rule('per_shop'), event('e2', 'wien')),
    );
    expect(orderingLane(rule('every_order'), event('e1', 'x'))).not.toBe(
      orderingLane(rule('every_order'), event('e2', 'x')),
    );
    expect(orderingLane(rule('one_key'), event('e1', 'x'))).toBe(
      orderingLane(rule('one_key'), event('e2', 'y')),
    );
  });

  it('keeps stored order inside a lane, runs lanes concurrently, and isolates a failing event', async () => {
    const events = [event('e1', 'berlin'), event('e2', 'wien'), event('e3', 'berlin'), event('e4', 'wien')];
    const order: string[] = [];
    let running = 0;
    let maxRunning = 0;
    const results = await inLanes(
      events,
      () => [rule('per_shop')],
      async (e) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        // The first event of each lane is slow: a lane that did not wait would overtake it.
        await new Promise((resolve) => setTimeout(resolve, e.id === 'e1' || e.id === 'e2' ? 30 : 1));
        running--;
        order.push(e.id);
        if (e.id === 'e2') throw new Error('Temporal unavailable');
        return e.id;
      },
    );
    expect(order.indexOf('e1')).toBeLessThan(order.indexOf('e3'));
    expect(order.indexOf('e2')).toBeLessThan(order.indexOf('e4'));
    expect(maxRunning).toBe(2);
    expect(results.get('e1')).toEqual({ ok: true, values: ['e1'] });
    expect(results.get('e2')).toMatchObject({ ok: false });
    // The event after a failure in the same lane is still routed.
    expect(results.get('e4')).toEqual({ ok: true, values: ['e4'] });
  });
});

describe('Lanes shared by batches in flight', () => {
  it("queues a later batch's work for a key behind an earlier batch's, and forgets finished lanes", async () => {
    const lanes = new Lanes();
    const log: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const perShop = [rule('per_shop')];
    const first = inLanes(
      [event('a1', 'A')],
      () => perShop,
      async (e) => {
        await held;
        log.push(e.id);
      },
      lanes,
    );
    const second = inLanes(
      [event('a2', 'A'), event('b1', 'B')],
      () => perShop,
      async (e) => {
        log.push(e.id);
      },
      lanes,
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    // Shop B is not held up; shop A's second event waits for the first batch's.
    expect(log).toEqual(['b1']);
    release();
    await Promise.all([first, second]);
    expect(log).toEqual(['b1', 'a1', 'a2']);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(lanes.size).toBe(0);
  });
});
