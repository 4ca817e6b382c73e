/**
 * Type checking of expressions, producing their typed IR at the same time (one walk, one source of
 * truth for the types). Every error is reported at the offending token and the expression is
 * given type `any`, so one mistake does not cascade into many diagnostics.
 */
import type { Expr, StringPart } from '../ast/ast';
import { BUILTIN_FUNCTIONS } from './builtins';
import type { BindingInfo, RuleContext, Scope } from './scope';
import type { Typed } from './operators';
import { exprLimitProblem } from './limits';
import { broken, checkBinary, checkUnary } from './operators';
import { Codes } from '../core/diagnostics';
import type { ExprIR, FieldTypeIR, TemplatePartIR } from '../runtime/ir';
import type { Span } from '../core/span';
import { didYouMean } from '../core/suggest';
import type { Type } from './semantic-types';
import { T, fieldOf, joinTypes, listOf, nonNull, objectOf, optional, typeToString } from './semantic-types';
import { FORBIDDEN_MEMBERS } from '../runtime/value';
import { checkAggregateCall, checkV2Name, misplacedWindow } from './window';

/** Marks a binding (and the body binding a `compensate` copy stands for) as read. */
function markUsed(b: BindingInfo): void {
  b.used = true;
  if (b.origin) b.origin.used = true;
}

function checkName(name: string, span: Span, scope: Scope, rc: RuleContext): Typed {
  const binding = scope.lookup(name);
  if (binding) {
    markUsed(binding);
    return { type: binding.type, ir: { kind: 'name', name, span } };
  }
  const v2 = checkV2Name(name, span, rc);
  if (v2) return v2;
  if (name === 'event' && rc.trigger !== 'on') {
    rc.env.error(
      Codes.eventWithoutOn,
      "'event' is only available in a rule triggered by 'on EVENT_TYPE'",
      span,
    );
  } else if (name === 'input' && rc.trigger !== 'manual') {
    rc.env.error(
      Codes.inputWithoutManual,
      "'input' is only available in a rule triggered by 'manual(...)'",
      span,
    );
  } else {
    rc.env.error(Codes.unknownName, `unknown name '${name}'${didYouMean(name, scope.visible())}`, span);
  }
  return broken(span);
}

/** The label of an object type for messages: `event inventory.updated`, or a generic phrase. */
function label(type: Type, rc: RuleContext): string {
  return rc.env.labels.get(type) ?? `this ${typeToString(type)} value`;
}

function checkField(
  object: Typed,
  name: string,
  nameSpan: Span,
  span: Span,
  optionalAccess: boolean,
  rc: RuleContext,
): Type | undefined {
  if (FORBIDDEN_MEMBERS.has(name)) {
    rc.env.error(Codes.reservedName, `'${name}' cannot be read`, nameSpan);
    return undefined;
  }
  const base = nonNull(object.type);
  if (base.kind === 'any') return T.any;
  if (base.kind === 'object') {
    const field = fieldOf(base, name);
    if (!field) {
      const names = base.fields.map((f: FieldTypeIR) => f.name);
      rc.env.error(
        Codes.unknownField,
        `${label(base, rc)} has no field '${name}'${didYouMean(name, names)}`,
        nameSpan,
      );
      return undefined;
    }
    // `a?.b` is null when `a` is; `a.b` on a null `a` fails at run time instead.
    return optionalAccess && object.type.kind === 'optional' ? optional(field.type) : field.type;
  }
  const hint = base.kind === 'list' ? '; use len(list) or list[index]' : '';
  rc.env.error(Codes.notAnObject, `${typeToString(object.type)} has no fields, so no '${name}'${hint}`, span);
  return undefined;
}

function checkIndex(e: Extract<Expr, { kind: 'index' }>, scope: Scope, rc: RuleContext): Typed {
  const object = checkNode(e.object, scope, rc);
  const index = checkNode(e.index, scope, rc);
  const base = nonNull(object.type);
  const ik = nonNull(index.type).kind;
  const ir: ExprIR = { kind: 'index', object: object.ir, index: index.ir, span: e.span };
  if (base.kind === 'any') return { type: T.any, ir };
  if (base.kind === 'list') {
    if (ik !== 'int' && ik !== 'any') {
      rc.env.error(
        Codes.typeMismatch,
        `a list index must be an int, not ${typeToString(index.type)}`,
        index.ir.span,
      );
      return broken(e.span);
    }
    return { type: base.element, ir };
  }
  if (base.kind === 'object') {
    if (ik !== 'string' && ik !== 'any') {
      rc.env.error(
        Codes.typeMismatch,
        `an object key must be a string, not ${typeToString(index.type)}`,
        index.ir.span,
      );
      return broken(e.span);
    }
    if (index.ir.kind === 'literal' && typeof index.ir.value === 'string') {
      const type = checkField(object, index.ir.value, index.ir.span, e.span, false, rc);
      return type ? { type, ir } : broken(e.span);
    }
    return { type: T.any, ir };
  }
  rc.env.error(Codes.notAList, `${typeToString(object.type)} cannot be indexed`, object.ir.span);
  return broken(e.span);
}

function checkCall(e: Extract<Expr, { kind: 'call' }>, scope: Scope, rc: RuleContext): Typed {
  const aggregate = checkAggregateCall(e, scope, rc, checkNode);
  if (aggregate) return aggregate;
  const args = e.args.map((a) => checkNode(a, scope, rc));
  const fn = BUILTIN_FUNCTIONS.get(e.fn);
  if (!fn) {
    const message = rc.env.actions.has(e.fn)
      ? `'${e.fn}' is an action: run it with a 'call' statement`
      : `unknown function '${e.fn}'${didYouMean(e.fn, BUILTIN_FUNCTIONS.keys())}`;
    rc.env.error(Codes.unknownFunction, message, e.fnSpan);
    return broken(e.span);
  }
  if (args.length < fn.minArgs || args.length > fn.maxArgs) {
    const wanted =
      fn.minArgs === fn.maxArgs
        ? `${fn.minArgs}`
        : fn.maxArgs === Infinity
          ? `at least ${fn.minArgs}`
          : `${fn.minArgs} to ${fn.maxArgs}`;
    rc.env.error(
      Codes.wrongArity,
      `${fn.name}() takes ${wanted} argument(s), not ${args.length}: ${fn.signature}`,
      e.fnSpan,
    );
    return broken(e.span);
  }
  if (fn.name === 'secret') return checkSecret(e, rc);
  const resolved = fn.resolve(args.map((a) => a.type));
  if ('problem' in resolved) {
    const span = resolved.arg === undefined ? e.fnSpan : args[resolved.arg].ir.span;
    rc.env.error(Codes.argumentType, `${fn.name}(): ${resolved.problem}`, span);
    return broken(e.span);
  }
  return {
    type: resolved.result,
    ir: { kind: 'call', fn: fn.name, impl: resolved.impl, args: args.map((a) => a.ir), span: e.span },
  };
}

/** Secret names, as the secret stores accept them (an environment variable suffix, a file key). */
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `secret("NAME")`: only a literal name, so data (an event) can never choose which secret is read. */
function checkSecret(e: Extract<Expr, { kind: 'call' }>, rc: RuleContext): Typed {
  const arg = e.args[0];
  const name =
    arg.kind === 'string' && arg.parts.every((p) => p.kind === 'text') ? textOf(arg.parts) : undefined;
  if (name === undefined) {
    rc.env.error(Codes.argumentType, 'secret() takes the name of the secret as a literal string', arg.span);
    return broken(e.span);
  }
  if (!SECRET_NAME.test(name)) {
    rc.env.error(Codes.argumentType, `'${name}' is not a secret name: use letters, digits and _`, arg.span);
    return broken(e.span);
  }
  rc.secrets.add(name);
  return { type: T.string, ir: { kind: 'secret', name, span: e.span } };
}

function textOf(parts: readonly StringPart[]): string {
  return parts.map((p) => (p.kind === 'text' ? p.text : '')).join('');
}

function checkString(e: Extract<Expr, { kind: 'string' }>, scope: Scope, rc: RuleContext): Typed {
  if (e.parts.every((p) => p.kind === 'text')) {
    return { type: T.string, ir: { kind: 'literal', value: textOf(e.parts), span: e.span } };
  }
  const parts: TemplatePartIR[] = e.parts.map((p) => {
    if (p.kind === 'text') return { kind: 'text', text: p.text };
    const typed = checkNode(p.expr, scope, rc);
    return {
      kind: 'interp',
      expr: typed.ir,
      format: nonNull(typed.type).kind === 'duration' ? 'duration' : 'value',
    };
  });
  return { type: T.string, ir: { kind: 'template', parts, span: e.span } };
}

function checkObject(e: Extract<Expr, { kind: 'object' }>, scope: Scope, rc: RuleContext): Typed {
  const fields: FieldTypeIR[] = [];
  const irFields: { name: string; value: ExprIR }[] = [];
  for (const f of e.fields) {
    const value = checkNode(f.value, scope, rc);
    if (fields.some((g) => g.name === f.name)) {
      rc.env.error(Codes.duplicateField, `the object already has a field '${f.name}'`, f.nameSpan);
      continue;
    }
    if (FORBIDDEN_MEMBERS.has(f.name))
      rc.env.error(Codes.reservedName, `'${f.name}' cannot be used as a field name`, f.nameSpan);
    fields.push({ name: f.name, type: value.type });
    irFields.push({ name: f.name, value: value.ir });
  }
  return { type: objectOf(fields), ir: { kind: 'object', fields: irFields, span: e.span } };
}

/**
 * Checks an expression, reporting problems; returns its type and IR. An expression the evaluator
 * would refuse for its depth or size is reported (`limits.ts`) and not walked further.
 */
export function checkExpr(e: Expr, scope: Scope, rc: RuleContext): Typed {
  const problem = exprLimitProblem(e);
  if (problem) {
    rc.env.error(problem.code, problem.message, problem.span);
    return broken(e.span);
  }
  return checkNode(e, scope, rc);
}

/** `checkExpr` of a sub-expression: the limits were checked for the whole. */
function checkNode(e: Expr, scope: Scope, rc: RuleContext): Typed {
  switch (e.kind) {
    case 'number': {
      const whole = Number.isInteger(e.value) && !/[.eE]/.test(e.raw);
      return { type: whole ? T.int : T.number, ir: { kind: 'literal', value: e.value, span: e.span } };
    }
    case 'string':
      return checkString(e, scope, rc);
    case 'bool':
      return { type: T.bool, ir: { kind: 'literal', value: e.value, span: e.span } };
    case 'null':
      return { type: T.null, ir: { kind: 'literal', value: null, span: e.span } };
    case 'duration':
      return { type: T.duration, ir: { kind: 'duration', ms: e.ms, span: e.span } };
    case 'list': {
      const items = e.items.map((i) => checkNode(i, scope, rc));
      let element: Type | undefined = items.length > 0 ? items[0].type : T.any;
      for (const item of items.slice(1)) element = element && joinTypes(element, item.type);
      return {
        type: listOf(element ?? T.any),
        ir: { kind: 'list', items: items.map((i) => i.ir), span: e.span },
      };
    }
    case 'object':
      return checkObject(e, scope, rc);
    case 'name':
      return checkName(e.name, e.span, scope, rc);
    case 'member': {
      const object = checkNode(e.object, scope, rc);
      const type = checkField(object, e.name, e.nameSpan, e.span, e.optional, rc);
      if (!type) return broken(e.span);
      return {
        type,
        ir: { kind: 'member', object: object.ir, name: e.name, optional: e.optional, span: e.span },
      };
    }
    case 'index':
      return checkIndex(e, scope, rc);
    case 'call':
      return checkCall(e, scope, rc);
    case 'unary':
      return checkUnary(e.op, checkNode(e.operand, scope, rc), e.span, rc);
    case 'binary':
      return checkBinary(e, checkNode(e.left, scope, rc), checkNode(e.right, scope, rc), rc);
    case 'paren':
      return checkNode(e.expr, scope, rc);
    case 'window':
      return misplacedWindow(e, rc);
    default:
      return broken((e as { span: Span }).span);
  }
}
