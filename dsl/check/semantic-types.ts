/**
 * Semantic types of the rule language: construction, assignability, comparability and printing.
 *
 * Types are the plain-JSON `TypeIR` values of `runtime/ir.ts`, so the checker's types go into the
 * IR as they are. Rules (documented for operators in docs/language.md):
 * - `int` is assignable to `number`; `time` is assignable to `string` (times are ISO strings).
 * - `any` is assignable both ways; checks move to run time.
 * - `T?` (optional) means "T or null". `null` is assignable to any optional. A `T?` is accepted
 *   where a `T` is expected (null-lenient): the value is checked at run time where it matters.
 */
import type { FieldTypeIR, TypeIR } from '../runtime/ir';
import type { PrimitiveTypeName } from '../ast/ast';

export type Type = TypeIR;

export const T = {
  string: { kind: 'string' },
  number: { kind: 'number' },
  int: { kind: 'int' },
  bool: { kind: 'bool' },
  time: { kind: 'time' },
  duration: { kind: 'duration' },
  any: { kind: 'any' },
  null: { kind: 'null' },
} as const satisfies Record<string, Type>;

export function primitive(name: PrimitiveTypeName): Type {
  return T[name];
}

export function listOf(element: Type): Type {
  return { kind: 'list', element };
}

export function objectOf(fields: readonly FieldTypeIR[]): Type {
  return { kind: 'object', fields };
}

/**
 * `T?`, normalised: `T??` is `T?` and `null?` is `null`. `any?` is kept apart from `any` because
 * optionality also says whether a field or parameter may be left out.
 */
export function optional(type: Type): Type {
  if (type.kind === 'optional' || type.kind === 'null') return type;
  return { kind: 'optional', type };
}

/** The type without its `?`. */
export function nonNull(type: Type): Type {
  return type.kind === 'optional' ? type.type : type;
}

export function isOptional(type: Type): boolean {
  return type.kind === 'optional' || type.kind === 'null';
}

export function fieldOf(type: Type, name: string): FieldTypeIR | undefined {
  return type.kind === 'object' ? type.fields.find((f) => f.name === name) : undefined;
}

export function isNumeric(type: Type): boolean {
  return type.kind === 'int' || type.kind === 'number';
}

/** Structural equality. */
export function sameType(a: Type, b: Type): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'list' && b.kind === 'list') return sameType(a.element, b.element);
  if (a.kind === 'optional' && b.kind === 'optional') return sameType(a.type, b.type);
  if (a.kind === 'object' && b.kind === 'object') {
    return (
      a.fields.length === b.fields.length &&
      a.fields.every((f) => {
        const g = fieldOf(b, f.name);
        return g !== undefined && sameType(f.type, g.type);
      })
    );
  }
  return true;
}

/**
 * Can a value of type `from` be used where `to` is expected? Objects are structural with width
 * subtyping: extra fields are fine, a missing field is fine only if the target field is optional.
 */
export function isAssignable(from: Type, to: Type): boolean {
  if (from.kind === 'any' || to.kind === 'any') return true;
  if (to.kind === 'optional') {
    return from.kind === 'null' || isAssignable(nonNull(from), to.type);
  }
  if (from.kind === 'null') return false;
  // Null-lenient: a `T?` where a `T` is expected is checked at run time.
  if (from.kind === 'optional') return isAssignable(from.type, to);
  switch (to.kind) {
    case 'number':
      return from.kind === 'number' || from.kind === 'int';
    case 'string':
      return from.kind === 'string' || from.kind === 'time';
    case 'list':
      return from.kind === 'list' && isAssignable(from.element, to.element);
    case 'object':
      return (
        from.kind === 'object' &&
        to.fields.every((f) => {
          const g = fieldOf(from, f.name);
          return g === undefined ? isOptional(f.type) || f.type.kind === 'any' : isAssignable(g.type, f.type);
        })
      );
    default:
      return from.kind === to.kind;
  }
}

/**
 * The smallest type both `a` and `b` are assignable to, when there is a sensible one (for list
 * literals and `??`); `undefined` when they have nothing in common.
 */
export function joinTypes(a: Type, b: Type): Type | undefined {
  if (a.kind === 'any' || b.kind === 'any') return T.any;
  if (a.kind === 'null' && b.kind === 'null') return T.null;
  if (a.kind === 'null') return optional(b);
  if (b.kind === 'null') return optional(a);
  if (a.kind === 'optional' || b.kind === 'optional') {
    const inner = joinTypes(nonNull(a), nonNull(b));
    return inner && optional(inner);
  }
  if (isNumeric(a) && isNumeric(b)) return a.kind === 'int' && b.kind === 'int' ? T.int : T.number;
  if (a.kind === 'list' && b.kind === 'list') {
    const element = joinTypes(a.element, b.element);
    return element && listOf(element);
  }
  if (a.kind === 'object' && b.kind === 'object') {
    // Keep the fields both have; a field only one side has becomes optional.
    const fields: FieldTypeIR[] = [];
    for (const f of a.fields) {
      const g = fieldOf(b, f.name);
      const type = g ? joinTypes(f.type, g.type) : optional(f.type);
      if (!type) return undefined;
      fields.push({ name: f.name, type });
    }
    for (const g of b.fields) if (!fieldOf(a, g.name)) fields.push({ name: g.name, type: optional(g.type) });
    return objectOf(fields);
  }
  if (isAssignable(a, b)) return b;
  if (isAssignable(b, a)) return a;
  return undefined;
}

/**
 * Can `a == b` (and `!=`) be asked? Anything can be compared with `null` and with `any`; numbers
 * with numbers; otherwise the types must be compatible one way or the other.
 */
export function isEqualityComparable(a: Type, b: Type): boolean {
  const x = nonNull(a);
  const y = nonNull(b);
  if (x.kind === 'any' || y.kind === 'any' || x.kind === 'null' || y.kind === 'null') return true;
  if (isNumeric(x) && isNumeric(y)) return true;
  if (x.kind === 'time' || y.kind === 'time') return x.kind === y.kind;
  return isAssignable(x, y) || isAssignable(y, x);
}

/** Types that have an order for `< <= > >=` (and `min`/`max`). */
export function orderKind(type: Type): 'number' | 'string' | 'time' | 'duration' | 'any' | undefined {
  const t = nonNull(type);
  switch (t.kind) {
    case 'int':
    case 'number':
      return 'number';
    case 'string':
    case 'time':
    case 'duration':
    case 'any':
      return t.kind;
    default:
      return undefined;
  }
}

/** The type as the user would write it: `int`, `list<string>?`, `{ id: string, n: int? }`. */
export function typeToString(type: Type): string {
  switch (type.kind) {
    case 'list':
      return `list<${typeToString(type.element)}>`;
    case 'optional':
      return `${typeToString(type.type)}?`;
    case 'object':
      return type.fields.length === 0
        ? '{}'
        : `{ ${type.fields.map((f) => `${f.name}: ${typeToString(f.type)}`).join(', ')} }`;
    default:
      return type.kind;
  }
}
