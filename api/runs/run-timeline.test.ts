import type { TimelineEntry } from '../../workflows/contract';
import { timelineSteps } from './run-timeline';

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 8, 0, s)).toISOString();
const place = (line: number, column = 3) => ({ file: 'shop.rule', line, column });
const entry = (s: number, kind: TimelineEntry['kind'], detail: string, line?: number): TimelineEntry => ({
  at: at(s),
  kind,
  detail,
  ...(line !== undefined ? { source: place(line) } : {}),
});
const running = { closedAt: null, now: Date.parse(at(100)) };

describe('a run timeline as steps with a start and an end', () => {
  it('pairs a call with its result, a wait with its event, an approval with its decision', () => {
    const steps = timelineSteps(
      [
        entry(0, 'started', 'event order.placed e-1', 1),
        entry(1, 'call', 'shop.charge', 5),
        entry(3, 'call_result', 'shop.charge → {"id":"ch-1"}', 5),
        entry(4, 'wait', 'waiting for payment.settled', 6),
        entry(9, 'event', 'payment.settled e-2', 6),
        entry(10, 'approval_requested', 'Ship it?', 7),
        entry(20, 'approval', 'approved by key:ops: ok', 7),
        entry(21, 'log', 'done', 8),
      ],
      running,
    );
    expect(steps.map((s) => [s.kind, s.status, s.startedAt, s.endedAt, s.where, s.detail])).toEqual([
      ['started', 'done', at(0), at(0), 'shop.rule:1', 'event order.placed e-1'],
      ['call', 'done', at(1), at(3), 'shop.rule:5', 'shop.charge → {"id":"ch-1"}'],
      ['wait', 'done', at(4), at(9), 'shop.rule:6', 'payment.settled e-2'],
      ['approve', 'done', at(10), at(20), 'shop.rule:7', 'approved by key:ops: ok'],
      ['log', 'done', at(21), at(21), 'shop.rule:8', 'done'],
    ]);
    expect(steps[1].source).toEqual(place(5));
    expect(steps[1].at).toBe(steps[1].startedAt);
  });

  it('keeps steps open while they go on, and ends them when the run closed', () => {
    const entries = [entry(1, 'call', 'shop.charge', 5), entry(2, 'approval_requested', 'Ship it?', 7)];
    expect(timelineSteps(entries, running).map((s) => [s.status, s.endedAt])).toEqual([
      ['running', null],
      ['running', null],
    ]);
    const closed = timelineSteps(entries, { closedAt: at(30), now: Date.parse(at(100)) });
    expect(closed.map((s) => [s.status, s.endedAt])).toEqual([
      ['cancelled', at(30)],
      ['cancelled', at(30)],
    ]);
  });

  it('marks failed calls, timeouts and errors; pairs a loop’s repeats in order', () => {
    const steps = timelineSteps(
      [
        entry(1, 'call', 'shop.note', 4),
        entry(2, 'call_result', 'first', 4),
        entry(3, 'call', 'shop.note', 4),
        entry(4, 'call_failed', 'action shop.note failed: 503', 4),
        entry(5, 'approval_requested', 'Ship it?', 7),
        entry(9, 'timeout', 'no decision in time', 7),
        entry(10, 'error', 'rule shop failed at shop.rule:4', 4),
      ],
      running,
    );
    expect(steps.map((s) => [s.kind, s.status, s.endedAt])).toEqual([
      ['call', 'done', at(2)],
      ['call', 'failed', at(4)],
      ['approve', 'timed_out', at(9)],
      ['error', 'failed', at(10)],
    ]);
  });

  it('ends a sleep at the time it sleeps until, once that has passed', () => {
    const sleep = entry(1, 'sleep', `sleep 1m (until ${at(61)})`, 3);
    expect(timelineSteps([sleep], { closedAt: null, now: Date.parse(at(30)) })[0]).toEqual(
      expect.objectContaining({ kind: 'sleep', status: 'running', endedAt: null }),
    );
    expect(timelineSteps([sleep], { closedAt: null, now: Date.parse(at(90)) })[0]).toEqual(
      expect.objectContaining({ kind: 'sleep', status: 'done', endedAt: at(61) }),
    );
    const passed = entry(1, 'sleep', 'sleep until 2020-01-01T00:00:00.000Z: the time has passed, no wait', 3);
    expect(timelineSteps([passed], running)[0]).toEqual(
      expect.objectContaining({ status: 'done', endedAt: at(1) }),
    );
  });

  it('makes a step of an event taken at once, without a wait before it', () => {
    expect(timelineSteps([entry(2, 'event', 'payment.settled e-2', 6)], running)[0]).toEqual(
      expect.objectContaining({ kind: 'wait', status: 'done', startedAt: at(2), endedAt: at(2) }),
    );
  });
});
