/**
 * v2: the `readWindows` activity. A window read in `do` (`let refunds = count(refund.requested as r
 * within 1h)`) is evaluated here, outside the workflow, and its value comes back as the activity's
 * result, so a replay sees the same value without reading the event log again.
 *
 * Decision: the activity returns each aggregate's value, not the window's events. A window can
 * hold thousands of events; putting them into the run's history would blow Temporal's payload
 * limits, while the value is one number. The workflow sends what the aggregate needs (the
 * expression and the names it mentions) and the run's clock, which is the window's end.
 */
import {
  DEFAULT_EVAL_BUDGET,
  EvalError,
  evaluate,
  prefetchedWindowSource,
  windowsOf,
  type ExprIR,
  type Span,
  type Value,
  type WindowEvent,
  type WindowIR,
} from '../dsl/runtime';

/** The most events one window may hold in a `do` read; more is an error, not a silent cut. */
export const MAX_WINDOW_EVENTS = 100_000;
/** Steps one aggregate may take here: a window's events each cost a few. */
export const WINDOW_EVAL_BUDGET = 20 * DEFAULT_EVAL_BUDGET;

/** What the engine is asked for: events of `event` with time in `(fromMs, toMs]`, oldest first. */
export interface WindowQuery {
  readonly event: string;
  readonly fromMs: number;
  readonly toMs: number;
  /** Top-level data fields that must equal these values (pushed down from `where`). */
  readonly equals: readonly { readonly field: string; readonly value: unknown }[];
  /** Return at most this many (the caller asks for one more than it accepts). */
  readonly limit: number;
}

/** Reads the event log; provided by the engine (PostgreSQL) or by `opsflow test` (memory). */
export type ReadWindow = ((query: WindowQuery) => Promise<readonly WindowEvent[]>) & {
  /**
   * Counts instead of reading, when the log can (a `count` whose `where` is only pushed-down
   * equalities needs no event's data).
   */
  readonly count?: (query: Omit<WindowQuery, 'limit'>) => Promise<number>;
};

/** Input of `readWindows`: aggregates of one statement, with the names they use. */
export interface ReadWindowsInput {
  /** The run's clock (epoch ms): every window ends here. */
  readonly now: number;
  readonly items: readonly {
    /** An `aggregate` expression. */
    readonly expr: ExprIR;
    readonly scope: Readonly<Record<string, unknown>>;
  }[];
  readonly rule: string;
  readonly runId: string;
}

/** One aggregate's value, or why it could not be computed (located, like an evaluator error). */
export type WindowValue =
  | { readonly value: Value }
  | { readonly error: { readonly code: string; readonly message: string; readonly span: Span } };

export interface ReadWindowsOutput {
  readonly values: readonly WindowValue[];
}

/** The activity over a reader. */
export function createReadWindows(read: ReadWindow): (input: ReadWindowsInput) => Promise<ReadWindowsOutput> {
  return async (input) => {
    const values: WindowValue[] = [];
    for (const item of input.items)
      values.push(await readOne(read, input.now, item.expr, item.scope as Record<string, Value>));
    return { values };
  };
}

async function readOne(
  read: ReadWindow,
  now: number,
  expr: ExprIR,
  scope: Readonly<Record<string, Value>>,
): Promise<WindowValue> {
  try {
    const counted = await countOnly(read, now, expr, scope);
    if (counted !== undefined) return { value: counted };
    const byId: Record<string, readonly WindowEvent[]> = {};
    for (const window of windowsOf(expr)) {
      const events = await read({
        event: window.event,
        fromMs: now - window.withinMs,
        toMs: now,
        equals: pushDown(window, scope, now),
        limit: MAX_WINDOW_EVENTS + 1,
      });
      if (events.length > MAX_WINDOW_EVENTS) {
        const message = `the window over ${window.event} holds more than ${MAX_WINDOW_EVENTS} events; narrow it with where or a shorter within`;
        throw new EvalError('too-large', message, window.span);
      }
      byId[String(window.id)] = events;
    }
    const windows = prefetchedWindowSource(byId);
    return { value: evaluate(expr, scope, { now: () => now, windows, budget: WINDOW_EVAL_BUDGET }) };
  } catch (err) {
    if (err instanceof EvalError) return { error: { code: err.code, message: err.message, span: err.span } };
    throw err;
  }
}

/**
 * `count(T as x within D where x.a == ... and x.b == ...)` is counted by the log itself when every
 * conjunct of `where` was pushed down: no event needs to travel. Anything else: undefined.
 */
async function countOnly(
  read: ReadWindow,
  now: number,
  expr: ExprIR,
  scope: Readonly<Record<string, Value>>,
): Promise<number | undefined> {
  if (!read.count || expr.kind !== 'aggregate' || expr.fn !== 'count') return undefined;
  const window = expr.window;
  const conjuncts: ExprIR[] = [];
  const flatten = (e: ExprIR): void => {
    if (e.kind === 'and') {
      flatten(e.left);
      flatten(e.right);
    } else conjuncts.push(e);
  };
  if (window.where) flatten(window.where);
  if (windowsOf(expr).length !== 1) return undefined;
  const equals = pushDown(window, scope, now);
  if (conjuncts.length !== window.correlations.length || equals.length !== conjuncts.length) return undefined;
  return read.count({ event: window.event, fromMs: now - window.withinMs, toMs: now, equals });
}

/**
 * The correlations of a window whose value can be computed from the outer scope alone; one that
 * cannot (it mentions a name bound only inside) is left to `where`, which is evaluated anyway.
 */
function pushDown(
  window: WindowIR,
  scope: Readonly<Record<string, Value>>,
  now: number,
): WindowQuery['equals'] {
  const out: { field: string; value: unknown }[] = [];
  for (const c of window.correlations) {
    try {
      const value = evaluate(c.value, scope, { now: () => now });
      // JSON containment cannot tell 1 from 1.0 or match null to a missing field: keep it simple.
      if (
        typeof value === 'string' ||
        typeof value === 'boolean' ||
        (typeof value === 'number' && Number.isInteger(value))
      ) {
        out.push({ field: c.field, value });
      }
    } catch {
      // evaluated by `where` on every event instead
    }
  }
  return out;
}
