/**
 * Checking of statements, producing their IR steps. Blocks get child scopes (see
 * `scope.ts`); `wait ... as e` and `approve ... as d` bind their name for the statements
 * after them, as optional when a `within` makes a timeout (and so a null) possible.
 */
import type { Expr, QualifiedName, Stmt } from '../ast/ast';
import { Codes } from '../core/diagnostics';
import { checkExpr } from './expr';
import type { Typed } from './operators';
import { isBoolish } from './operators';
import type { RuleContext, Scope } from './scope';
import { bindName, positiveMs } from './bind';
import { checkCall, checkEmit } from './actions';
import { findCorrelation } from './correlate';
import type { ExprIR, StepIR, WaitCaseIR } from '../runtime/ir';
import { didYouMean } from '../core/suggest';
import type { Type } from './semantic-types';
import { T, isAssignable, nonNull, objectOf, optional, typeToString } from './semantic-types';

/** What `approve ... as d` binds (before the `?` a timeout adds). */
export const APPROVAL_TYPE: Type = objectOf([
  { name: 'approved', type: T.bool },
  { name: 'by', type: T.string },
  { name: 'comment', type: optional(T.string) },
  { name: 'at', type: T.time },
]);

/**
 * The name a `case` without `as` binds in the IR: nothing in the rule can read it (the checker
 * does not put it in scope), the interpreter binds it like any other.
 */
export const DEFAULT_CASE_NAME = 'case';

/** A condition: `bool`, `bool?` (null is false) or `any`. */
export function checkCondition(e: Expr, what: string, scope: Scope, rc: RuleContext): ExprIR {
  const typed = checkExpr(e, scope, rc);
  if (!isBoolish(typed.type)) {
    rc.env.error(Codes.notBool, `${what} must be a bool, not ${typeToString(typed.type)}`, typed.ir.span);
  }
  return typed.ir;
}

function checkText(e: Expr, what: string, scope: Scope, rc: RuleContext): ExprIR {
  const typed = checkExpr(e, scope, rc);
  if (!isAssignable(typed.type, T.string)) {
    rc.env.error(
      Codes.typeMismatch,
      `${what} must be a string, not ${typeToString(typed.type)}`,
      typed.ir.span,
    );
  }
  return typed.ir;
}

function checkSet(s: Extract<Stmt, { kind: 'set' }>, id: number, scope: Scope, rc: RuleContext): StepIR {
  const value = rc.allowingWindows(true, () => checkExpr(s.value, scope, rc));
  const binding = scope.lookup(s.name.name);
  if (!binding) {
    rc.env.error(
      Codes.setUnbound,
      `'${s.name.name}' is not bound; use 'let' first${didYouMean(s.name.name, scope.visible())}`,
      s.name.span,
    );
  } else if (binding.kind !== 'let') {
    rc.env.error(
      Codes.immutableBinding,
      `'${s.name.name}' was not bound with 'let' and cannot be set`,
      s.name.span,
    );
  } else if (!isAssignable(value.type, binding.type)) {
    rc.env.error(
      Codes.typeMismatch,
      `'${s.name.name}' is ${typeToString(binding.type)}; it cannot be set to ${typeToString(value.type)}`,
      value.ir.span,
    );
  }
  return { kind: 'set', id, name: s.name.name, value: value.ir, span: s.span };
}

function checkWait(s: Extract<Stmt, { kind: 'wait' }>, id: number, scope: Scope, rc: RuleContext): StepIR {
  const info = rc.env.events.get(s.event.name);
  if (info) rc.events.add(s.event.name);
  else {
    const message = `unknown event type '${s.event.name}'${didYouMean(s.event.name, rc.env.events.keys())}`;
    rc.env.error(Codes.unknownEvent, message, s.event.span);
  }
  const eventType = info?.type ?? T.any;
  const withinMs = s.within ? positiveMs(s.within, "'within'", rc) : undefined;
  // After the wait the name may be null (timeout); inside `where` it is the arriving event.
  const bound = s.as ? bindName(s.as, s.within ? optional(eventType) : eventType, 'wait', scope, rc) : false;
  let whereIr: ExprIR | undefined;
  if (s.where) {
    const inner = scope.child();
    if (s.as && bound)
      inner.declare({ name: s.as.name, type: eventType, kind: 'wait', span: s.as.span, used: false });
    whereIr = checkCondition(s.where, "'where'", inner, rc);
  }
  const correlation = s.as ? findCorrelation(whereIr, s.as.name) : undefined;
  return {
    kind: 'wait',
    id,
    event: s.event.name,
    ...(s.as && { as: s.as.name }),
    ...(whereIr && { where: whereIr }),
    ...(correlation && { correlation }),
    ...(withinMs !== undefined && { withinMs }),
    ...(s.onTimeout && { onTimeout: checkBlock(s.onTimeout, scope.child(), rc) }),
    span: s.span,
  };
}

/** The event type `name` as the type of a bound name, reporting an unknown one. */
function awaitedType(event: QualifiedName, rc: RuleContext): Type {
  const info = rc.env.events.get(event.name);
  if (info) rc.events.add(event.name);
  else {
    const message = `unknown event type '${event.name}'${didYouMean(event.name, rc.env.events.keys())}`;
    rc.env.error(Codes.unknownEvent, message, event.span);
  }
  return info?.type ?? T.any;
}

/** v2: each case binds its name in its `where` and its statements only. */
function checkWaitFirst(
  s: Extract<Stmt, { kind: 'wait_first' }>,
  id: number,
  scope: Scope,
  rc: RuleContext,
): StepIR {
  rc.v2 = true;
  const cases = s.cases.map((c): WaitCaseIR => {
    const eventType = awaitedType(c.event, rc);
    const inner = scope.child();
    if (c.as) bindName(c.as, eventType, 'wait', inner, rc, false);
    const whereIr = c.where ? checkCondition(c.where, "'where'", inner, rc) : undefined;
    const as = c.as?.name ?? DEFAULT_CASE_NAME;
    const correlation = c.as ? findCorrelation(whereIr, as) : undefined;
    return {
      event: c.event.name,
      as,
      ...(whereIr && { where: whereIr }),
      ...(correlation && { correlation }),
      body: checkBlock(c.body, inner, rc),
      span: c.span,
    };
  });
  const withinMs = s.within ? positiveMs(s.within, "'within'", rc) : undefined;
  return {
    kind: 'wait_first',
    id,
    cases,
    ...(withinMs !== undefined && { withinMs }),
    ...(s.onTimeout && { onTimeout: checkBlock(s.onTimeout, scope.child(), rc) }),
    span: s.span,
  };
}

function checkApprove(
  s: Extract<Stmt, { kind: 'approve' }>,
  id: number,
  scope: Scope,
  rc: RuleContext,
): StepIR {
  const description = checkText(s.description, 'the approval description', scope, rc);
  const by = s.by ? checkText(s.by, "'by'", scope, rc) : undefined;
  const withinMs = s.within ? positiveMs(s.within, "'within'", rc) : undefined;
  if (s.as) bindName(s.as, s.within ? optional(APPROVAL_TYPE) : APPROVAL_TYPE, 'approve', scope, rc);
  return {
    kind: 'approve',
    id,
    description,
    ...(by && { by }),
    ...(s.as && { as: s.as.name }),
    ...(withinMs !== undefined && { withinMs }),
    ...(s.onTimeout && { onTimeout: checkBlock(s.onTimeout, scope.child(), rc) }),
    span: s.span,
  };
}

function checkForEach(
  s: Extract<Stmt, { kind: 'for_each' }>,
  id: number,
  scope: Scope,
  rc: RuleContext,
): StepIR {
  const list: Typed = checkExpr(s.list, scope, rc);
  const base = nonNull(list.type);
  let element: Type = T.any;
  if (base.kind === 'list') element = base.element;
  else if (base.kind !== 'any') {
    rc.env.error(Codes.notAList, `'for each' needs a list, not ${typeToString(list.type)}`, list.ir.span);
  }
  const inner = scope.child();
  bindName(s.name, element, 'loop', inner, rc);
  return {
    kind: 'for_each',
    id,
    name: s.name.name,
    list: list.ir,
    body: checkBlock(s.body, inner, rc),
    span: s.span,
  };
}

function checkStmt(s: Stmt, scope: Scope, rc: RuleContext): StepIR {
  const id = rc.stepId();
  switch (s.kind) {
    case 'let': {
      const value = rc.allowingWindows(true, () => checkExpr(s.value, scope, rc));
      bindName(s.name, value.type, 'let', scope, rc);
      return { kind: 'let', id, name: s.name.name, value: value.ir, span: s.span };
    }
    case 'set':
      return checkSet(s, id, scope, rc);
    case 'call':
      return checkCall(s, id, scope, rc);
    case 'if':
      return {
        kind: 'if',
        id,
        branches: s.branches.map((b) => ({
          cond: rc.allowingWindows(true, () => checkCondition(b.cond, "an 'if' condition", scope, rc)),
          body: checkBlock(b.body, scope.child(), rc),
          span: b.span,
        })),
        ...(s.else && { else: checkBlock(s.else, scope.child(), rc) }),
        span: s.span,
      };
    case 'sleep': {
      const d = checkExpr(s.duration, scope, rc);
      const k = nonNull(d.type).kind;
      if (k !== 'duration' && k !== 'any') {
        rc.env.error(
          Codes.notDuration,
          `'sleep' needs a duration (like 48h), not ${typeToString(d.type)}`,
          d.ir.span,
        );
      }
      return { kind: 'sleep', id, duration: d.ir, span: s.span };
    }
    case 'sleep_until': {
      const t = checkExpr(s.time, scope, rc);
      const k = nonNull(t.type).kind;
      if (k !== 'time' && k !== 'any') {
        rc.env.error(Codes.notTime, `'sleep until' needs a time, not ${typeToString(t.type)}`, t.ir.span);
      }
      return { kind: 'sleep_until', id, time: t.ir, span: s.span };
    }
    case 'wait':
      return checkWait(s, id, scope, rc);
    case 'approve':
      return checkApprove(s, id, scope, rc);
    case 'parallel':
      return {
        kind: 'parallel',
        id,
        branches: s.branches.map((b) => checkBlock(b, scope.child(), rc)),
        span: s.span,
      };
    case 'for_each':
      return checkForEach(s, id, scope, rc);
    case 'emit':
      return checkEmit(s, id, scope, rc);
    case 'log': {
      const message = rc.allowingWindows(true, () => checkExpr(s.message, scope, rc));
      return { kind: 'log', id, message: message.ir, span: s.span };
    }
    case 'wait_first':
      return checkWaitFirst(s, id, scope, rc);
    case 'stop':
      return {
        kind: 'stop',
        id,
        ...(s.message && { message: checkExpr(s.message, scope, rc).ir }),
        span: s.span,
      };
    case 'fail':
      return { kind: 'fail', id, message: checkExpr(s.message, scope, rc).ir, span: s.span };
  }
}

/** Checks a block in `scope`; warns once about statements after a `stop` or `fail`. */
export function checkBlock(stmts: readonly Stmt[], scope: Scope, rc: RuleContext): StepIR[] {
  let ended = false;
  let warned = false;
  return stmts.map((s) => {
    if (ended && !warned) {
      rc.env.warn(
        Codes.unreachable,
        'this statement never runs: the statement before it ends the run',
        s.span,
      );
      warned = true;
    }
    if (s.kind === 'stop' || s.kind === 'fail') ended = true;
    return checkStmt(s, scope, rc);
  });
}
