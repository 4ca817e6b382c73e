/**
 * Operators at run time: arithmetic, comparison and `in`. The checker chose each operator's mode
 * from the static types; these functions still check the runtime values, because `any` data and
 * hand-made IR must fail with an `EvalError`, never with a wrong answer or a JS exception.
 */
import { EvalError } from './errors';
import type { ArithOp, CompareMode, CompareOp } from './ir';
import type { Meter } from './evaluator-meter';
import type { Span } from '../core/span';
import type { SecretRef, SecretTemplate, Value } from './value';
import { deepEqual, isSecret, isSecretRef, isSecretTemplate, kindOf, previewValue } from './value';
import { formatTime, isRepresentableTime, parseTime } from './value-time';
import { ARITH_SYMBOL } from './expr-text';

function cannot(op: ArithOp, a: Value, b: Value, span: Span): EvalError {
  const code = a === null || b === null ? 'null-value' : isSecret(a) || isSecret(b) ? 'secret' : 'type';
  const what = `${previewValue(a)} ${ARITH_SYMBOL[op]} ${previewValue(b)}`;
  const why =
    code === 'null-value' ? 'a value is null' : `${kindOf(a)} and ${kindOf(b)} do not go together here`;
  return new EvalError(code, `cannot compute ${what}: ${why}`, span);
}

/** A finite number, or an error: JSON has no Infinity or NaN. */
export function finite(n: number, span: Span): number {
  if (!Number.isFinite(n)) throw new EvalError('bad-number', 'the result is not a finite number', span);
  return n === 0 ? 0 : n;
}

/** Milliseconds of a time value, or an error naming the bad text. */
export function timeMs(value: Value, span: Span): number {
  const ms = typeof value === 'string' ? parseTime(value) : undefined;
  if (ms === undefined) {
    throw new EvalError('bad-time', `${previewValue(value)} is not an ISO-8601 time`, span);
  }
  return ms;
}

/** A time value from milliseconds, or an error when it is out of range. */
export function timeValue(ms: number, span: Span): string {
  if (!isRepresentableTime(ms)) throw new EvalError('bad-time', 'the time is out of range', span);
  return formatTime(ms);
}

/** Concatenation where a side is a secret: the result stays opaque (a `$template`). */
function concatSecret(a: Value, b: Value, meter: Meter, span: Span): SecretTemplate {
  const parts: (string | SecretRef)[] = [];
  for (const side of [a, b]) {
    if (typeof side === 'string') parts.push(side);
    else if (isSecretRef(side)) parts.push(side);
    else if (isSecretTemplate(side)) parts.push(...side.$template);
    else throw new EvalError('secret', 'a secret can only be joined with text', span);
  }
  meter.listLength(parts.length, span);
  return { $template: parts };
}

function divide(a: number, b: number, span: Span): number {
  if (b === 0) throw new EvalError('division-by-zero', `division by zero (${a} / 0)`, span);
  return finite(a / b, span);
}

export function arith(op: ArithOp, a: Value, b: Value, meter: Meter, span: Span): Value {
  const nums = typeof a === 'number' && typeof b === 'number';
  switch (op) {
    case 'num.add':
    case 'dur.add':
      if (nums) return finite(a + b, span);
      break;
    case 'num.sub':
    case 'dur.sub':
      if (nums) return finite(a - b, span);
      break;
    case 'num.mul':
      if (nums) return finite(a * b, span);
      break;
    case 'num.div':
    case 'dur.ratio':
      if (nums) return divide(a, b, span);
      break;
    case 'num.mod':
      if (nums) {
        if (b === 0)
          throw new EvalError('division-by-zero', `remainder of a division by zero (${a} % 0)`, span);
        return finite(a % b, span);
      }
      break;
    case 'dur.mul':
      if (nums) return finite(Math.round(a * b), span);
      break;
    case 'dur.div':
      if (nums) return Math.round(divide(a, b, span));
      break;
    case 'str.concat':
      return concat(a, b, meter, span) ?? throwCannot(op, a, b, span);
    case 'list.concat':
      if (Array.isArray(a) && Array.isArray(b)) {
        meter.listLength(a.length + b.length, span);
        return [...(a as readonly Value[]), ...(b as readonly Value[])];
      }
      break;
    case 'time.add':
    case 'time.sub':
      if (typeof a === 'string' && typeof b === 'number') {
        return timeValue(timeMs(a, span) + (op === 'time.add' ? b : -b), span);
      }
      break;
    case 'time.diff':
      if (typeof a === 'string' && typeof b === 'string') return timeMs(a, span) - timeMs(b, span);
      break;
    case 'dyn.add':
      if (nums) return finite(a + b, span);
      if (Array.isArray(a) && Array.isArray(b)) return arith('list.concat', a, b, meter, span);
      return concat(a, b, meter, span) ?? throwCannot(op, a, b, span);
    case 'dyn.sub':
      if (nums) return finite(a - b, span);
      break;
    case 'dyn.mul':
      if (nums) return finite(a * b, span);
      break;
    case 'dyn.div':
      if (nums) return divide(a, b, span);
      break;
    case 'dyn.mod':
      if (nums) return arith('num.mod', a, b, meter, span);
      break;
    default:
      throw new EvalError('invalid-ir', `unknown operator ${String(op)}`, span);
  }
  throw cannot(op, a, b, span);
}

function throwCannot(op: ArithOp, a: Value, b: Value, span: Span): never {
  throw cannot(op, a, b, span);
}

/** `string + string`, also with secrets on either side; `undefined` when the operands are not text. */
function concat(a: Value, b: Value, meter: Meter, span: Span): Value | undefined {
  // Both sides are within the cap, so the result is at most twice it before being checked.
  if (typeof a === 'string' && typeof b === 'string') return meter.string(a + b, span);
  const text = (v: Value): boolean => typeof v === 'string' || isSecret(v);
  if (text(a) && text(b)) return concatSecret(a, b, meter, span);
  return undefined;
}

/** Order of two values under a mode, or `undefined` when the values do not fit it. */
function order(mode: CompareMode, a: Value, b: Value, span: Span): number | undefined {
  if (mode === 'time') return timeMs(a, span) - timeMs(b, span);
  if (typeof a === 'number' && typeof b === 'number' && mode !== 'string') return a - b;
  if (typeof a === 'string' && typeof b === 'string' && (mode === 'string' || mode === 'dynamic')) {
    return a < b ? -1 : a > b ? 1 : 0;
  }
  return undefined;
}

/** `== != < <= > >=`. A comparison with null is false, except `==`/`!=`. */
export function compare(
  op: CompareOp,
  mode: CompareMode,
  a: Value,
  b: Value,
  meter: Meter,
  span: Span,
): boolean {
  if (isSecret(a) || isSecret(b)) throw new EvalError('secret', 'a secret cannot be compared', span);
  if (op === '==' || op === '!=') {
    let equal: boolean;
    if (a === null || b === null) equal = a === b;
    else if (mode === 'time') equal = timeMs(a, span) === timeMs(b, span);
    else equal = deepEqual(a, b, meter, span);
    return op === '==' ? equal : !equal;
  }
  if (a === null || b === null) return false;
  const d = order(mode, a, b, span);
  if (d === undefined) {
    throw new EvalError(
      'type',
      `cannot order ${previewValue(a)} and ${previewValue(b)} (${kindOf(a)}, ${kindOf(b)})`,
      span,
    );
  }
  switch (op) {
    case '<':
      return d < 0;
    case '<=':
      return d <= 0;
    case '>':
      return d > 0;
    case '>=':
      return d >= 0;
    default:
      throw new EvalError('invalid-ir', `unknown comparison ${String(op)}`, span);
  }
}

/** `a in b`: an item of a list (deep equality) or a substring of a string; nothing is in null. */
export function contains(
  mode: 'list' | 'string' | 'dynamic',
  a: Value,
  b: Value,
  meter: Meter,
  span: Span,
): boolean {
  if (isSecret(a) || isSecret(b)) throw new EvalError('secret', 'a secret cannot be searched', span);
  if (b === null) return false;
  if (Array.isArray(b) && mode !== 'string') {
    meter.charge(b.length, span);
    return (b as readonly Value[]).some((item) => deepEqual(a, item, meter, span));
  }
  if (typeof b === 'string' && mode !== 'list') {
    if (typeof a !== 'string') {
      throw new EvalError(
        a === null ? 'null-value' : 'type',
        `cannot look for ${kindOf(a)} in a string`,
        span,
      );
    }
    meter.charge(Math.ceil(b.length / 64), span);
    return b.includes(a);
  }
  throw new EvalError('type', `cannot look for a value in ${kindOf(b)}`, span);
}
