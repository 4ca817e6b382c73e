import { callOptions, DEFAULT_CALL_ATTEMPTS, DEFAULT_CALL_TIMEOUT_MS, NON_RETRYABLE_TYPES } from './actions';
import { ApprovalDesk, checkDecision, decisionValue } from './approvals';
import { BUFFER_LIMIT, EventBuffer, checkEvent } from './event-buffer';
import { TIMELINE_DETAIL_LIMIT, TIMELINE_LIMIT, Timeline } from './timeline';
import { displayText } from './values';

// The interpreter's pure parts, without a Temporal server (the workflow itself is tested on the
// time-skipping server in the other workflows/*.test.ts files).

const event = (id: string, type = 'payment.settled', data: Record<string, unknown> = { n: 1 }) => ({
  id,
  type,
  time: '2025-01-01T00:00:00Z',
  data,
});

describe('call options', () => {
  it('maps a call retry and timeout onto the activity retry policy', () => {
    expect(
      callOptions({ retry: { attempts: 5, initialIntervalMs: 30_000, backoff: 2 }, timeoutMs: 120_000 }),
    ).toEqual({
      startToCloseTimeout: 120_000,
      retry: {
        maximumAttempts: 5,
        initialInterval: 30_000,
        backoffCoefficient: 2,
        nonRetryableErrorTypes: [...NON_RETRYABLE_TYPES],
      },
    });
  });

  it('uses the defaults when the call says nothing', () => {
    const options = callOptions({});
    expect(options.startToCloseTimeout).toBe(DEFAULT_CALL_TIMEOUT_MS);
    expect(options.retry).toMatchObject({
      maximumAttempts: DEFAULT_CALL_ATTEMPTS,
      initialInterval: 1000,
      backoffCoefficient: 2,
    });
    expect(NON_RETRYABLE_TYPES).not.toContain('ActionUnavailable');
  });

  it('never gives Temporal a backoff below 1', () => {
    expect(
      callOptions({ retry: { attempts: 3, initialIntervalMs: 10, backoff: 0.5 } }).retry?.backoffCoefficient,
    ).toBe(1);
  });
});

describe('event buffer', () => {
  it('keeps events in arrival order, deduplicated by id, and consumes the first that fits', () => {
    const buffer = new EventBuffer();
    buffer.markSeen('trigger');
    expect(buffer.deliver(event('trigger')).kind).toBe('duplicate');
    expect(buffer.deliver(event('a', 'payment.settled', { n: 1 })).kind).toBe('accepted');
    expect(buffer.deliver(event('b', 'other.type', { n: 2 })).kind).toBe('accepted');
    expect(buffer.deliver(event('c', 'payment.settled', { n: 3 })).kind).toBe('accepted');
    expect(buffer.deliver(event('a', 'payment.settled', { n: 9 })).kind).toBe('duplicate');
    expect(buffer.take('payment.settled', (e) => e.data['n'] === 3)?.id).toBe('c');
    expect(buffer.take('payment.settled', () => true)?.id).toBe('a');
    expect(buffer.take('payment.settled', () => true)).toBeUndefined();
    expect(buffer.size).toBe(1);
  });

  it('refuses malformed and forged events', () => {
    expect(checkEvent({ id: 'x', type: 't', time: 'now', data: [] })).toContain('data must be an object');
    expect(checkEvent(event('x', 't', { nested: [{ $secret: 'K' }] }))).toContain('secret marker');
    expect(new EventBuffer().deliver('nope')).toEqual({
      kind: 'rejected',
      reason: 'an event must be an object',
    });
  });

  it('stays bounded and survives a snapshot', () => {
    const buffer = new EventBuffer();
    for (let i = 0; i <= BUFFER_LIMIT; i++) buffer.deliver(event(`e${i}`));
    expect(buffer.size).toBe(BUFFER_LIMIT);
    expect(buffer.dropped).toBe(1);
    const copy = new EventBuffer(buffer.snapshot());
    expect(copy.deliver(event('e5')).kind).toBe('duplicate');
    expect(copy.take('payment.settled', () => true)?.id).toBe('e1');
  });
});

describe('timeline', () => {
  it('keeps the latest entries and counts the dropped ones', () => {
    const timeline = new Timeline();
    for (let i = 0; i < TIMELINE_LIMIT + 3; i++) timeline.add('log', `line ${i}`);
    expect(timeline.list()).toHaveLength(TIMELINE_LIMIT);
    expect(timeline.list()[0].detail).toBe('line 3');
    expect(timeline.dropped).toBe(3);
    expect(new Timeline(timeline.snapshot()).dropped).toBe(3);
  });

  it('cuts long details', () => {
    const timeline = new Timeline();
    timeline.add('log', 'x'.repeat(TIMELINE_DETAIL_LIMIT * 2));
    expect(timeline.list()[0].detail).toHaveLength(TIMELINE_DETAIL_LIMIT);
  });
});

describe('approvals', () => {
  it('answers the oldest open approval, once', () => {
    const desk = new ApprovalDesk();
    expect(desk.canDecide()).toBe(false);
    const first = desk.request('first?', 'ops', undefined);
    const second = desk.request('second?', undefined, undefined);
    expect(desk.decide({ approved: true, by: 'ann' }, Date.parse('2025-01-01T00:00:00Z'))).toBe(true);
    expect(first.decision).toEqual({
      approved: true,
      by: 'ann',
      comment: null,
      at: '2025-01-01T00:00:00.000Z',
    });
    expect(second.decision).toBeUndefined();
    expect(desk.waiting()).toEqual([second]);
  });

  it('checks decisions from outside', () => {
    expect(checkDecision({ approved: 'yes' })).toContain("'approved'");
    expect(checkDecision({ approved: true, at: 'tomorrow' })).toContain("'at'");
    expect(
      checkDecision({ approved: false, by: 'bo', comment: 'no', at: '2025-01-01T10:00:00+02:00' }),
    ).toBeUndefined();
    expect(decisionValue({ approved: false, at: '2025-01-01T10:00:00+02:00' }, 0)).toEqual({
      approved: false,
      by: 'unknown',
      comment: null,
      at: '2025-01-01T08:00:00.000Z',
    });
  });
});

describe('display text', () => {
  it('never shows a secret', () => {
    expect(displayText({ $secret: 'API_KEY' })).toBe('***');
    expect(displayText({ $template: ['Bearer ', { $secret: 'API_KEY' }] })).toBe('Bearer ***');
    expect(displayText({ auth: { $secret: 'API_KEY' }, n: 1 })).toBe('{"auth":"***","n":1}');
    expect(displayText('plain')).toBe('plain');
    expect(displayText(null)).toBe('null');
  });
});
