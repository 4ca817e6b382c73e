import type { ExprIR, RuleIR, WindowIR } from '../../dsl/runtime';
import type { RunInput } from '../../workflows/contract';
import { startEngineHarness, type EngineHarness } from './testing/engine-harness';

// v2 flow control and `previous` on real PostgreSQL and the real Temporal dev server, with the
// real interpreter and gate workflows; only actions are fakes. The v2 clauses are put into the
// deployed IR by hand (the v2 parser is another branch's); the rules stay at irVersion 1 so the
// interpreter on this branch runs them (it ignores `flow`, which the router and gate apply).
const ACTIONS = 'action work.do(rule: string, n: int) -> { ok: bool }\n';

function rule(name: string, type: string, extra = '', concurrency = 'parallel'): string {
  return `event ${type} {
  k: string
  n: int
  m: int?
}

rule ${name}
  on ${type}
  key event.k
  concurrency ${concurrency}
${extra}do
  call work.do(rule: "${name}", n: event.n)
end
`;
}

/** Retries an assertion until it holds (or throws its last failure after `timeoutMs`). */
async function eventually(check: () => Promise<void>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/**
 * `count(vel.req as x within 10m where x.k == event.k) >= 3`, built from the compiled
 * `event.n >= 0` (its spans and shapes) until the v2 parser is merged.
 */
function velocityGuard(compiled: ExprIR): ExprIR {
  const { span } = compiled;
  const field = (object: string, name: string): ExprIR => ({
    kind: 'member',
    object: { kind: 'name', name: object, span },
    name,
    optional: false,
    span,
  });
  const where: ExprIR = {
    kind: 'compare',
    op: '==',
    mode: 'value',
    left: field('x', 'k'),
    right: field('event', 'k'),
    span,
  };
  const window: WindowIR = {
    id: 1,
    event: 'vel.req',
    as: 'x',
    withinMs: 600_000,
    where,
    correlations: [{ field: 'k', value: field('event', 'k') }],
    span,
  };
  return {
    ...(compiled as Extract<ExprIR, { kind: 'compare' }>),
    left: { kind: 'aggregate', fn: 'count', window, span },
    right: { kind: 'literal', value: 3, span },
  };
}

/** `event.m` → `previous?.n` everywhere in an expression. */
function toPrevious<T>(node: T): T {
  if (Array.isArray(node)) return node.map(toPrevious) as T;
  if (node === null || typeof node !== 'object') return node;
  const n = node as Record<string, unknown>;
  const object = n.object as { kind?: string; name?: string } | undefined;
  if (n.kind === 'member' && n.name === 'm' && object?.kind === 'name' && object.name === 'event') {
    return { ...n, name: 'n', optional: true, object: { ...object, name: 'previous' } } as T;
  }
  return Object.fromEntries(Object.entries(n).map(([k, v]) => [k, toPrevious(v)])) as T;
}

describe('flow control per key (real PostgreSQL + Temporal)', () => {
  let h: EngineHarness;

  beforeAll(async () => {
    h = await startEngineHarness();
    await h.deploy({
      'actions.rule': ACTIONS,
      'debounce.rule': rule('debounced', 'deb.req', '  when event.n >= 0\n', 'single'),
      'batch.rule': rule('batched', 'bat.req'),
      'throttle.rule': rule('throttled', 'thr.req'),
      'limit.rule': rule('limited', 'lim.req'),
      'previous.rule': rule('edge', 'prev.req', '  when event.m == null or event.m < event.n\n'),
      'window.rule': rule('velocity', 'vel.req', '  when event.n >= 0\n'),
    });
    await patch('debounced', (ir) => ({ ...ir, flow: { debounce: { quietMs: 5000 } } }));
    await patch('batched', (ir) => ({ ...ir, flow: { batch: { size: 3, withinMs: 3000 } } }));
    await patch('throttled', (ir) => ({ ...ir, flow: { throttle: { runs: 2, perMs: 3000 } } }));
    await patch('limited', (ir) => ({ ...ir, flow: { limit: { runs: 3, perMs: 3_600_000 } } }));
    // `previous?.n == null or previous?.n < event.n`, written over `event.m` of the compiled guard.
    await patch('edge', (ir) => ({ ...ir, guard: toPrevious(ir.guard), usesPrevious: true }));
    await patch('velocity', (ir) => ({ ...ir, irVersion: 2, guard: velocityGuard(ir.guard as ExprIR) }));
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  }, 60_000);

  /** Rewrites the deployed IR of a rule's current version. */
  async function patch(name: string, change: (ir: RuleIR) => RuleIR): Promise<void> {
    const { rows } = await h.database.db.query<{ ir: RuleIR }>(
      `SELECT v.ir FROM rule_versions v JOIN rules r ON r.name = v.rule_name AND r.current_version = v.version
        WHERE r.name = $1`,
      [name],
    );
    const ir = change(rows[0].ir);
    await h.database.db.query(
      `UPDATE rule_versions v SET ir = $2::jsonb FROM rules r
        WHERE r.name = v.rule_name AND r.current_version = v.version AND r.name = $1`,
      [name, JSON.stringify(ir)],
    );
    if (name === 'edge') expect(JSON.stringify(ir.guard)).toContain('"previous"');
  }

  async function outcomes(rule: string): Promise<Record<string, string>> {
    const { rows } = await h.database.db.query<{ event_id: string; outcome: string }>(
      'SELECT event_id, outcome FROM event_outcomes WHERE rule_name = $1',
      [rule],
    );
    return Object.fromEntries(rows.map((r) => [r.event_id, r.outcome]));
  }
  function counts(of: Record<string, string>): Record<string, number> {
    const out: Record<string, number> = {};
    for (const o of Object.values(of)) out[o] = (out[o] ?? 0) + 1;
    return out;
  }
  /** The input of every run of a rule, as Temporal recorded it at start. */
  async function runInputs(rule: string): Promise<RunInput[]> {
    const { rows } = await h.database.db.query<{ workflow_id: string; run_id: string }>(
      `SELECT DISTINCT workflow_id, run_id FROM event_outcomes
        WHERE rule_name = $1 AND run_id IS NOT NULL AND outcome IN ('started', 'throttled')`,
      [rule],
    );
    const inputs: RunInput[] = [];
    for (const r of rows) {
      const history = await h.client.workflow.getHandle(r.workflow_id, r.run_id).fetchHistory();
      const payload = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
      inputs.push(JSON.parse(Buffer.from(payload?.data ?? new Uint8Array()).toString('utf8')) as RunInput);
    }
    return inputs;
  }
  const calls = (rule: string): number[] =>
    h.calls.filter((c) => c.args.rule === rule).map((c) => c.args.n as number);

  it('debounce: a burst of 50 triggers starts 1 run with the 50 as `events`; a skipped trigger never joins', async () => {
    // Stored first, then routed in one go: the test is about the gate, not about a loaded machine.
    const router = h.router();
    const ids: string[] = [];
    for (let n = 0; n < 50; n++) {
      ids.push(`deb-${n}`);
      await h.store.ingest({ id: `deb-${n}`, type: 'deb.req', data: { k: 'A', n } });
      if (n === 10) await h.store.ingest({ id: 'deb-skip', type: 'deb.req', data: { k: 'A', n: -1 } });
    }
    router.start();
    await eventually(async () => expect(calls('debounced')).toEqual([49]), 60_000);
    const seen = await outcomes('debounced');
    expect(counts(seen)).toEqual({ started: 1, debounced: 49, skipped: 1 });
    expect(seen['deb-49']).toBe('started');
    const [input, ...more] = await runInputs('debounced');
    expect(more).toEqual([]);
    expect(input.trigger).toMatchObject({ kind: 'event', event: { id: 'deb-49' } });
    expect(input.events?.map((e) => e.id)).toEqual(ids);
    await router.stop();
  }, 120_000);

  it('batch: runs start at N collected, and `within` after the first for the rest', async () => {
    const router = h.router();
    router.start();
    for (let n = 0; n < 7; n++)
      await h.store.ingest({ id: `bat-${n}`, type: 'bat.req', data: { k: 'A', n } });
    await eventually(async () => expect(calls('batched').sort((a, b) => a - b)).toEqual([0, 3, 6]), 60_000);
    const seen = await outcomes('batched');
    expect(counts(seen)).toEqual({ started: 3, batched: 4 });
    const batches = (await runInputs('batched')).map((i) => i.events?.map((e) => e.data.n)).sort();
    expect(batches).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    await router.stop();
  }, 120_000);

  it('throttle: at most N starts per period per key, the rest held and started in order, none dropped', async () => {
    const router = h.router();
    router.start();
    for (let n = 0; n < 6; n++)
      await h.store.ingest({ id: `thr-${n}`, type: 'thr.req', data: { k: 'A', n } });
    await h.store.ingest({ id: 'thr-other', type: 'thr.req', data: { k: 'B', n: 100 } });
    await eventually(async () => expect(calls('throttled')).toHaveLength(7), 60_000);
    // Within the key, in order; the other key is not held behind it.
    expect(calls('throttled').filter((n) => n < 100)).toEqual([0, 1, 2, 3, 4, 5]);
    const seen = await outcomes('throttled');
    expect(counts(seen)).toEqual({ started: 3, throttled: 4 });
    expect(seen['thr-other']).toBe('started');
    await router.stop();
  }, 120_000);

  it('limit: 20 concurrent posts, routed by two routers at once, let exactly N through', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, n) =>
        h.store.ingest({ id: `lim-${n}`, type: 'lim.req', data: { k: 'A', n } }),
      ),
    );
    const [a, b] = [h.router({ batchSize: 5 }), h.router({ batchSize: 5 })];
    await Promise.all([a.drain(), b.drain()]);
    await eventually(async () =>
      expect(counts(await outcomes('limited'))).toEqual({ started: 3, limited: 17 }),
    );
    await eventually(async () => expect(calls('limited')).toHaveLength(3));
    const { rows } = await h.database.db.query('SELECT * FROM flow_limit_admissions WHERE rule_name = $1', [
      'limited',
    ]);
    expect(rows).toHaveLength(3);
  }, 120_000);

  it('previous: the guard and the run see the key’s last trigger, whatever its guard said', async () => {
    const router = h.router();
    for (const [id, k, n] of [
      ['p1', 'A', 5],
      ['p2', 'A', 3],
      ['p3', 'B', 1],
      ['p4', 'A', 7],
    ] as const) {
      await h.store.ingest({ id, type: 'prev.req', data: { k, n } });
    }
    await router.drain();
    const { rows: failed } = await h.database.db.query(
      `SELECT id, route_error FROM events WHERE route_error IS NOT NULL`,
    );
    expect(failed).toEqual([]);
    expect(await outcomes('edge')).toEqual({ p1: 'started', p2: 'skipped', p3: 'started', p4: 'started' });
    const byEvent = new Map(
      (await runInputs('edge')).map((i) => [(i.trigger as { event: { id: string } }).event.id, i]),
    );
    expect(byEvent.get('p1')?.previous).toBeNull();
    expect(byEvent.get('p3')?.previous).toBeNull();
    // p2 was skipped by the guard and still is p4's previous.
    expect(byEvent.get('p4')?.previous).toMatchObject({ id: 'p2', data: { k: 'A', n: 3 } });
    // Routed again (a crash before the claim committed), p4 gets the same previous.
    await h.database.db.query(`DELETE FROM event_outcomes WHERE event_id = 'p4'`);
    await h.database.db.query(`UPDATE events SET route_status = 'pending' WHERE id = 'p4'`);
    await router.drain();
    const { rows } = await h.database.db.query<{ event_id: string; previous: { id: string } }>(
      `SELECT event_id, previous FROM flow_previous WHERE rule_name = 'edge' AND key_text = 'A'`,
    );
    expect(rows[0]).toMatchObject({ event_id: 'p4', previous: { id: 'p2' } });
  }, 120_000);
  it('a window guard: counts the key’s events in the 10 minutes before the trigger’s time', async () => {
    const router = h.router();
    const at = (minutes: number): string =>
      new Date(Date.parse('2026-12-01T12:00:00Z') + minutes * 60_000).toISOString();
    const post = (id: string, k: string, minutes: number) =>
      h.store.ingest({ id, type: 'vel.req', time: at(minutes), data: { k, n: 1 } });
    await post('v-old', 'A', -30); // outside every window below
    await post('v-1', 'A', 0);
    await post('v-b', 'B', 1); // another key: pushed down, not counted for A
    await post('v-2', 'A', 2);
    await post('v-3', 'A', 5);
    await post('v-4', 'A', 11); // v-1 has left its window: v-2, v-3, v-4
    await post('v-5', 'A', 13); // v-2 has left: v-3, v-4, v-5
    await post('v-6', 'A', 40); // alone again
    await router.drain();
    const seen = await outcomes('velocity');
    expect(seen).toEqual({
      'v-old': 'skipped',
      'v-1': 'skipped',
      'v-b': 'skipped',
      'v-2': 'skipped',
      'v-3': 'started',
      'v-4': 'started',
      'v-5': 'started',
      'v-6': 'skipped',
    });
    const { rows } = await h.database.db.query<{ detail: string }>(
      `SELECT detail FROM event_outcomes WHERE rule_name = 'velocity' AND event_id = 'v-2'`,
    );
    // The explanation names the window's value.
    expect(rows[0].detail).toMatch(/was 2/);
  }, 120_000);
});
