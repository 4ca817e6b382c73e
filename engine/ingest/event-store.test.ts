import { freshDatabase, type FreshDatabase } from '../db/testing/fresh-database';
import { CausalDepthExceededError, EventValidationError } from '../errors';
import { RuleRegistry } from '../registry/registry';
import { EventStore, emittedEventId } from './event-store';

// Real PostgreSQL, one schema per test file.
const RULES = `event ticket.opened {
  ticket_id: string
  priority: string
  sla: duration?
}

rule note_ticket
  on ticket.opened
do
  log "opened \${event.ticket_id}"
end
`;

async function refusal(promise: Promise<unknown>): Promise<EventValidationError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof EventValidationError) return err;
    throw err;
  }
  throw new Error('expected the events to be refused');
}

describe('event store', () => {
  let fresh: FreshDatabase;
  let store: EventStore;

  beforeAll(async () => {
    fresh = await freshDatabase(25);
    await new RuleRegistry(fresh.db).deploy([{ path: 'tickets.rule', content: RULES }], { author: 'test' });
    store = new EventStore(fresh.db, { maxDataBytes: 2048, maxBatch: 10 });
  });
  afterAll(async () => {
    await fresh.drop();
  });

  async function stored(id: string): Promise<Record<string, unknown> | undefined> {
    const { rows } = await fresh.db.query('SELECT * FROM events WHERE id = $1', [id]);
    return rows[0];
  }

  it('stores a CloudEvent, the short form and a batch, with normalised data', async () => {
    const cloud = await store.ingest({
      specversion: '1.0',
      id: 'ce-1',
      source: 'helpdesk',
      type: 'ticket.opened',
      time: '2026-03-01T12:00:00+02:00',
      datacontenttype: 'application/json',
      data: { ticket_id: 'T-1', priority: 'high', sla: '4h' },
    });
    expect(cloud).toEqual([{ id: 'ce-1', type: 'ticket.opened', duplicate: false, declared: true }]);
    const row = await stored('ce-1');
    expect(row).toMatchObject({ source: 'helpdesk', route_status: 'pending', causal_depth: 0 });
    expect((row?.time as Date).toISOString()).toBe('2026-03-01T10:00:00.000Z');
    expect(row?.data).toEqual({ ticket_id: 'T-1', priority: 'high', sla: 4 * 3600_000 });

    const batch = await store.ingest([
      { id: 'short-1', type: 'ticket.opened', data: { ticket_id: 'T-2', priority: 'low' } },
      {
        specversion: '1.0',
        id: 'ce-2',
        source: 's',
        type: 'ticket.opened',
        data: { ticket_id: 'T-3', priority: 'low' },
      },
      { id: 'short-1', type: 'ticket.opened', data: { ticket_id: 'T-2', priority: 'low' } },
    ]);
    expect(batch.map((e) => [e.id, e.duplicate])).toEqual([
      ['short-1', false],
      ['ce-2', false],
      ['short-1', true],
    ]);
  });

  it('refuses a bad envelope or data with the failing fields, and stores nothing of the batch', async () => {
    const err = await refusal(
      store.ingest([
        { id: 'ok-1', type: 'ticket.opened', data: { ticket_id: 'T', priority: 'p' } },
        { specversion: '0.3', id: 'bad-1', type: 'ticket.opened', data: {} },
        { type: 'ticket.opened', data: { ticket_id: 5, priority: 'p' } },
        { id: 'bad-3', type: 'ticket.opened', data: 'text' },
      ]),
    );
    expect(err.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ index: 1, path: 'specversion' }),
        expect.objectContaining({ index: 2, path: 'id' }),
        expect.objectContaining({ index: 3, path: 'data' }),
      ]),
    );
    const schema = await refusal(
      store.ingest({ id: 'bad-4', type: 'ticket.opened', data: { ticket_id: 5 } }),
    );
    expect(schema.problems.map((p) => p.path).sort()).toEqual(['data.priority', 'data.ticket_id']);
    expect(await stored('ok-1')).toBeUndefined();
  });

  it('bounds data size and batch length', async () => {
    const big = await refusal(
      store.ingest({
        id: 'big',
        type: 'ticket.opened',
        data: { ticket_id: 'x'.repeat(3000), priority: 'p' },
      }),
    );
    expect(big.problems[0].message).toMatch(/more than the limit of 2048/);
    const many = Array.from({ length: 11 }, (_, i) => ({ id: `m${i}`, type: 'x.y', data: {} }));
    expect((await refusal(store.ingest(many))).problems[0].message).toMatch(/at most 10 events/);
  });

  it('refuses an undeclared type by default, with the closest declared one; stores it when asked', async () => {
    const err = await refusal(store.ingest({ id: 'u-2', type: 'ticket.opend', data: {} }));
    expect(err.problems).toEqual([
      {
        index: 0,
        path: 'type',
        code: 'unknown-event-type',
        didYouMean: 'ticket.opened',
        message: "no deployed rule declares event type ticket.opend; did you mean 'ticket.opened'?",
      },
    ]);
    const lenient = new EventStore(fresh.db, { unknownTypes: 'store' });
    expect(await lenient.ingest({ id: 'u-1', type: 'unknown.thing', data: { a: 1 } })).toEqual([
      { id: 'u-1', type: 'unknown.thing', duplicate: false, declared: false },
    ]);
    const { rows } = await fresh.db.query<{ declared: boolean }>(
      "SELECT declared FROM events WHERE id = 'u-1'",
    );
    expect(rows).toEqual([{ declared: false }]);
  });

  it('stores the same id posted 20 times at once exactly once', async () => {
    const event = { id: 'dup-1', type: 'ticket.opened', data: { ticket_id: 'T-9', priority: 'p' } };
    const results = await Promise.all(Array.from({ length: 20 }, () => store.ingest(event)));
    expect(results.filter((r) => !r[0].duplicate)).toHaveLength(1);
    const { rows } = await fresh.db.query<{ n: string }>(
      "SELECT count(*) AS n FROM events WHERE id = 'dup-1'",
    );
    expect(rows[0].n).toBe('1');
  });

  it('stores emitted events idempotently by key, with their depth, and refuses past the bound', async () => {
    const emitted = {
      type: 'ticket.opened',
      data: { ticket_id: 'T-E', priority: 'p' },
      causalDepth: 3,
      idempotencyKey: 'wf/run/s4#1',
      source: { rule: 'r', runId: 'run-1' },
    };
    const first = await store.storeEmitted(emitted);
    const second = await store.storeEmitted(emitted);
    expect(first).toEqual({ eventId: emittedEventId('wf/run/s4#1') });
    expect(second).toEqual(first);
    expect(await stored(first.eventId)).toMatchObject({ causal_depth: 3, source: 'opsflow:rule/r' });
    await expect(
      store.storeEmitted({ ...emitted, causalDepth: 8, idempotencyKey: 'k8' }),
    ).resolves.toBeDefined();
    await expect(
      store.storeEmitted({ ...emitted, causalDepth: 9, idempotencyKey: 'k9' }),
    ).rejects.toBeInstanceOf(CausalDepthExceededError);
    await expect(
      store.storeEmitted({ ...emitted, data: { ticket_id: 1 }, idempotencyKey: 'k-bad' }),
    ).rejects.toBeInstanceOf(EventValidationError);
  });
});
