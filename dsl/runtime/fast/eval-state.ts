/**
 * The run-time side of the closures (`closures.ts`): the per-evaluation `EvalState` and the
 * member/index reads, written to give exactly the evaluator's results and errors (same codes,
 * messages and spans) while taking the cheap path for the common case of plain JSON objects.
 */
import { EvalError } from '../errors';
import { indexTarget, truth, type EvalContext, type EvalScope } from '../evaluator';
import type { BuiltinEnv } from '../evaluator-builtins';
import { DEFAULT_EVAL_BUDGET, MAX_DEPTH, Meter } from '../evaluator-meter';
import type { ExprIR } from '../ir';
import type { Span } from '../../core/span';
import type { Value } from '../value';
import { FORBIDDEN_MEMBERS, isPlainObject, isSecret, kindOf } from '../value';

/** An expression as a closure: evaluates against one evaluation state. */
export type Run = (f: EvalState) => Value;

/**
 * One evaluation of a fast expression: its scope, clock and meter. It is the meter the shared
 * operators (`runtime/evaluator-ops.ts`, built-ins, deep equality) charge, and their built-in
 * environment.
 *
 * Unlike the evaluator, the closures do not enter and leave a level per node: the nesting depth
 * of a node is known when they are built. `level` is set to that depth just before an operator
 * that may recurse into values (deep equality, JSON text), so its `enter` checks the same limit at
 * the same point as the evaluator's meter would.
 */
export class EvalState extends Meter implements BuiltinEnv {
  /** Current nesting level, as the evaluator's meter would count it. */
  level = 0;
  /** Steps left; kept here rather than in `Meter` so that a state can be reused (`reset`). */
  private stepsLeft = 0;
  readonly meter: Meter = this;
  /**
   * The last object found to be a plain object and not a secret: guards read several fields of the
   * same object (`event`), and values do not change during an evaluation.
   */
  checked: object | undefined = undefined;
  scope: EvalScope = {};
  private ctx: EvalContext | undefined = undefined;

  /** Prepares the state for one evaluation; `budget` is a whole number of steps, at least 1. */
  reset(scope: EvalScope, ctx: EvalContext | undefined, budget: number): this {
    this.scope = scope;
    this.ctx = ctx;
    this.stepsLeft = budget;
    this.level = 0;
    this.checked = undefined;
    return this;
  }

  now(): number {
    return (this.ctx as EvalContext).now();
  }

  override charge(steps: number, span: Span): void {
    this.stepsLeft -= steps;
    if (this.stepsLeft < 0) {
      throw new EvalError('budget-exhausted', 'the expression took too many steps to evaluate', span);
    }
  }

  override enter(span: Span): void {
    this.level += 1;
    if (this.level > MAX_DEPTH) {
      this.level -= 1;
      throw tooDeep(span);
    }
  }

  override leave(): void {
    this.level -= 1;
  }
}

let spare: EvalState | undefined;

/**
 * A state for one evaluation, reused from the last one that ended: evaluations do not overlap
 * unless a clock calls back into an evaluation, and then the inner one simply gets a new state.
 */
export function takeState(scope: EvalScope, ctx: EvalContext, budget: number): EvalState {
  const f = spare ?? new EvalState();
  spare = undefined;
  return f.reset(scope, ctx, budget);
}

/** Gives a state back once its evaluation is over (it must not be used after). */
export function releaseState(f: EvalState): void {
  spare = f.reset({}, undefined, 0);
}

/** The budget a `Meter` built with `budget` starts with (it replaces nonsense with the default). */
export function effectiveBudget(budget: number | undefined): number {
  const b = budget ?? DEFAULT_EVAL_BUDGET;
  return Number.isFinite(b) && b > 0 ? Math.floor(b) : DEFAULT_EVAL_BUDGET;
}

export function tooDeep(span: Span): EvalError {
  return new EvalError(
    'too-deep',
    `expressions or values are nested more than ${MAX_DEPTH} levels deep`,
    span,
  );
}

export function unknownName(name: string, span: Span): EvalError {
  return new EvalError('unknown-name', `'${name}' has no value in this run`, span);
}

/**
 * Is `v` a plain object? The same answer as `isPlainObject`, with the usual case (a JSON object of
 * this realm) decided by one prototype read.
 */
function plain(v: Value): v is Readonly<Record<string, Value>> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null || isPlainObject(v);
}

/**
 * `object.name` for a name that is not forbidden (checked when building the closures): an own field
 * of a plain object, null when missing. A secret marker is refused like the evaluator does; only an
 * object holding `$secret` or `$template` can be one, so the full check runs only then.
 */
export function readField(f: EvalState, object: Value, name: string, span: Span): Value {
  if (object === f.checked) {
    const fields = object as Readonly<Record<string, Value>>;
    return Object.hasOwn(fields, name) ? fields[name] : null;
  }
  if (plain(object)) {
    // A marker's `$secret` is a string and a template's `$template` a list, never undefined.
    const marked = (object as { $secret?: unknown }).$secret !== undefined;
    if ((marked || (object as { $template?: unknown }).$template !== undefined) && isSecret(object)) {
      throw new EvalError('secret', `a secret has no field '${name}'`, span);
    }
    f.checked = object;
    return Object.hasOwn(object, name) ? object[name] : null;
  }
  throw new EvalError('forbidden-member', `cannot read '${name}' of ${kindOf(object)}`, span);
}

/** `object.name` for any name, forbidden ones included (a computed index). */
export function readAnyField(f: EvalState, object: Value, name: string, span: Span): Value {
  if (FORBIDDEN_MEMBERS.has(name)) throw new EvalError('forbidden-member', `'${name}' cannot be read`, span);
  return readField(f, object, name, span);
}

/** `object[index]`: a list by a whole number in range, an object by a string key. */
export function readIndex(f: EvalState, object: Value, index: Value, span: Span): Value {
  const target = indexTarget(object, index, span);
  return 'item' in target ? target.item : readAnyField(f, object, target.key, span);
}

/** The span of a node that may be malformed, as the evaluator reports it. */
function spanOf(e: unknown): Span {
  const span = typeof e === 'object' && e !== null ? (e as { span?: Span }).span : undefined;
  return span ?? { file: '<expression>', line: 1, column: 1, endLine: 1, endColumn: 1 };
}

/** Like the evaluator: a stray JS exception becomes an `EvalError` at the whole expression. */
export function asEvalError(err: unknown, expr: ExprIR): EvalError {
  if (err instanceof EvalError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new EvalError('invalid-ir', `cannot evaluate this expression: ${message}`, spanOf(expr));
}

/** The truth of a value in a boolean context (null is false), without a call for a bool. */
export function isTrue(v: Value, at: Span): boolean {
  return v === true ? true : v === false ? false : truth(v, at);
}
