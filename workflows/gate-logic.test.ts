import fc from 'fast-check';
import type { FlowControlIR } from '../dsl/runtime';
import {
  gateTime,
  gateTrigger,
  gateWake,
  initialGateState,
  needsGate,
  type GateDecision,
  type GateState,
} from './gate-logic';

/** Runs a timeline of triggers (id at time) through a gate, firing its timers as a host would. */
function simulate(flow: FlowControlIR, arrivals: readonly { id: string; at: number }[], until = 1e9) {
  let state: GateState<string> = initialGateState();
  const decided: { at: number; decision: GateDecision<string> }[] = [];
  const apply = (
    step: { state: GateState<string>; decisions: readonly GateDecision<string>[] },
    at: number,
  ) => {
    state = step.state;
    for (const decision of step.decisions) decided.push({ at, decision });
  };
  const fireUntil = (limit: number) => {
    for (;;) {
      const wake = gateWake(flow, state);
      if (wake.at === undefined || wake.at > limit) return;
      apply(gateTime(flow, state, wake.at), wake.at);
    }
  };
  for (const a of arrivals) {
    fireUntil(a.at);
    apply(gateTrigger(flow, state, { id: a.id, item: a.id }, a.at), a.at);
  }
  fireUntil(until);
  return { decided, state };
}

const starts = (d: ReturnType<typeof simulate>['decided']) =>
  d
    .filter((x) => x.decision.kind === 'start')
    .map((x) => ({ at: x.at, event: x.decision.candidate.event.id }));

describe('gate decisions', () => {
  it('needs a gate for debounce, batch and throttle, not for limit alone', () => {
    expect(needsGate(undefined)).toBe(false);
    expect(needsGate({ limit: { runs: 1, perMs: 1000 } })).toBe(false);
    expect(needsGate({ debounce: { quietMs: 1 } })).toBe(true);
    expect(needsGate({ batch: { size: 2 } })).toBe(true);
    expect(needsGate({ throttle: { runs: 1, perMs: 1 } })).toBe(true);
  });

  it('debounce: one run per burst, after the quiet period, with the last trigger as event and all as events', () => {
    const { decided } = simulate({ debounce: { quietMs: 30 } }, [
      { id: 'a', at: 0 },
      { id: 'b', at: 10 },
      { id: 'c', at: 35 },
      { id: 'd', at: 100 },
    ]);
    expect(starts(decided)).toEqual([
      { at: 65, event: 'c' },
      { at: 130, event: 'd' },
    ]);
    const first = decided[0].decision;
    expect(first.candidate.events.map((t) => t.id)).toEqual(['a', 'b', 'c']);
    expect(first.candidate.merged).toBe('debounced');
  });

  it('debounce max: a burst that never settles still starts at first + max', () => {
    const arrivals = Array.from({ length: 20 }, (_, i) => ({ id: `e${i}`, at: i * 10 }));
    const { decided } = simulate({ debounce: { quietMs: 30, maxMs: 100 } }, arrivals);
    // The timer at first + max comes before a trigger at the same moment, which opens the next burst.
    expect(starts(decided)[0]).toEqual({ at: 100, event: 'e9' });
  });

  it('batch: starts at N, or within after the first, with the first trigger as event', () => {
    const { decided } = simulate({ batch: { size: 3, withinMs: 50 } }, [
      { id: 'a', at: 0 },
      { id: 'b', at: 1 },
      { id: 'c', at: 2 },
      { id: 'd', at: 10 },
    ]);
    expect(starts(decided)).toEqual([
      { at: 2, event: 'a' },
      { at: 60, event: 'd' },
    ]);
    expect(decided[1].decision.candidate.events.map((t) => t.id)).toEqual(['d']);
  });

  it('batch without within waits for N', () => {
    const { decided, state } = simulate({ batch: { size: 3 } }, [
      { id: 'a', at: 0 },
      { id: 'b', at: 1000 },
    ]);
    expect(decided).toEqual([]);
    expect(state.collecting?.triggers).toHaveLength(2);
    expect(gateWake({ batch: { size: 3 } }, state)).toEqual({});
  });

  it('a trigger routed twice is taken once', () => {
    const { decided } = simulate({ debounce: { quietMs: 10 } }, [
      { id: 'a', at: 0 },
      { id: 'a', at: 5 },
    ]);
    expect(decided[0].decision.candidate.events.map((t) => t.id)).toEqual(['a']);
  });

  it('limit inside a gate drops what the period has no room for', () => {
    const { decided } = simulate({ debounce: { quietMs: 1 }, limit: { runs: 1, perMs: 100 } }, [
      { id: 'a', at: 0 },
      { id: 'b', at: 10 },
      { id: 'c', at: 200 },
    ]);
    expect(decided.map((d) => `${d.decision.kind}:${d.decision.candidate.event.id}`)).toEqual([
      'start:a',
      'limited:b',
      'start:c',
    ]);
  });

  it('the gate may end once nothing is held and its period is over', () => {
    const flow: FlowControlIR = { throttle: { runs: 1, perMs: 100 } };
    const { state } = simulate(flow, [{ id: 'a', at: 5 }]);
    expect(gateWake(flow, state)).toEqual({ idleAt: 105 });
    expect(gateWake({ debounce: { quietMs: 1 } }, initialGateState())).toEqual({ idleAt: 0 });
  });

  it('throttle (property): never more than N starts in any period, in arrival order, none dropped', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 200 }),
        fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 40 }),
        (runs, perMs, gaps) => {
          let at = 0;
          const arrivals = gaps.map((gap, i) => ({ id: `e${i}`, at: (at += gap) }));
          const flow: FlowControlIR = { throttle: { runs, perMs } };
          const s = starts(simulate(flow, arrivals).decided);
          expect(s.map((x) => x.event)).toEqual(arrivals.map((a) => a.id));
          for (const x of s)
            expect(s.filter((y) => y.at > x.at - perMs && y.at <= x.at).length).toBeLessThanOrEqual(runs);
          // No start is later than needed: each waits only for its own arrival or for a slot.
          s.forEach((x, i) => {
            const arrival = arrivals[i].at;
            const slot = i >= runs ? s[i - runs].at + perMs : 0;
            expect(x.at).toBe(Math.max(arrival, slot));
          });
        },
      ),
    );
  });

  it('debounce (property): every trigger lands in exactly one run, in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
        fc.array(fc.integer({ min: 0, max: 80 }), { maxLength: 40 }),
        (quietMs, maxMs, gaps) => {
          let at = 0;
          const arrivals = gaps.map((gap, i) => ({ id: `e${i}`, at: (at += gap) }));
          const flow: FlowControlIR = { debounce: { quietMs, ...(maxMs !== undefined ? { maxMs } : {}) } };
          const runs = simulate(flow, arrivals).decided.map((d) => d.decision.candidate);
          expect(runs.flatMap((r) => r.events.map((t) => t.id))).toEqual(arrivals.map((a) => a.id));
          for (const r of runs) expect(r.event.id).toBe(r.events[r.events.length - 1].id);
        },
      ),
    );
  });
});
