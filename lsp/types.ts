/**
 * Types of names and expressions for the editor: what hover shows and what completion offers
 * after `NAME.`. The checker reports problems; this only answers "what is this", from the same
 * declarations (the checked program's events and actions, the built-in functions' own resolvers),
 * and says `any` where it cannot tell, never an error.
 */
import { BUILTIN_FUNCTIONS, type Expr, type FieldDecl, type TypeExpr, type TypeIR } from '../dsl';

export const ANY: TypeIR = { kind: 'any' };

/** A type written in a declaration (`list<string>?`) as the checker's type. */
export function typeFromAst(t: TypeExpr): TypeIR {
  let out: TypeIR;
  if (t.kind === 'primitive') out = { kind: t.name };
  else if (t.kind === 'list') out = { kind: 'list', element: typeFromAst(t.element) };
  else out = objectType(t.fields);
  return t.optional ? { kind: 'optional', type: out } : out;
}

export function objectType(fields: readonly FieldDecl[]): TypeIR {
  return { kind: 'object', fields: fields.map((f) => ({ name: f.name, type: typeFromAst(f.type) })) };
}

export function nonNull(t: TypeIR): TypeIR {
  return t.kind === 'optional' ? t.type : t;
}

export function optionalOf(t: TypeIR): TypeIR {
  return t.kind === 'optional' || t.kind === 'any' || t.kind === 'null' ? t : { kind: 'optional', type: t };
}

/** The fields of a value of this type, when it is an object. */
export function fieldsOf(t: TypeIR): readonly { name: string; type: TypeIR }[] {
  const base = nonNull(t);
  return base.kind === 'object' ? base.fields : [];
}

/** What a name means while inferring: its type, and the event type when it holds an event. */
export interface NameInfo {
  readonly type: TypeIR;
  readonly event?: string;
}

export type Lookup = (name: string) => NameInfo | undefined;

const COMPARISONS = new Set(['==', '!=', '<', '<=', '>', '>=', 'in', 'not in', 'and', 'or']);

/** The type of an expression, as far as the declarations tell; `any` where they do not. */
export function inferType(expr: Expr, lookup: Lookup, depth = 0): TypeIR {
  if (depth > 200) return ANY;
  const next = (e: Expr): TypeIR => inferType(e, lookup, depth + 1);
  switch (expr.kind) {
    case 'number':
      return { kind: /[.eE]/.test(expr.raw) ? 'number' : 'int' };
    case 'string':
      return { kind: 'string' };
    case 'bool':
      return { kind: 'bool' };
    case 'null':
      return { kind: 'null' };
    case 'duration':
      return { kind: 'duration' };
    case 'list':
      return { kind: 'list', element: expr.items.length > 0 ? next(expr.items[0]) : ANY };
    case 'object':
      return { kind: 'object', fields: expr.fields.map((f) => ({ name: f.name, type: next(f.value) })) };
    case 'name':
      return lookup(expr.name)?.type ?? ANY;
    case 'member': {
      const object = next(expr.object);
      const field = fieldsOf(object).find((f) => f.name === expr.name);
      if (!field) return ANY;
      return expr.optional && object.kind === 'optional' ? optionalOf(field.type) : field.type;
    }
    case 'index': {
      const object = nonNull(next(expr.object));
      return object.kind === 'list' ? object.element : ANY;
    }
    case 'call': {
      const fn = BUILTIN_FUNCTIONS.get(expr.fn);
      if (!fn) return ANY;
      try {
        const resolution = fn.resolve(expr.args.map(next));
        return 'result' in resolution ? resolution.result : ANY;
      } catch {
        return ANY;
      }
    }
    case 'unary':
      return expr.op === 'not' ? { kind: 'bool' } : next(expr.operand);
    case 'paren':
      return next(expr.expr);
    case 'binary':
      return binaryType(expr.op, next(expr.left), next(expr.right));
    default:
      return ANY;
  }
}

function binaryType(op: string, left: TypeIR, right: TypeIR): TypeIR {
  if (COMPARISONS.has(op)) return { kind: 'bool' };
  if (op === '??') return nonNull(left).kind === 'null' ? right : nonNull(left);
  const l = nonNull(left).kind;
  const r = nonNull(right).kind;
  if (op === '+' && (l === 'string' || r === 'string')) return { kind: 'string' };
  if (l === 'time' && r === 'duration') return { kind: 'time' };
  if (l === 'time' && r === 'time' && op === '-') return { kind: 'duration' };
  if (l === 'duration' && r === 'duration') return { kind: 'duration' };
  if (l === 'duration' || r === 'duration')
    return op === '/' && l === r ? { kind: 'number' } : { kind: 'duration' };
  if (l === 'int' && r === 'int' && op !== '/') return { kind: 'int' };
  if ((l === 'int' || l === 'number') && (r === 'int' || r === 'number')) return { kind: 'number' };
  return ANY;
}
