import { createActivities } from './index';
import { depsWith, failureOf } from './testing/helpers';
import type { EmitEvent, EmitInput, EmittedEvent } from './contract';

/** An in-memory event store with the engine's contract: idempotent by key. */
function store(): { events: EmittedEvent[]; emitEvent: EmitEvent } {
  const events: EmittedEvent[] = [];
  const ids = new Map<string, string>();
  return {
    events,
    emitEvent: (event) => {
      const existing = ids.get(event.idempotencyKey);
      if (existing) return Promise.resolve({ eventId: existing });
      const eventId = `evt-${events.length + 1}`;
      ids.set(event.idempotencyKey, eventId);
      events.push(event);
      return Promise.resolve({ eventId });
    },
  };
}

const input = (data: Record<string, unknown>, idempotencyKey = 'run-1/step-7'): EmitInput => ({
  type: 'promo.started',
  data,
  causalDepth: 2,
  idempotencyKey,
  rule: 'launch_promo',
  runId: 'run-1',
});

describe('emit', () => {
  it('hands the event to the engine with type, data, causal depth, key and source', async () => {
    const s = store();
    const { emit } = createActivities(depsWith({ emitEvent: s.emitEvent }));
    const first = await emit(input({ sku: 'A', pct: 15 }));
    const again = await emit(input({ sku: 'A', pct: 15 }));
    expect(first).toEqual({ eventId: 'evt-1' });
    expect(again).toEqual(first);
    expect(s.events).toEqual([
      {
        type: 'promo.started',
        data: { sku: 'A', pct: 15 },
        causalDepth: 2,
        idempotencyKey: 'run-1/step-7',
        source: { rule: 'launch_promo', runId: 'run-1' },
      },
    ]);
  });

  it('refuses secrets in event data and malformed input, for good', async () => {
    const s = store();
    const { emit } = createActivities(depsWith({ emitEvent: s.emitEvent }));
    const secret = await failureOf(emit(input({ token: { $secret: 'T' } })));
    expect([secret.type, secret.nonRetryable]).toEqual(['SecretNotAllowed', true]);
    const bad = await failureOf(emit({ ...input({}), causalDepth: -1 }));
    expect(bad.type).toBe('InvalidInput');
    expect(s.events).toHaveLength(0);
  });

  it('fails for good without an event store, and retryably when the store fails', async () => {
    const none = await failureOf(createActivities(depsWith({})).emit(input({})));
    expect([none.type, none.nonRetryable]).toEqual(['NotConfigured', true]);
    const down = createActivities(
      depsWith({ emitEvent: () => Promise.reject(new Error('connection terminated')) }),
    );
    const failure = await failureOf(down.emit(input({})));
    expect([failure.type, failure.nonRetryable]).toEqual(['ActionUnavailable', false]);
  });
});
