/**
 * Operators as closures: comparisons, `in`, arithmetic and built-in calls. Each takes a fast path
 * for the values the checker expects (numbers with numbers, strings with strings, ...) that gives
 * the same result and charges the same steps as the shared operator in `runtime/evaluator-ops.ts`,
 * and hands anything else to that operator, so unusual values (secrets, nulls, `any` data of the
 * wrong kind) fail exactly as in the evaluator.
 */
import type { EvalState, Run } from './eval-state';
import { readPath, type PathSpec } from './paths';
import { callBuiltin } from '../evaluator-builtins';
import { arith, compare, contains, finite } from '../evaluator-ops';
import type { ExprIR } from '../ir';
import { EvalError } from '../errors';
import { MAX_STRING_LENGTH } from '../evaluator-meter';
import type { Span } from '../../core/span';
import type { SecretRef, Value } from '../value';
import { deepEqual, isSecretRef, isSecretTemplate, toText } from '../value';

/**
 * An operator's operand. In the fast form a member path or a constant is read inline by `get`
 * instead of through a closure: with many different guards, calls from one closure to another
 * cannot be inlined by V8, and paths and constants are most operands of guards.
 */
export interface Operand {
  readonly run: Run;
  readonly path: PathSpec | undefined;
  readonly constant: boolean;
  readonly value: Value;
}

export function get(f: EvalState, o: Operand): Value {
  if (o.path !== undefined) return readPath(f, o.path);
  return o.constant ? o.value : o.run(f);
}

type Of<K extends ExprIR['kind']> = Extract<ExprIR, { kind: K }>;

/**
 * `metered`: charge the step of visiting the node itself (see `closures.ts`). `depth`: the
 * node's nesting level, for operators that recurse into values.
 */
export interface OpContext {
  readonly metered: boolean;
  readonly depth: number;
}

/** Do `a` and `b` order as JS primitives under the comparison's mode? */
function fits(a: Value, b: Value, numbers: boolean, strings: boolean): boolean {
  return typeof a === 'number'
    ? numbers && typeof b === 'number'
    : strings && typeof a === 'string' && typeof b === 'string';
}

export function closureCompare(
  e: Of<'compare'>,
  l: Operand,
  r: Operand,
  { metered: m, depth }: OpContext,
): Run {
  const { op, mode, span } = e;
  const slow = (a: Value, b: Value, f: EvalState): boolean => {
    f.level = depth;
    return compare(op, mode, a, b, f, span);
  };
  if (mode === 'time') {
    return (f) => {
      if (m) f.charge(1, span);
      const a = get(f, l);
      return slow(a, get(f, r), f);
    };
  }
  if (op === '==' || op === '!=') {
    const want = op === '==';
    return (f) => {
      if (m) f.charge(1, span);
      const a = get(f, l);
      const b = get(f, r);
      const ta = typeof a;
      const tb = typeof b;
      // Primitives: deep equality is `===` after its one step; with a null no step is charged.
      if (ta !== 'object' && tb !== 'object') {
        f.charge(1, span);
        return (a === b) === want;
      }
      if ((a === null && (b === null || tb !== 'object')) || (b === null && ta !== 'object')) {
        return (a === b) === want;
      }
      return slow(a, b, f);
    };
  }
  // Ordering: numbers order unless the mode says strings; strings order under `string`/`dynamic`.
  const numbers = mode !== 'string';
  const strings = mode === 'string' || mode === 'dynamic';
  // One closure per operator, so each comparison closure stays monomorphic; `fits` is a plain
  // function (not a closure per node) so that V8 inlines it everywhere.
  switch (op) {
    case '<':
      return (f) => {
        if (m) f.charge(1, span);
        const a = get(f, l);
        const b = get(f, r);
        return fits(a, b, numbers, strings) ? (a as number) < (b as number) : slow(a, b, f);
      };
    case '<=':
      return (f) => {
        if (m) f.charge(1, span);
        const a = get(f, l);
        const b = get(f, r);
        return fits(a, b, numbers, strings) ? (a as number) <= (b as number) : slow(a, b, f);
      };
    case '>':
      return (f) => {
        if (m) f.charge(1, span);
        const a = get(f, l);
        const b = get(f, r);
        return fits(a, b, numbers, strings) ? (a as number) > (b as number) : slow(a, b, f);
      };
    case '>=':
      return (f) => {
        if (m) f.charge(1, span);
        const a = get(f, l);
        const b = get(f, r);
        return fits(a, b, numbers, strings) ? (a as number) >= (b as number) : slow(a, b, f);
      };
    default:
      return (f) => {
        if (m) f.charge(1, span);
        const a = get(f, l);
        return slow(a, get(f, r), f);
      };
  }
}

export function closureIn(e: Of<'in'>, l: Operand, r: Operand, { metered: m, depth }: OpContext): Run {
  const { mode, negate, span } = e;
  return (f) => {
    if (m) f.charge(1, span);
    const a = get(f, l);
    const b = get(f, r);
    f.level = depth;
    // An item of a list, looked for by a primitive: deep equality is `===` after its one step,
    // except against an object item, which deep equality handles (a secret item is an error).
    if (Array.isArray(b) && mode !== 'string' && a !== null && typeof a !== 'object') {
      const items = b as readonly Value[];
      f.charge(items.length, span);
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        if (typeof item === 'object' && item !== null) {
          if (deepEqual(a, item, f, span)) return !negate;
        } else {
          f.charge(1, span);
          if (item === a) return !negate;
        }
      }
      return negate;
    }
    const found = contains(mode, a, b, f, span);
    return negate ? !found : found;
  };
}

export function closureArith(e: Of<'arith'>, l: Operand, r: Operand, { metered: m }: OpContext): Run {
  const { op, span } = e;
  switch (op) {
    case 'num.add':
    case 'dur.add':
    case 'dyn.add':
      return (f) => {
        if (m) f.charge(1, span);
        const a = get(f, l);
        const b = get(f, r);
        return typeof a === 'number' && typeof b === 'number'
          ? finite(a + b, span)
          : arith(op, a, b, f, span);
      };
    case 'num.sub':
    case 'dur.sub':
    case 'dyn.sub':
      return (f) => {
        if (m) f.charge(1, span);
        const a = get(f, l);
        const b = get(f, r);
        return typeof a === 'number' && typeof b === 'number'
          ? finite(a - b, span)
          : arith(op, a, b, f, span);
      };
    case 'num.mul':
    case 'dyn.mul':
      return (f) => {
        if (m) f.charge(1, span);
        const a = get(f, l);
        const b = get(f, r);
        return typeof a === 'number' && typeof b === 'number'
          ? finite(a * b, span)
          : arith(op, a, b, f, span);
      };
    default:
      return (f) => {
        if (m) f.charge(1, span);
        const a = get(f, l);
        return arith(op, a, get(f, r), f, span);
      };
  }
}

/** Built-ins whose two string arguments give a bool, with the built-in's own step charged. */
const STRING_TESTS: Readonly<Record<string, (s: string, part: string) => boolean>> = {
  starts_with: (s, part) => s.startsWith(part),
  ends_with: (s, part) => s.endsWith(part),
};

export function closureCall(e: Of<'call'>, args: readonly Operand[], { metered: m, depth }: OpContext): Run {
  const { impl, span } = e;
  const slow = (values: Value[], f: EvalState): Value => {
    f.level = depth;
    return callBuiltin(impl, values, f, span);
  };
  const test = Object.hasOwn(STRING_TESTS, impl) ? STRING_TESTS[impl] : undefined;
  if (
    args.length === 2 &&
    (test !== undefined || impl === 'contains:string' || impl === 'contains:dynamic')
  ) {
    const [first, second] = args;
    const substring = test === undefined;
    return (f) => {
      if (m) f.charge(1, span);
      const a = get(f, first);
      const b = get(f, second);
      if (typeof a === 'string' && typeof b === 'string') {
        f.charge(1, span);
        if (!substring) return (test as (s: string, part: string) => boolean)(a, b);
        // `contains` on text charges one step per 64 characters searched, like the built-in.
        f.charge(Math.ceil(a.length / 64), span);
        return a.includes(b);
      }
      return slow([a, b], f);
    };
  }
  return (f) => {
    if (m) f.charge(1, span);
    const values: Value[] = [];
    for (let i = 0; i < args.length; i++) values.push(get(f, args[i]));
    return slow(values, f);
  };
}

/** One piece of a template closure: text, or an interpolated expression. */
export type TemplatePart =
  | { readonly text: string; readonly run: undefined; readonly asDuration: false; readonly at: Span }
  | { readonly text: undefined; readonly run: Run; readonly asDuration: boolean; readonly at: Span };

/** A string template; with a secret interpolated it stays opaque (`$template`), as in the evaluator. */
export function closureTemplate(
  e: Of<'template'>,
  parts: readonly TemplatePart[],
  { metered: m, depth }: OpContext,
): Run {
  const { span } = e;
  return (f) => {
    if (m) f.charge(1, span);
    const out: (string | SecretRef)[] = [];
    let length = 0;
    for (const part of parts) {
      if (part.text !== undefined) {
        out.push(part.text);
        length += part.text.length;
        continue;
      }
      const v = part.run(f);
      if (isSecretRef(v)) out.push(v);
      else if (isSecretTemplate(v)) out.push(...v.$template);
      else {
        f.level = depth;
        const text = toText(v, part.asDuration, f, part.at);
        out.push(text);
        length += text.length;
      }
      if (length > MAX_STRING_LENGTH) {
        throw new EvalError('too-large', `a string grew past ${MAX_STRING_LENGTH} characters`, span);
      }
    }
    if (out.every((p): p is string => typeof p === 'string')) return f.string(out.join(''), span);
    const merged: (string | SecretRef)[] = [];
    for (const p of out) {
      const last = merged[merged.length - 1];
      if (typeof p === 'string' && typeof last === 'string') merged[merged.length - 1] = last + p;
      else if (p !== '') merged.push(p);
    }
    f.listLength(merged.length, span);
    return { $template: merged };
  };
}
