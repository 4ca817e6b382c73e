/**
 * v2 rule clauses (LANGUAGE.md §9): flow control per key (`debounce`, `batch`, `throttle`,
 * `limit`) and `cancel on`. Each is checked against the rule's trigger and the other clauses,
 * and compiled to the rule's `flow` and `cancelOn` IR.
 */
import type { Clause } from '../ast/ast';
import { bindName, positiveMs } from './bind';
import { findCorrelation } from './correlate';
import { checkExpr } from './expr';
import { where } from './env';
import { isBoolish } from './operators';
import type { RuleContext } from './scope';
import { Scope } from './scope';
import { Codes } from '../core/diagnostics';
import type { CancelOnIR, ExprIR, FlowControlIR } from '../runtime/ir';
import { didYouMean } from '../core/suggest';
import { T, typeToString } from './semantic-types';

/** The v2 clause kinds. */
export type V2Clause = Extract<Clause, { kind: 'debounce' | 'batch' | 'throttle' | 'limit' | 'cancel_on' }>;

const V2_KINDS: ReadonlySet<Clause['kind']> = new Set([
  'debounce',
  'batch',
  'throttle',
  'limit',
  'cancel_on',
]);

/** The largest batch: a run's `events` is held in its input. */
export const MAX_BATCH_SIZE = 10_000;

export function isV2Clause(c: Clause): c is V2Clause {
  return V2_KINDS.has(c.kind);
}

/** A clause kind as the user writes it. */
export function clauseWord(kind: Clause['kind']): string {
  return kind === 'cancel_on'
    ? 'cancel on'
    : kind === 'every_interval' || kind === 'every_cron'
      ? 'every'
      : kind;
}

/** A whole count of at least 1 (and at most `max`). */
function count(value: number, span: V2Clause['span'], what: string, rc: RuleContext, max = Infinity): number {
  if (!Number.isInteger(value) || value < 1 || value > max) {
    const bound = max === Infinity ? '' : ` and at most ${max}`;
    rc.env.error(
      Codes.invalidFlowControl,
      `${what} must be a whole number of at least 1${bound}, not ${value}`,
      span,
    );
  }
  return value;
}

/**
 * Checks the flow-control clauses of a rule (`seen`: its non-trigger clauses, each the first of its
 * kind) and compiles them; undefined when there are none.
 */
export function checkFlow(
  seen: ReadonlyMap<Clause['kind'], Clause>,
  rc: RuleContext,
): FlowControlIR | undefined {
  const get = <K extends V2Clause['kind']>(k: K): Extract<V2Clause, { kind: K }> | undefined =>
    seen.get(k) as Extract<V2Clause, { kind: K }> | undefined;
  for (const [a, b] of [
    ['debounce', 'batch'],
    ['throttle', 'limit'],
  ] as const) {
    const first = get(a);
    const second = get(b);
    if (first && second) {
      const [early, late] = first.span.line <= second.span.line ? [first, second] : [second, first];
      rc.env.error(
        Codes.conflictingClauses,
        `'${late.kind}' cannot be combined with '${early.kind}' (at ${where(early.span)}): a rule has at most one of them`,
        late.span,
      );
    }
  }
  const flow: {
    debounce?: FlowControlIR['debounce'];
    batch?: FlowControlIR['batch'];
    throttle?: FlowControlIR['throttle'];
    limit?: FlowControlIR['limit'];
  } = {};
  const debounce = get('debounce');
  if (debounce) {
    const quietMs = positiveMs(debounce.quiet, "'debounce'", rc);
    const maxMs = debounce.max ? positiveMs(debounce.max, "'debounce ... max'", rc) : undefined;
    if (maxMs !== undefined && maxMs < quietMs) {
      rc.env.error(
        Codes.invalidFlowControl,
        `'max' (${debounce.max?.text}) must be at least the quiet time (${debounce.quiet.text})`,
        debounce.max?.span ?? debounce.span,
      );
    }
    flow.debounce = { quietMs, ...(maxMs !== undefined && { maxMs }) };
  }
  const batch = get('batch');
  if (batch) {
    const size = count(batch.size, batch.sizeSpan, "a batch's size", rc, MAX_BATCH_SIZE);
    const withinMs = batch.within ? positiveMs(batch.within, "'batch ... within'", rc) : undefined;
    flow.batch = { size, ...(withinMs !== undefined && { withinMs }) };
  }
  for (const kind of ['throttle', 'limit'] as const) {
    const c = get(kind);
    if (!c) continue;
    const runs = count(c.runs, c.runsSpan, `the number of runs of '${kind}'`, rc);
    flow[kind] = { runs, perMs: positiveMs(c.per, `'${kind} ... per'`, rc) };
  }
  rc.collects = Boolean(debounce ?? batch);
  return Object.keys(flow).length > 0 ? flow : undefined;
}

/** The name a `cancel on` without `as` binds. */
export const DEFAULT_CANCEL_NAME = 'cancel';

/**
 * `cancel on EVENT [as NAME] [where EXPR]`: `where` sees the run's `event` (from `root`) and NAME,
 * nothing else.
 */
export function checkCancelOn(
  c: Extract<V2Clause, { kind: 'cancel_on' }>,
  eventBinding: ReturnType<Scope['lookup']>,
  rc: RuleContext,
): CancelOnIR {
  const info = rc.env.events.get(c.event.name);
  if (info) rc.events.add(c.event.name);
  else {
    const message = `unknown event type '${c.event.name}'${didYouMean(c.event.name, rc.env.events.keys())}`;
    rc.env.error(Codes.unknownEvent, message, c.event.span);
  }
  const scope = new Scope();
  if (eventBinding) scope.declare(eventBinding);
  const as = c.as?.name ?? DEFAULT_CANCEL_NAME;
  const binding = c.as ?? { name: as, span: c.event.span };
  bindName(binding, info?.type ?? T.any, 'cancel', scope, rc, false);
  let whereIr: ExprIR | undefined;
  if (c.where) {
    const before = rc.place;
    rc.place = 'cancel';
    try {
      const typed = checkExpr(c.where, scope, rc);
      if (!isBoolish(typed.type)) {
        rc.env.error(Codes.notBool, `'where' must be a bool, not ${typeToString(typed.type)}`, typed.ir.span);
      }
      whereIr = typed.ir;
    } finally {
      rc.place = before;
    }
  }
  const correlation = findCorrelation(whereIr, as);
  return {
    event: c.event.name,
    as,
    ...(whereIr && { where: whereIr }),
    ...(correlation && { correlation }),
    span: c.span,
  };
}
