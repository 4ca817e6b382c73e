/**
 * Typing of operators: which operand types an operator accepts, what it gives, and which runtime
 * operation (`ArithOp`, `CompareMode`) the IR records, so the evaluator never guesses.
 *
 * Optional operands (`T?`) are accepted like `T`; a null reaching arithmetic is a runtime error, and
 * a comparison with null is false except `==`/`!=` (LANGUAGE.md §5). `any` operands make the IR
 * operation `dynamic`.
 */
import type { BinaryOp, Expr } from '../ast/ast';
import type { RuleContext } from './scope';
import { Codes } from '../core/diagnostics';
import type { ArithOp, CompareMode, ExprIR } from '../runtime/ir';
import type { Span } from '../core/span';
import type { Type } from './semantic-types';
import {
  T,
  isEqualityComparable,
  isNumeric,
  joinTypes,
  listOf,
  nonNull,
  orderKind,
  typeToString,
} from './semantic-types';

/** A checked expression: its type and its IR. */
export interface Typed {
  readonly type: Type;
  readonly ir: ExprIR;
}

/** The IR of an expression that failed to check; never executed, since the rule has errors. */
export function broken(span: Span): Typed {
  return { type: T.any, ir: { kind: 'literal', value: null, span } };
}

/** Can this type be used as a condition? `bool`, `bool?` (null is false) and `any`. */
export function isBoolish(type: Type): boolean {
  const k = nonNull(type).kind;
  return k === 'bool' || k === 'any';
}

export function checkUnary(op: '-' | 'not', operand: Typed, span: Span, rc: RuleContext): Typed {
  const k = nonNull(operand.type).kind;
  if (op === 'not') {
    if (!isBoolish(operand.type)) {
      rc.env.error(Codes.notBool, `'not' needs a bool, not ${typeToString(operand.type)}`, operand.ir.span);
      return broken(span);
    }
    return { type: T.bool, ir: { kind: 'not', operand: operand.ir, span } };
  }
  if (k === 'int' || k === 'number' || k === 'duration' || k === 'any') {
    const mode = k === 'duration' ? 'duration' : k === 'any' ? 'dynamic' : 'number';
    return { type: nonNull(operand.type), ir: { kind: 'neg', mode, operand: operand.ir, span } };
  }
  rc.env.error(Codes.typeMismatch, `cannot negate ${typeToString(operand.type)}`, operand.ir.span);
  return broken(span);
}

function equalityMode(a: Type, b: Type): CompareMode {
  const x = nonNull(a).kind;
  const y = nonNull(b).kind;
  if (x === 'null' || y === 'null') return 'value';
  if (x === 'any' || y === 'any') return 'dynamic';
  if (isNumeric(nonNull(a)) && isNumeric(nonNull(b))) return 'number';
  if (x === y && (x === 'string' || x === 'bool' || x === 'time' || x === 'duration')) return x;
  return 'value';
}

function checkComparison(e: BinaryExpr, left: Typed, right: Typed, rc: RuleContext): Typed {
  const op = e.op as '==' | '!=' | '<' | '<=' | '>' | '>=';
  const cannot = (): Typed => {
    rc.env.error(
      Codes.incomparable,
      `cannot compare ${typeToString(left.type)} with ${typeToString(right.type)} using '${op}'`,
      e.span,
    );
    return broken(e.span);
  };
  let mode: CompareMode;
  if (op === '==' || op === '!=') {
    if (!isEqualityComparable(left.type, right.type)) return cannot();
    mode = equalityMode(left.type, right.type);
  } else {
    // Ordering with a null literal is allowed and always false, like any comparison with null.
    const l = left.type.kind === 'null' ? orderKind(right.type) : orderKind(left.type);
    const r = right.type.kind === 'null' ? l : orderKind(right.type);
    if (l === undefined || r === undefined) return cannot();
    if (l !== r && l !== 'any' && r !== 'any') return cannot();
    const known = l === 'any' ? r : l;
    mode = known === 'any' ? 'dynamic' : known;
  }
  return { type: T.bool, ir: { kind: 'compare', op, mode, left: left.ir, right: right.ir, span: e.span } };
}

function checkIn(e: BinaryExpr, left: Typed, right: Typed, rc: RuleContext): Typed {
  const container = nonNull(right.type);
  const negate = e.op === 'not in';
  let mode: 'list' | 'string' | 'dynamic';
  if (container.kind === 'list') {
    if (!isEqualityComparable(left.type, container.element)) {
      rc.env.error(
        Codes.incomparable,
        `cannot look for ${typeToString(left.type)} in ${typeToString(right.type)}`,
        e.span,
      );
      return broken(e.span);
    }
    mode = 'list';
  } else if (container.kind === 'string' || container.kind === 'time') {
    const k = nonNull(left.type).kind;
    if (k !== 'string' && k !== 'any') {
      rc.env.error(
        Codes.incomparable,
        `only a string can be looked for in a string, not ${typeToString(left.type)}`,
        e.span,
      );
      return broken(e.span);
    }
    mode = 'string';
  } else if (container.kind === 'any' || container.kind === 'null') {
    mode = 'dynamic';
  } else {
    rc.env.error(
      Codes.notAList,
      `'${e.op}' needs a list or a string on its right, not ${typeToString(right.type)}`,
      right.ir.span,
    );
    return broken(e.span);
  }
  return { type: T.bool, ir: { kind: 'in', negate, mode, left: left.ir, right: right.ir, span: e.span } };
}

/** The arithmetic overload for two operand kinds, or undefined; `swap` puts a time/duration first. */
function arithmetic(
  op: '+' | '-' | '*' | '/' | '%',
  a: Type,
  b: Type,
): { op: ArithOp; type: Type; swap?: boolean } | undefined {
  const x = a.kind;
  const y = b.kind;
  const numeric = isNumeric(a) && isNumeric(b);
  const numType = x === 'int' && y === 'int' ? T.int : T.number;
  if (x === 'any' || y === 'any') {
    const dyn = { '+': 'dyn.add', '-': 'dyn.sub', '*': 'dyn.mul', '/': 'dyn.div', '%': 'dyn.mod' } as const;
    return { op: dyn[op], type: T.any };
  }
  switch (op) {
    case '+':
      if (numeric) return { op: 'num.add', type: numType };
      if (x === 'string' && y === 'string') return { op: 'str.concat', type: T.string };
      if (a.kind === 'list' && b.kind === 'list')
        return { op: 'list.concat', type: joinTypes(a, b) ?? listOf(T.any) };
      if (x === 'time' && y === 'duration') return { op: 'time.add', type: T.time };
      if (x === 'duration' && y === 'time') return { op: 'time.add', type: T.time, swap: true };
      if (x === 'duration' && y === 'duration') return { op: 'dur.add', type: T.duration };
      return undefined;
    case '-':
      if (numeric) return { op: 'num.sub', type: numType };
      if (x === 'time' && y === 'duration') return { op: 'time.sub', type: T.time };
      if (x === 'time' && y === 'time') return { op: 'time.diff', type: T.duration };
      if (x === 'duration' && y === 'duration') return { op: 'dur.sub', type: T.duration };
      return undefined;
    case '*':
      if (numeric) return { op: 'num.mul', type: numType };
      if (x === 'duration' && isNumeric(b)) return { op: 'dur.mul', type: T.duration };
      if (isNumeric(a) && y === 'duration') return { op: 'dur.mul', type: T.duration, swap: true };
      return undefined;
    case '/':
      if (numeric) return { op: 'num.div', type: T.number };
      if (x === 'duration' && isNumeric(b)) return { op: 'dur.div', type: T.duration };
      if (x === 'duration' && y === 'duration') return { op: 'dur.ratio', type: T.number };
      return undefined;
    case '%':
      return numeric ? { op: 'num.mod', type: numType } : undefined;
  }
}

function checkArithmetic(e: BinaryExpr, left: Typed, right: Typed, rc: RuleContext): Typed {
  const op = e.op as '+' | '-' | '*' | '/' | '%';
  const found = arithmetic(op, nonNull(left.type), nonNull(right.type));
  if (!found) {
    const text = [left.type, right.type].some((t) => nonNull(t).kind === 'string');
    const hint = op === '+' && text ? '; to build text, use interpolation: "... ${x} ..."' : '';
    rc.env.error(
      Codes.typeMismatch,
      `cannot apply '${op}' to ${typeToString(left.type)} and ${typeToString(right.type)}${hint}`,
      e.span,
    );
    return broken(e.span);
  }
  const [l, r] = found.swap ? [right.ir, left.ir] : [left.ir, right.ir];
  return { type: found.type, ir: { kind: 'arith', op: found.op, left: l, right: r, span: e.span } };
}

type BinaryExpr = Extract<Expr, { kind: 'binary' }>;

/** Types a binary expression whose operands are already checked. */
export function checkBinary(e: BinaryExpr, left: Typed, right: Typed, rc: RuleContext): Typed {
  const op: BinaryOp = e.op;
  switch (op) {
    case '??': {
      const type = left.type.kind === 'null' ? right.type : joinTypes(nonNull(left.type), right.type);
      if (!type) {
        rc.env.error(
          Codes.typeMismatch,
          `the two sides of '??' do not fit together: ${typeToString(left.type)} and ${typeToString(right.type)}`,
          e.span,
        );
        return broken(e.span);
      }
      return { type, ir: { kind: 'coalesce', left: left.ir, right: right.ir, span: e.span } };
    }
    case 'and':
    case 'or': {
      let ok = true;
      for (const side of [left, right]) {
        if (!isBoolish(side.type)) {
          rc.env.error(Codes.notBool, `'${op}' needs bools, not ${typeToString(side.type)}`, side.ir.span);
          ok = false;
        }
      }
      if (!ok) return broken(e.span);
      return { type: T.bool, ir: { kind: op, left: left.ir, right: right.ir, span: e.span } };
    }
    case '==':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      return checkComparison(e, left, right, rc);
    case 'in':
    case 'not in':
      return checkIn(e, left, right, rc);
    default:
      return checkArithmetic(e, left, right, rc);
  }
}
