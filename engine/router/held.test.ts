import { RuleRegistry } from '../registry/registry';
import { releaseStragglers, resumeRule, type ReleaseDeps } from './held';
import { startEngineHarness, type EngineHarness } from './testing/engine-harness';
import { eventually } from '../testing/eventually';

const RULES = `event stock.changed {
  sku: string
  qty: int
}
action shop.note(text: string)

rule restock
  on stock.changed
  key event.sku
  when event.qty < 5
  concurrency queue
do
  call shop.note(text: "\${event.sku}:\${event.qty}")
end
`;

// Real PostgreSQL, the Temporal dev server and the real interpreter (fake actions).
describe('pausing a rule holds its triggers; resuming routes them in order', () => {
  let h: EngineHarness;
  const meta = { author: 'key:ops' };
  const deps = (): ReleaseDeps => ({
    db: h.database.db,
    client: h.client,
    taskQueue: h.taskQueue,
    replaceGraceMs: 5000,
    registry: new RuleRegistry(h.database.db),
  });
  const outcomes = async (prefix: string) =>
    (
      await h.database.db.query<{ event_id: string; outcome: string; detail: string | null }>(
        `SELECT event_id, outcome, detail FROM event_outcomes WHERE event_id LIKE $1 ORDER BY event_id`,
        [`${prefix}%`],
      )
    ).rows;
  const notes = () => h.calls.map((c) => c.args.text);

  beforeAll(async () => {
    h = await startEngineHarness();
    await h.deploy({ 'stock.rule': RULES });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);
  beforeEach(() => {
    h.calls.length = 0;
  });

  it('holds triggers while paused, then routes them in stored order (guard and key applied then)', async () => {
    const paused = await h.registry.setPaused('restock', true, meta);
    expect(paused).toEqual(expect.objectContaining({ state: 'paused', pausedAt: expect.any(String) }));
    const events = [3, 1, 9, 0].map((qty, i) => ({
      id: `hold-${i}`,
      type: 'stock.changed',
      data: { sku: 'S-1', qty },
    }));
    for (const event of events) await h.store.ingest(event);
    expect(await h.router().drain()).toBe(4);
    expect((await outcomes('hold-')).map((o) => o.outcome)).toEqual(['paused', 'paused', 'paused', 'paused']);
    expect(h.calls).toEqual([]);

    // A new registry and router, as in a process started after a restart: the state is in PostgreSQL.
    const result = await resumeRule(deps(), 'restock', { drop: false, meta });
    expect(result).toEqual(expect.objectContaining({ released: 4, dropped: 0 }));
    expect(result.rule.state).toBe('enabled');
    // One key, `concurrency queue`: started, or queued behind the run going on when it came.
    const runOrQueue = expect.stringMatching(/^(started|queued)$/);
    expect((await outcomes('hold-')).map((o) => o.outcome)).toEqual([
      'started',
      runOrQueue,
      'skipped',
      runOrQueue,
    ]);
    await eventually(async () => notes().length === 3, 30_000, 'the queued triggers to run');
    expect(notes()).toEqual(['S-1:3', 'S-1:1', 'S-1:0']);

    // Not paused any more: the next trigger runs at once.
    await h.store.ingest({ id: 'after-1', type: 'stock.changed', data: { sku: 'S-2', qty: 1 } });
    await h.router().drain();
    expect((await outcomes('after-'))[0].outcome).toBe('started');
  });

  it('drops the held triggers on request, recording why', async () => {
    await h.registry.setPaused('restock', true, meta);
    await h.store.ingest({ id: 'drop-1', type: 'stock.changed', data: { sku: 'S-3', qty: 1 } });
    await h.router().drain();
    const result = await resumeRule(deps(), 'restock', {
      drop: true,
      meta: { author: 'key:ops', message: 'stale' },
    });
    expect(result).toEqual(expect.objectContaining({ released: 0, dropped: 1 }));
    expect(await outcomes('drop-')).toEqual([
      expect.objectContaining({
        outcome: 'dropped',
        detail: expect.stringContaining('dropped on resume by key:ops'),
      }),
    ]);
    const audit = await h.registry.audit('restock', 1);
    expect(audit[0]).toEqual(
      expect.objectContaining({
        action: 'resumed',
        actor: 'key:ops',
        detail: { message: 'stale (0 held trigger(s) routed, 1 dropped)' },
      }),
    );
  });

  it('releases what a router held for a rule that is no longer paused', async () => {
    await h.store.ingest({ id: 'late-1', type: 'stock.changed', data: { sku: 'S-4', qty: 2 } });
    await h.database.db.query(`UPDATE events SET route_status = 'routed' WHERE id = 'late-1'`);
    // As a router with a stale view of the rule would have written it.
    await h.database.db.query(
      `INSERT INTO event_outcomes (event_id, rule_name, rule_version, outcome, detail)
       VALUES ('late-1', 'restock', 1, 'paused', 'held')`,
    );
    expect(await releaseStragglers(deps())).toBe(1);
    expect((await outcomes('late-'))[0].outcome).toBe('started');
    await eventually(async () => notes().includes('S-4:2'), 30_000, 'the released trigger to run');
  });
});
