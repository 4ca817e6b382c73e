/**
 * v2 windows: `count(payment.failed as p within 10m where ...)` and the other aggregates over the
 * event log. The evaluator stays pure and synchronous: the events come from a `WindowSource` the
 * caller filled beforehand (the router prefetches them per event and rule; the interpreter reads
 * them with an activity, so a replay sees the same events), and this module only filters them by
 * time and `where` and folds them.
 */
import { EvalError } from './errors';
import type { Meter } from './evaluator-meter';
import type { AggregateFn, ExprIR, WindowIR } from './ir';
import type { Span } from '../core/span';
import type { Value } from './value';
import { deepEqual, defineField, isPlainObject, kindOf } from './value';

/** One stored event as a window sees it: its data and its time (epoch ms). */
export interface WindowEvent {
  readonly data: unknown;
  readonly time: number;
}

/**
 * Where the evaluator reads windows from, synchronously. `events` returns the stored events of
 * `window.event` whose time lies in `(now - window.withinMs, now]`, oldest first; it may already
 * have kept only those matching `window.correlations` (the evaluator applies `where` anyway).
 */
export interface WindowSource {
  events(window: WindowIR, now: number): readonly WindowEvent[];
}

/** How the evaluator lends this module its machinery, so budget and depth stay shared. */
export interface WindowHost {
  readonly meter: Meter;
  readonly scope: Readonly<Record<string, Value>>;
  now(): number;
  readonly windows: WindowSource | undefined;
  /** Evaluates `e` with `scope` instead of the evaluation's own. */
  visitIn(e: ExprIR, scope: Readonly<Record<string, Value>>): Value;
  /** A condition's truth (null is false). */
  truth(value: Value, span: Span): boolean;
}

type Aggregate = Extract<ExprIR, { kind: 'aggregate' }>;

/** The value of an aggregate: `count`/`distinct` an int, `sum` a number (0 when empty), else null when empty. */
export function evaluateAggregate(e: Aggregate, host: WindowHost): Value {
  const { window } = e;
  if (host.windows === undefined) {
    throw new EvalError(
      'window-unavailable',
      `the window over ${window.event} cannot be read here (no event log is available to this evaluation)`,
      window.span,
    );
  }
  const now = host.now();
  const from = now - window.withinMs;
  const events = host.windows.events(window, now);
  if (!Array.isArray(events)) {
    throw new EvalError('invalid-ir', `the window over ${window.event} did not return a list`, window.span);
  }
  host.meter.charge(events.length, window.span);
  // One scope for the whole window: the outer names, with `as` rebound to each event in turn.
  const inner: Record<string, Value> = { ...host.scope };
  const values: Value[] = [];
  let count = 0;
  for (const item of events as readonly WindowEvent[]) {
    if (!(item.time > from && item.time <= now)) continue;
    const data = toValue(item.data, window.span);
    defineField(inner, window.as, data);
    if (window.where !== undefined && !host.truth(host.visitIn(window.where, inner), window.where.span)) {
      continue;
    }
    count += 1;
    if (e.value !== undefined) values.push(host.visitIn(e.value, inner));
  }
  if (e.fn === 'count') return count;
  if (e.value === undefined) {
    throw new EvalError('invalid-ir', `${e.fn}(...) needs a value to aggregate`, e.span);
  }
  return fold(e.fn, values, host.meter, e.value.span);
}

/** Folds the per-event values; nulls are left out, as SQL does. */
function fold(fn: Exclude<AggregateFn, 'count'>, all: readonly Value[], meter: Meter, span: Span): Value {
  const values = all.filter((v) => v !== null);
  if (fn === 'distinct') return distinctCount(values, meter, span);
  const numbers = values.map((v) => {
    if (typeof v !== 'number') {
      throw new EvalError('type', `${fn}(...) needs numbers, got ${kindOf(v)}`, span);
    }
    return v;
  });
  switch (fn) {
    case 'sum':
      return numbers.reduce((a, b) => a + b, 0);
    case 'avg':
      return numbers.length === 0 ? null : numbers.reduce((a, b) => a + b, 0) / numbers.length;
    case 'min':
      return numbers.length === 0 ? null : numbers.reduce((a, b) => (b < a ? b : a));
    case 'max':
      return numbers.length === 0 ? null : numbers.reduce((a, b) => (b > a ? b : a));
    default:
      throw new EvalError('invalid-ir', `unknown aggregate ${String(fn)}`, span);
  }
}

/** How many different values: primitives by a typed key, lists and objects by deep equality. */
function distinctCount(values: readonly Value[], meter: Meter, span: Span): number {
  const primitives = new Set<string>();
  const composites: Value[] = [];
  for (const v of values) {
    if (typeof v !== 'object' || v === null) {
      primitives.add(`${typeof v}:${String(v)}`);
      continue;
    }
    if (!composites.some((c) => deepEqual(c, v, meter, span))) composites.push(v);
  }
  return primitives.size + composites.length;
}

/** Stored event data is JSON; anything else (a hand-made source) is refused, not guessed at. */
function toValue(data: unknown, span: Span): Value {
  if (data === null || data === undefined) return null;
  const t = typeof data;
  if (t === 'string' || t === 'boolean' || (t === 'number' && Number.isFinite(data))) return data as Value;
  if (Array.isArray(data) || isPlainObject(data)) return data as Value;
  throw new EvalError('type', `a window event's data is not a JSON value`, span);
}
