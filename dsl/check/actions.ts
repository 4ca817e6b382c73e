/**
 * `call ACTION(name: expr, ...)` and `emit EVENT { name: expr, ... }`: named arguments checked
 * against a signature (an action's parameters, an event's fields), plus a call's retry policy.
 */
import type { NamedArg, QualifiedName, Stmt } from '../ast/ast';
import { bindName, positiveMs } from './bind';
import { checkExpr } from './expr';
import type { RuleContext, Scope } from './scope';
import { Codes } from '../core/diagnostics';
import type { DiagnosticCode } from '../core/diagnostics';
import type { FieldTypeIR, NamedExprIR, RetryIR, StepIR } from '../runtime/ir';
import { DEFAULT_BACKOFF, DEFAULT_BACKOFF_WITH_INTERVAL, DEFAULT_RETRY_INTERVAL_MS } from '../runtime/ir';
import { didYouMean } from '../core/suggest';
import { T, isAssignable, isOptional, typeToString } from './semantic-types';

/**
 * Checks named arguments against `params` (or only their expressions when the signature is
 * unknown). `what` names the target in messages: `action purchasing.create_order`.
 */
function checkNamedArgs(
  args: readonly NamedArg[],
  params: readonly FieldTypeIR[] | undefined,
  target: QualifiedName,
  what: string,
  unknownCode: DiagnosticCode,
  scope: Scope,
  rc: RuleContext,
): NamedExprIR[] {
  const out: NamedExprIR[] = [];
  const seen = new Set<string>();
  for (const arg of args) {
    const value = checkExpr(arg.value, scope, rc);
    if (seen.has(arg.name)) {
      rc.env.error(Codes.duplicateArgument, `'${arg.name}' is given twice`, arg.nameSpan);
      continue;
    }
    seen.add(arg.name);
    out.push({ name: arg.name, value: value.ir });
    if (!params) continue;
    const param = params.find((p) => p.name === arg.name);
    if (!param) {
      const names = params.map((p) => p.name);
      rc.env.error(
        unknownCode,
        `${what} has no ${unknownCode === Codes.unknownField ? 'field' : 'parameter'} '${arg.name}'${didYouMean(arg.name, names)}`,
        arg.nameSpan,
      );
    } else if (!isAssignable(value.type, param.type)) {
      rc.env.error(
        Codes.argumentType,
        `'${arg.name}' of ${what} must be ${typeToString(param.type)}, not ${typeToString(value.type)}`,
        value.ir.span,
      );
    }
  }
  for (const param of params ?? []) {
    if (!seen.has(param.name) && !isOptional(param.type)) {
      rc.env.error(
        Codes.missingArgument,
        `${what} needs '${param.name}' (${typeToString(param.type)})`,
        target.span,
      );
    }
  }
  return out;
}

function checkRetry(s: Extract<Stmt, { kind: 'call' }>, rc: RuleContext): RetryIR | undefined {
  const r = s.retry;
  if (!r) return undefined;
  if (!Number.isInteger(r.attempts) || r.attempts < 1) {
    rc.env.error(
      Codes.invalidRetry,
      `'retry' needs a whole number of attempts of at least 1, not ${r.attempts}`,
      r.span,
    );
  }
  if (r.every && !(r.every.ms > 0))
    rc.env.error(Codes.invalidRetry, "the retry interval ('every') must be longer than 0", r.every.span);
  if (r.backoff !== undefined && !(r.backoff >= 1)) {
    rc.env.error(
      Codes.invalidRetry,
      `'backoff' must be at least 1 (1 keeps the interval fixed), not ${r.backoff}`,
      r.span,
    );
  }
  return {
    attempts: r.attempts,
    initialIntervalMs: r.every?.ms ?? DEFAULT_RETRY_INTERVAL_MS,
    backoff: r.backoff ?? (r.every ? DEFAULT_BACKOFF_WITH_INTERVAL : DEFAULT_BACKOFF),
  };
}

export function checkCall(
  s: Extract<Stmt, { kind: 'call' }>,
  id: number,
  scope: Scope,
  rc: RuleContext,
): StepIR {
  const action = rc.env.actions.get(s.action.name);
  if (action) rc.actions.add(action.name);
  else {
    const message = `unknown action '${s.action.name}'${didYouMean(s.action.name, rc.env.actions.keys())}`;
    rc.env.error(Codes.unknownAction, message, s.action.span);
  }
  const what = `action ${s.action.name}`;
  const args = checkNamedArgs(s.args, action?.params, s.action, what, Codes.unknownArgument, scope, rc);
  const retry = checkRetry(s, rc);
  const timeoutMs = s.timeout ? positiveMs(s.timeout, 'the call timeout', rc) : undefined;
  if (s.bind) bindName(s.bind, action?.result ?? T.any, 'let', scope, rc, false);
  return {
    kind: 'call',
    id,
    action: s.action.name,
    args,
    ...(s.bind && { bind: s.bind.name }),
    ...(retry && { retry }),
    ...(timeoutMs !== undefined && { timeoutMs }),
    span: s.span,
  };
}

export function checkEmit(
  s: Extract<Stmt, { kind: 'emit' }>,
  id: number,
  scope: Scope,
  rc: RuleContext,
): StepIR {
  const info = rc.env.events.get(s.event.name);
  if (info) rc.events.add(s.event.name);
  else {
    const message = `unknown event type '${s.event.name}'${didYouMean(s.event.name, rc.env.events.keys())}`;
    rc.env.error(Codes.unknownEvent, message, s.event.span);
  }
  const what = `event ${s.event.name}`;
  const fields = checkNamedArgs(s.fields, info?.schema.fields, s.event, what, Codes.unknownField, scope, rc);
  return { kind: 'emit', id, event: s.event.name, fields, span: s.span };
}
