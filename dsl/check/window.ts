/**
 * v2 expressions (LANGUAGE.md §10–11): aggregates over windows of the event log, and the names
 * `previous` and `events`. Checked here and compiled to `aggregate` / `name` IR; `expr.ts` calls
 * in with its own `checkExpr` (passed as an argument, so the two files do not import each other).
 */
import type { Expr } from '../ast/ast';
import { bindName, positiveMs } from './bind';
import { findCorrelations } from './correlate';
import type { Typed } from './operators';
import { broken, isBoolish } from './operators';
import type { RuleContext, Scope } from './scope';
import { Codes } from '../core/diagnostics';
import type { AggregateFn, ExprIR, WindowIR } from '../runtime/ir';
import type { Span } from '../core/span';
import { didYouMean } from '../core/suggest';
import { T, isAssignable, listOf, optional, typeToString } from './semantic-types';

type CheckFn = (e: Expr, scope: Scope, rc: RuleContext) => Typed;
type CallExpr = Extract<Expr, { kind: 'call' }>;
type WindowExpr = Extract<Expr, { kind: 'window' }>;

/** The longest window: 31 days. */
export const MAX_WINDOW_MS = 31 * 24 * 3_600_000;

/** The aggregate functions and the type each gives. */
const AGGREGATES: ReadonlyMap<string, { fn: AggregateFn; type: Typed['type']; value: boolean }> = new Map([
  ['count', { fn: 'count', type: T.int, value: false }],
  ['distinct', { fn: 'distinct', type: T.int, value: true }],
  ['sum', { fn: 'sum', type: T.number, value: true }],
  ['avg', { fn: 'avg', type: optional(T.number), value: true }],
  ['min', { fn: 'min', type: optional(T.number), value: true }],
  ['max', { fn: 'max', type: optional(T.number), value: true }],
]);

/** Functions that exist only as aggregates (`min` and `max` are also the built-ins of two numbers). */
const ONLY_AGGREGATES: ReadonlySet<string> = new Set(['count', 'distinct', 'sum', 'avg']);

const WHERE_ALLOWED = "windows are allowed in 'when' and in the let, set, if and log expressions of 'do'";

/**
 * A call that is an aggregate (its first argument is a window, or its name is only an aggregate):
 * its typed IR; undefined for a call of an ordinary built-in.
 */
export function checkAggregateCall(
  e: CallExpr,
  scope: Scope,
  rc: RuleContext,
  check: CheckFn,
): Typed | undefined {
  const agg = AGGREGATES.get(e.fn);
  const first = e.args[0];
  if (!agg || (first?.kind !== 'window' && !ONLY_AGGREGATES.has(e.fn))) return undefined;
  if (first?.kind !== 'window') {
    const value = agg.value ? ', VALUE' : '';
    const hint = e.fn === 'count' ? " (a list's length is len(list))" : '';
    rc.env.error(
      Codes.notAWindow,
      `${e.fn}() reads a window of stored events: ${e.fn}(EVENT_TYPE as NAME within DURATION [where CONDITION]${value})${hint}`,
      first?.span ?? e.fnSpan,
    );
    for (const a of e.args) check(a, scope, rc);
    return broken(e.span);
  }
  const wanted = agg.value ? 2 : 1;
  if (e.args.length !== wanted) {
    const shape = agg.value ? `${e.fn}(WINDOW, VALUE)` : `${e.fn}(WINDOW)`;
    rc.env.error(
      Codes.wrongArity,
      `${e.fn}() takes ${wanted} argument(s), not ${e.args.length}: ${shape}`,
      e.fnSpan,
    );
    return broken(e.span);
  }
  rc.v2 = true;
  if (rc.inWindow) {
    const message = "windows do not nest: a window's 'where' and value cannot read another window";
    rc.env.error(Codes.windowNotAllowed, message, first.span);
  } else if (!rc.windowsAllowed) {
    rc.env.error(Codes.windowNotAllowed, `a window cannot be read here: ${WHERE_ALLOWED}`, first.span);
  }
  const inner = scope.child();
  // Windows do not nest: the `where` and the value are evaluated once per event of the window.
  const outer = rc.inWindow;
  rc.inWindow = true;
  try {
    return checkAggregate(e, agg, first, inner, rc, check);
  } finally {
    rc.inWindow = outer;
  }
}

function checkAggregate(
  e: CallExpr,
  agg: { fn: AggregateFn; type: Typed['type']; value: boolean },
  first: WindowExpr,
  inner: Scope,
  rc: RuleContext,
  check: CheckFn,
): Typed {
  return rc.allowingWindows(false, () => {
    const window = checkWindow(first, inner, rc, check);
    let value: ExprIR | undefined;
    if (agg.value) {
      const typed = check(e.args[1], inner, rc);
      if (agg.fn !== 'distinct' && !isAssignable(typed.type, T.number)) {
        rc.env.error(
          Codes.argumentType,
          `${e.fn}(): the value must be a number, not ${typeToString(typed.type)}`,
          typed.ir.span,
        );
      }
      value = typed.ir;
    }
    if (!window) return broken(e.span);
    const ir: ExprIR = { kind: 'aggregate', fn: agg.fn, window, ...(value && { value }), span: e.span };
    return { type: agg.type, ir };
  });
}

/** Checks a window in `inner` (a fresh child scope, where its name is bound). */
function checkWindow(w: WindowExpr, inner: Scope, rc: RuleContext, check: CheckFn): WindowIR | undefined {
  const id = rc.windowId();
  const info = rc.env.events.get(w.event.name);
  if (info) rc.events.add(w.event.name);
  else {
    const message = `unknown event type '${w.event.name}'${didYouMean(w.event.name, rc.env.events.keys())}`;
    rc.env.error(Codes.unknownEvent, message, w.event.span);
  }
  const withinMs = positiveMs(w.within, "a window's 'within'", rc);
  if (withinMs > MAX_WINDOW_MS) {
    rc.env.error(
      Codes.windowTooLong,
      `a window is at most 31 days long, not ${w.within.text}`,
      w.within.span,
    );
  }
  bindName(w.as, info?.type ?? T.any, 'window', inner, rc, false);
  let where: ExprIR | undefined;
  if (w.where) {
    const typed = check(w.where, inner, rc);
    if (!isBoolish(typed.type)) {
      rc.env.error(Codes.notBool, `'where' must be a bool, not ${typeToString(typed.type)}`, typed.ir.span);
    }
    where = typed.ir;
  }
  return {
    id,
    event: w.event.name,
    as: w.as.name,
    withinMs,
    ...(where && { where }),
    correlations: findCorrelations(where, w.as.name),
    span: w.span,
  };
}

/** A window anywhere but as the first argument of an aggregate. */
export function misplacedWindow(w: WindowExpr, rc: RuleContext): Typed {
  rc.env.error(
    Codes.windowNotAllowed,
    'a window is only the first argument of count, sum, avg, min, max or distinct',
    w.span,
  );
  return broken(w.span);
}

/**
 * `previous` and `events` when no binding of that name is visible (a rule that binds one of them
 * itself keeps its own, as under v1): undefined for any other name.
 */
export function checkV2Name(name: string, span: Span, rc: RuleContext): Typed | undefined {
  if (name === 'previous') {
    if (rc.trigger !== 'on') {
      const message = "'previous' is only available in a rule triggered by 'on EVENT_TYPE'";
      rc.env.error(Codes.previousWithoutOn, message, span);
      return broken(span);
    }
    if (rc.place === 'key' || rc.place === 'cancel') {
      const why =
        rc.place === 'key'
          ? "the key decides which event is previous, so 'key' cannot read it"
          : "a 'cancel on' condition sees only 'event' and the cancelling event";
      rc.env.error(Codes.unknownName, `'previous' is not available here: ${why}`, span);
      return broken(span);
    }
    rc.usesPrevious = true;
    rc.v2 = true;
    return { type: optional(rc.eventType ?? T.any), ir: { kind: 'name', name, span } };
  }
  if (name === 'events') {
    if (rc.trigger !== 'on' || !rc.collects) {
      const message =
        "unknown name 'events': it is the list of a run's triggers in a rule with 'debounce' or 'batch'";
      rc.env.error(Codes.unknownName, message, span);
      return broken(span);
    }
    if (rc.place !== 'do') {
      const message = `'events' is not available in '${rc.place === 'cancel' ? 'cancel on' : rc.place}': it is the list of a run's triggers, known once the run starts`;
      rc.env.error(Codes.unknownName, message, span);
      return broken(span);
    }
    rc.usesEvents = true;
    rc.v2 = true;
    return { type: listOf(rc.eventType ?? T.any), ir: { kind: 'name', name, span } };
  }
  return undefined;
}
