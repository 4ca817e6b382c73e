/**
 * Flow control per key for `opsflow test` (LANGUAGE.md §9), on the test's clock. The decisions
 * are the engine's own (`workflows/gate-logic.ts`, the pure core of the gate workflow): this
 * module only keeps one gate state per key and turns the decisions into outcomes and starts.
 * `limit` alone needs no gate in the engine (a counter in the routing transaction); the same
 * logic decides it here.
 */
import type { FlowControlIR } from '../../dsl';
import {
  gateTime,
  gateTrigger,
  gateWake,
  initialGateState,
  type GateDecision as EngineDecision,
  type GateState,
  type GateStep,
} from '../../workflows/gate-logic';

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
   * Start a run now for `key` with `trigger` (and `events`, oldest first). `held`: throttle made
   * it wait, so its trigger's outcome is `throttled`, not `started`.
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

/** The gate of one rule's flow control (every trigger passes straight on without one). */
export function createFlowGate<E>(flow: FlowControlIR | undefined): FlowGate<E> {
  const states = new Map<string, GateState<GateTrigger<E>>>();
  const convert = (key: string, step: GateStep<GateTrigger<E>>): GateDecision<E>[] => {
    states.set(key, step.state);
    return step.decisions.flatMap((d) => decisions(key, d));
  };
  return {
    trigger(key, t) {
      if (!flow || (!flow.debounce && !flow.batch && !flow.throttle && !flow.limit)) {
        return [{ kind: 'start', key, trigger: t, events: [t], held: false }];
      }
      const state = states.get(key) ?? initialGateState<GateTrigger<E>>();
      return convert(key, gateTrigger(flow, state, { id: t.id, item: t }, t.at));
    },
    nextDue() {
      if (!flow) return undefined;
      let next: number | undefined;
      for (const state of states.values()) {
        const at = gateWake(flow, state).at;
        if (at !== undefined && (next === undefined || at < next)) next = at;
      }
      return next;
    },
    due(now) {
      if (!flow) return [];
      return [...states].flatMap(([key, state]) => convert(key, gateTime(flow, state, now)));
    },
  };
}

function decisions<E>(key: string, d: EngineDecision<GateTrigger<E>>): GateDecision<E>[] {
  const { candidate } = d;
  const merged: GateDecision<E>[] = candidate.merged
    ? candidate.events
        .filter((e) => e.id !== candidate.event.id)
        .map((e) => ({ kind: 'outcome', id: e.id, outcome: candidate.merged! }))
    : [];
  if (d.kind === 'limited')
    return [...merged, { kind: 'outcome', id: candidate.event.id, outcome: 'limited' }];
  return [
    ...merged,
    {
      kind: 'start',
      key,
      trigger: candidate.event.item,
      events: candidate.events.map((e) => e.item),
      held: d.held,
    },
  ];
}
