/**
 * Flow control per key for `opsflow test` (LANGUAGE.md §9): debounce / batch collect triggers into
 * one start, then throttle / limit decide when (or whether) that start happens. Pure and driven by
 * the test's clock, so a test of a debounced rule needs no gate workflow.
 *
 * Behind `FlowGate` on purpose: the engine's gate (v2-router's) makes the same decisions durably;
 * the test runner uses this one until both share one decision function.
 */
import type { FlowControlIR } from '../../dsl';

/** A trigger that passed its guard, with its routing time (ms). */
export interface GateTrigger<E> {
  readonly id: string;
  readonly at: number;
  readonly event: E;
}

/** What the gate decided. */
export type GateDecision<E> =
  /** `id` joined a burst or batch that started with another event, or was dropped by `limit`. */
  | { readonly kind: 'outcome'; readonly id: string; readonly outcome: 'debounced' | 'batched' | 'limited' }
  /**
   * Start a run now for `key` with `event` (and `events`, oldest first). `held`: throttle made it
   * wait, so its trigger's outcome is `throttled`, not `started`.
   */
  | {
      readonly kind: 'start';
      readonly key: string;
      readonly trigger: GateTrigger<E>;
      readonly events: readonly GateTrigger<E>[];
      readonly held: boolean;
    };

/** The gate's interface, as the runner uses it. */
export interface FlowGate<E> {
  /** A trigger for `key` at `t.at`: what happens at once. */
  trigger(key: string, t: GateTrigger<E>): GateDecision<E>[];
  /** When the gate next has something to do (a burst settles, a batch times out, a slot frees). */
  nextDue(): number | undefined;
  /** What happens at `now` (call when `nextDue() <= now`). */
  due(now: number): GateDecision<E>[];
}

interface KeyState<E> {
  collected: GateTrigger<E>[];
  /** Start times, for throttle and limit (sliding window). */
  starts: number[];
  /** Throttle: starts waiting for a slot, in order. */
  waiting: { trigger: GateTrigger<E>; events: GateTrigger<E>[] }[];
}

/** The gate of one rule's flow control. */
export function createFlowGate<E>(flow: FlowControlIR | undefined): FlowGate<E> {
  const keys = new Map<string, KeyState<E>>();
  const state = (key: string): KeyState<E> => {
    let s = keys.get(key);
    if (!s) keys.set(key, (s = { collected: [], starts: [], waiting: [] }));
    return s;
  };
  const rate = flow?.throttle ?? flow?.limit;

  /** Starts that happened in the window ending at `now`. */
  const recent = (s: KeyState<E>, now: number): number =>
    rate ? s.starts.filter((t) => t > now - rate.perMs).length : 0;

  const request = (
    key: string,
    s: KeyState<E>,
    trigger: GateTrigger<E>,
    events: GateTrigger<E>[],
    now: number,
  ): GateDecision<E>[] => {
    if (rate && (s.waiting.length > 0 || recent(s, now) >= rate.runs)) {
      if (flow?.limit) return [{ kind: 'outcome', id: trigger.id, outcome: 'limited' }];
      s.waiting.push({ trigger, events });
      return [];
    }
    s.starts.push(now);
    return [{ kind: 'start', key, trigger, events, held: false }];
  };

  const burstDue = (s: KeyState<E>): number | undefined => {
    if (s.collected.length === 0) return undefined;
    const first = s.collected[0].at;
    const last = s.collected[s.collected.length - 1].at;
    if (flow?.debounce) {
      const quiet = last + flow.debounce.quietMs;
      return flow.debounce.maxMs !== undefined ? Math.min(quiet, first + flow.debounce.maxMs) : quiet;
    }
    if (flow?.batch?.withinMs !== undefined) return first + flow.batch.withinMs;
    return undefined;
  };

  const slotDue = (s: KeyState<E>): number | undefined => {
    if (!rate || s.waiting.length === 0) return undefined;
    const inWindow = s.starts.slice(-rate.runs);
    return inWindow.length < rate.runs ? 0 : inWindow[0] + rate.perMs;
  };

  /** A burst or batch ends: one start with its chosen event. */
  const release = (key: string, s: KeyState<E>, now: number): GateDecision<E>[] => {
    const events = s.collected;
    s.collected = [];
    const chosen = flow?.debounce ? events[events.length - 1] : events[0];
    const outcome = flow?.debounce ? 'debounced' : 'batched';
    const others: GateDecision<E>[] = events
      .filter((e) => e !== chosen)
      .map((e) => ({ kind: 'outcome', id: e.id, outcome }));
    return [...others, ...request(key, s, chosen, events, now)];
  };

  return {
    trigger(key, t) {
      const s = state(key);
      if (flow?.debounce || flow?.batch) {
        s.collected.push(t);
        if (flow.batch && s.collected.length >= flow.batch.size) return release(key, s, t.at);
        return [];
      }
      return request(key, s, t, [t], t.at);
    },
    nextDue() {
      let next: number | undefined;
      for (const s of keys.values()) {
        for (const due of [burstDue(s), slotDue(s)]) {
          if (due !== undefined && (next === undefined || due < next)) next = due;
        }
      }
      return next;
    },
    due(now) {
      const out: GateDecision<E>[] = [];
      for (const [key, s] of keys) {
        const burst = burstDue(s);
        if (burst !== undefined && burst <= now) out.push(...release(key, s, now));
        while (rate && s.waiting.length > 0 && recent(s, now) < rate.runs) {
          const next = s.waiting.shift()!;
          s.starts.push(now);
          out.push({ kind: 'start', key, trigger: next.trigger, events: next.events, held: true });
        }
      }
      return out;
    },
  };
}
