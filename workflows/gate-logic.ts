/**
 * What a flow-control gate does with a trigger or with the passing of time (LANGUAGE.md §9), as
 * pure functions over plain data: the gate workflow (`gate.ts`) keeps the state in its history,
 * and `opsflow test` can run the same decisions on its own clock. No I/O, no clock of its own.
 *
 * Stage 1 collects (`debounce`, `batch`) or passes each trigger on; stage 2 lets a collected
 * candidate start now, holds it in order (`throttle`) or drops it (`limit`).
 */
import type { FlowControlIR } from '../dsl/runtime';

/** One trigger as a gate keeps it; `T` is whatever the host carries (the engine: a RunEvent). */
export interface GateTrigger<T> {
  readonly id: string;
  readonly item: T;
}

/** A run to start: `event` becomes the run's `event`, `events` its `events` (oldest first). */
export interface GateCandidate<T> {
  readonly event: GateTrigger<T>;
  readonly events: readonly GateTrigger<T>[];
  /** The outcome of the candidate's other triggers: `debounced`, `batched`, or none. */
  readonly merged?: 'debounced' | 'batched';
}

/** What the host must do now. `held`: the candidate waited for `throttle` (outcome `throttled`). */
export type GateDecision<T> =
  | { readonly kind: 'start'; readonly candidate: GateCandidate<T>; readonly held: boolean }
  | { readonly kind: 'limited'; readonly candidate: GateCandidate<T> };

/** A gate's state: plain JSON, carried across continue-as-new. Times in epoch ms. */
export interface GateState<T> {
  readonly collecting?: {
    readonly triggers: readonly GateTrigger<T>[];
    readonly firstAt: number;
    readonly lastAt: number;
  };
  /** Candidates waiting for `throttle`, in order. */
  readonly held: readonly GateCandidate<T>[];
  /** When the runs of the last `throttle`/`limit` period started. */
  readonly starts: readonly number[];
  /** Ids of the triggers seen lately: a trigger routed twice (after a crash) is taken once. */
  readonly seen: readonly string[];
}

export interface GateStep<T> {
  readonly state: GateState<T>;
  readonly decisions: readonly GateDecision<T>[];
}

/** How many trigger ids a gate remembers for de-duplication. */
const SEEN_LIMIT = 1000;

export function initialGateState<T>(): GateState<T> {
  return { held: [], starts: [], seen: [] };
}

/** True when the flow control needs a gate (held or collected triggers); `limit` alone does not. */
export function needsGate(flow: FlowControlIR | undefined): boolean {
  return !!flow && !!(flow.debounce || flow.batch || flow.throttle);
}

/** A trigger arrives at `now`. */
export function gateTrigger<T>(
  flow: FlowControlIR,
  state: GateState<T>,
  trigger: GateTrigger<T>,
  now: number,
): GateStep<T> {
  // What was due before this trigger happens first: a burst whose quiet period is over is closed.
  const before = gateTime(flow, state, now);
  if (isKnown(before.state, trigger.id)) return before;
  const seen = [...before.state.seen, trigger.id].slice(-SEEN_LIMIT);
  let after: GateStep<T>;
  if (flow.debounce || flow.batch) {
    const c = before.state.collecting;
    const collecting = c
      ? { triggers: [...c.triggers, trigger], firstAt: c.firstAt, lastAt: now }
      : { triggers: [trigger], firstAt: now, lastAt: now };
    after = gateTime(flow, { ...before.state, collecting, seen }, now);
  } else {
    after = admit(flow, { ...before.state, seen }, { event: trigger, events: [trigger] }, now);
  }
  return { state: after.state, decisions: [...before.decisions, ...after.decisions] };
}

/** Time passed: closes a due burst or batch and starts held candidates the period allows. */
export function gateTime<T>(flow: FlowControlIR, state: GateState<T>, now: number): GateStep<T> {
  const decisions: GateDecision<T>[] = [];
  let current = release(flow, state, now, decisions);
  const due = collectingDue(flow, current);
  if (due !== undefined && due <= now && current.collecting) {
    const { triggers } = current.collecting;
    const candidate: GateCandidate<T> = flow.debounce
      ? { event: triggers[triggers.length - 1], events: triggers, merged: 'debounced' }
      : { event: triggers[0], events: triggers, merged: 'batched' };
    const { collecting: _closed, ...rest } = current;
    const step = admit(flow, rest, candidate, now);
    decisions.push(...step.decisions);
    current = step.state;
  }
  return { state: current, decisions };
}

/**
 * When the host must call `gateTime` next, or undefined when nothing waits. `idleAt`: when the
 * gate holds nothing and its `throttle`/`limit` period is over, so it may end.
 */
export function gateWake<T>(
  flow: FlowControlIR,
  state: GateState<T>,
): { readonly at?: number; readonly idleAt?: number } {
  const due = collectingDue(flow, state);
  const rate = flow.throttle ?? flow.limit;
  const heldAt = state.held.length > 0 && rate ? nextSlot(rate, state.starts) : undefined;
  const at = minDefined(due, heldAt);
  if (at !== undefined || state.collecting || state.held.length > 0) return at === undefined ? {} : { at };
  const lastStart = state.starts[state.starts.length - 1];
  return { idleAt: rate && lastStart !== undefined ? lastStart + rate.perMs : 0 };
}

function isKnown<T>(state: GateState<T>, id: string): boolean {
  return state.seen.includes(id);
}

/** When the open burst or batch closes (debounce: quiet or max; batch: size or within). */
function collectingDue<T>(flow: FlowControlIR, state: GateState<T>): number | undefined {
  const c = state.collecting;
  if (!c) return undefined;
  if (flow.debounce) {
    const quiet = c.lastAt + flow.debounce.quietMs;
    return flow.debounce.maxMs !== undefined ? Math.min(quiet, c.firstAt + flow.debounce.maxMs) : quiet;
  }
  if (flow.batch) {
    if (c.triggers.length >= flow.batch.size) return c.lastAt;
    return flow.batch.withinMs !== undefined ? c.firstAt + flow.batch.withinMs : undefined;
  }
  return c.lastAt;
}

/** Stage 2 for one candidate: start it, hold it (`throttle`) or drop it (`limit`). */
function admit<T>(
  flow: FlowControlIR,
  state: GateState<T>,
  candidate: GateCandidate<T>,
  now: number,
): GateStep<T> {
  const rate = flow.throttle ?? flow.limit;
  if (!rate) return { state, decisions: [{ kind: 'start', candidate, held: false }] };
  const starts = recent(rate.perMs, state.starts, now);
  if (state.held.length === 0 && starts.length < rate.runs) {
    return {
      state: { ...state, starts: [...starts, now] },
      decisions: [{ kind: 'start', candidate, held: false }],
    };
  }
  if (flow.limit) return { state: { ...state, starts }, decisions: [{ kind: 'limited', candidate }] };
  return { state: { ...state, starts, held: [...state.held, candidate] }, decisions: [] };
}

/** Starts the held candidates the throttle period allows now, oldest first. */
function release<T>(
  flow: FlowControlIR,
  state: GateState<T>,
  now: number,
  decisions: GateDecision<T>[],
): GateState<T> {
  const rate = flow.throttle;
  if (!rate || state.held.length === 0) return state;
  const starts = [...recent(rate.perMs, state.starts, now)];
  const held = [...state.held];
  while (held.length > 0 && starts.length < rate.runs) {
    const candidate = held.shift() as GateCandidate<T>;
    starts.push(now);
    decisions.push({ kind: 'start', candidate, held: true });
  }
  return { ...state, starts, held };
}

/** Starts within the period that ends at `now`: (now - perMs, now]. */
function recent(perMs: number, starts: readonly number[], now: number): readonly number[] {
  return starts.filter((t) => t > now - perMs);
}

/** When the next start fits: the oldest of the last `runs` starts leaves the period. */
function nextSlot(
  rate: { readonly runs: number; readonly perMs: number },
  starts: readonly number[],
): number {
  if (starts.length < rate.runs) return 0;
  return starts[starts.length - rate.runs] + rate.perMs;
}

function minDefined(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}
