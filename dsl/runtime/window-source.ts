/**
 * v2: helpers around `WindowSource` shared by the callers that prefetch windows (the router, the
 * interpreter's activity, `opsflow test`): which windows an expression reads, and sources over
 * events already in memory.
 */
import { EvalError } from './errors';
import type { WindowEvent, WindowSource } from './evaluator-window';
import type { ExprIR, StepIR, WindowIR } from './ir';

/** An event of some type, as a list source keeps it. */
export interface TypedWindowEvent extends WindowEvent {
  readonly type: string;
}

/** Every window an expression reads, outermost first, each once (by `id`). */
export function windowsOf(expr: ExprIR | null | undefined): WindowIR[] {
  const found = new Map<number, WindowIR>();
  const walk = (e: ExprIR | undefined): void => {
    if (e === undefined) return;
    switch (e.kind) {
      case 'aggregate':
        if (!found.has(e.window.id)) found.set(e.window.id, e.window);
        walk(e.window.where);
        walk(e.value);
        return;
      case 'template':
        for (const p of e.parts) if (p.kind === 'interp') walk(p.expr);
        return;
      case 'list':
        e.items.forEach(walk);
        return;
      case 'object':
        for (const f of e.fields) walk(f.value);
        return;
      case 'member':
        walk(e.object);
        return;
      case 'index':
        walk(e.object);
        walk(e.index);
        return;
      case 'call':
        e.args.forEach(walk);
        return;
      case 'arith':
      case 'compare':
      case 'in':
      case 'and':
      case 'or':
      case 'coalesce':
        walk(e.left);
        walk(e.right);
        return;
      case 'not':
      case 'neg':
        walk(e.operand);
        return;
      default:
        return;
    }
  };
  if (expr !== null) walk(expr);
  return [...found.values()];
}

/** The expression a step evaluates where windows are allowed (`let`, `set`, `log`), else none. */
export function windowExprsOfStep(step: StepIR): ExprIR[] {
  switch (step.kind) {
    case 'let':
    case 'set':
      return [step.value];
    case 'log':
      return [step.message];
    case 'if':
      return step.branches.map((b) => b.cond);
    default:
      return [];
  }
}

/** True when `time` lies in the window ending at `now`: `(now - withinMs, now]`. */
export function inWindow(window: WindowIR, time: number, now: number): boolean {
  return time > now - window.withinMs && time <= now;
}

/**
 * A source over events in memory (`opsflow test`'s history and triggers, tests): the events of
 * the window's type in the window, oldest first. `where` is left to the evaluator.
 */
export function listWindowSource(events: readonly TypedWindowEvent[]): WindowSource {
  const sorted = [...events].sort((a, b) => a.time - b.time);
  return {
    events: (window, now) =>
      sorted
        .filter((e) => e.type === window.event && inWindow(window, e.time, now))
        .map((e) => ({ data: e.data, time: e.time })),
  };
}

/**
 * A source over windows read beforehand (by window id), e.g. by the interpreter's activity: the
 * events were fetched for the same `now`, so this only hands them over. A window that was not read
 * has no events to give and fails the evaluation (`window-unavailable`) rather than count zero.
 */
export function prefetchedWindowSource(
  byId: Readonly<Record<string, readonly WindowEvent[]>>,
): WindowSource & { has(window: WindowIR): boolean } {
  return {
    has: (window) => Object.hasOwn(byId, String(window.id)),
    events: (window) => {
      const key = String(window.id);
      if (!Object.hasOwn(byId, key)) {
        const message = `the window over ${window.event} was not read before this evaluation`;
        throw new EvalError('window-unavailable', message, window.span);
      }
      return byId[key];
    },
  };
}
