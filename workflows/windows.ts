/**
 * v2: windows in `do` (`let refunds = count(refund.requested as r within 1h)`). A statement whose
 * expression holds an aggregate reads it through the `readWindows` activity first (the window ends
 * at the run's clock, `now()`), then evaluates the expression with those values: the activity's
 * result is in the history, so a replay sees the same value. An expression without a window is
 * evaluated as before, with no activity: v1 rules keep exactly their histories.
 */
import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { WindowActivities } from '../activities/index';
import { EvalError, evaluate, type EvalErrorCode, type ExprIR, type Value } from '../dsl/runtime';
import { RunFailureTypes, actionFailure } from './failures';
import type { RunContext } from './run-context';
import type { Frame } from './scope';

/** Timeout of one attempt of `readWindows` (one query per window). */
export const READ_WINDOWS_TIMEOUT_MS = 60_000;

const windowActivities = proxyActivities<WindowActivities>({
  startToCloseTimeout: READ_WINDOWS_TIMEOUT_MS,
  retry: { maximumAttempts: 10, nonRetryableErrorTypes: ['NotConfigured', 'InvalidInput'] },
});

type Aggregate = Extract<ExprIR, { kind: 'aggregate' }>;

const outermost = new WeakMap<ExprIR, readonly Aggregate[]>();

/** The aggregates of `expr` not inside another one (an inner one is read with its outer one). */
export function aggregatesOf(expr: ExprIR): readonly Aggregate[] {
  let found = outermost.get(expr);
  if (found === undefined) {
    const list: Aggregate[] = [];
    visit(expr, (e) => {
      if (e.kind !== 'aggregate') return true;
      list.push(e);
      return false;
    });
    found = list;
    outermost.set(expr, found);
  }
  return found;
}

/** Evaluates `expr` in `frame`, reading its windows first when it has any. */
export async function evalWithWindows(run: RunContext, expr: ExprIR, frame: Frame): Promise<Value> {
  const aggregates = aggregatesOf(expr);
  if (aggregates.length === 0) return run.eval(expr, frame);
  const scope = frame.evalScope();
  const now = Date.now();
  const items = aggregates.map((a) => ({ expr: a as ExprIR, scope: namesUsed(a, scope) }));
  let output;
  try {
    output = await windowActivities.readWindows({
      now,
      items,
      rule: run.rule.name,
      runId: workflowInfo().runId,
    });
  } catch (err) {
    throw actionFailure(err, 'reading a window', expr.span, RunFailureTypes.EngineFailed);
  }
  const values = new Map<ExprIR, Value>();
  aggregates.forEach((a, i) => {
    const got = output.values[i];
    if (got === undefined) throw new EvalError('window-unavailable', 'the window was not read', a.span);
    if ('error' in got)
      throw new EvalError(got.error.code as EvalErrorCode, got.error.message, got.error.span);
    values.set(a, got.value);
  });
  return evaluate(expr, scope, { now: () => now, aggregates: values });
}

/** The names of `scope` that `expr` mentions: what the activity needs, not the whole scope. */
function namesUsed(expr: ExprIR, scope: Readonly<Record<string, Value>>): Record<string, Value> {
  const out: Record<string, Value> = {};
  visit(expr, (e) => {
    if (e.kind === 'name' && Object.hasOwn(scope, e.name) && !Object.hasOwn(out, e.name)) {
      Object.defineProperty(out, e.name, { value: scope[e.name], enumerable: true, writable: true });
    }
    return true;
  });
  return out;
}

/** Walks `expr` (pre-order); `enter` returns false to skip a node's children. */
function visit(e: ExprIR | undefined, enter: (e: ExprIR) => boolean): void {
  if (e === undefined || !enter(e)) return;
  switch (e.kind) {
    case 'aggregate':
      visit(e.window.where, enter);
      visit(e.value, enter);
      for (const c of e.window.correlations) visit(c.value, enter);
      return;
    case 'template':
      for (const p of e.parts) if (p.kind === 'interp') visit(p.expr, enter);
      return;
    case 'list':
      for (const i of e.items) visit(i, enter);
      return;
    case 'object':
      for (const f of e.fields) visit(f.value, enter);
      return;
    case 'member':
      visit(e.object, enter);
      return;
    case 'index':
      visit(e.object, enter);
      visit(e.index, enter);
      return;
    case 'call':
      for (const a of e.args) visit(a, enter);
      return;
    case 'arith':
    case 'compare':
    case 'in':
    case 'and':
    case 'or':
    case 'coalesce':
      visit(e.left, enter);
      visit(e.right, enter);
      return;
    case 'not':
    case 'neg':
      visit(e.operand, enter);
      return;
    default:
      return;
  }
}
