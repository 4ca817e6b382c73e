/**
 * The expression evaluator: pure and deterministic, so the interpreter workflow can run it inside
 * Temporal's sandbox and replay it. No Node APIs, no `eval`/`Function`, no clock but `ctx.now()`,
 * no access to prototypes or globals (a member is read only if it is an own property of a plain
 * object), and bounded work (see `evaluator-meter.ts`). Every failure is an `EvalError` carrying the
 * span of the sub-expression that failed.
 *
 * Runtime values are described in `value.ts`. Boolean contexts (`and`, `or`, `not`, guards,
 * conditions) treat null as false.
 */
import { EvalError } from './errors';
import { callBuiltin } from './evaluator-builtins';
import { DEFAULT_EVAL_BUDGET, MAX_STRING_LENGTH, Meter } from './evaluator-meter';
import { arith, compare, contains, finite } from './evaluator-ops';
import { evaluateAggregate, type WindowSource } from './evaluator-window';
import { exprText } from './expr-text';
import type { ExprIR } from './ir';
import type { Span } from '../core/span';
import type { SecretRef, Value } from './value';
import {
  FORBIDDEN_MEMBERS,
  defineField,
  isPlainObject,
  isSecret,
  isSecretRef,
  isSecretTemplate,
  kindOf,
  toText,
} from './value';

/** What an evaluation may use besides the scope. */
export interface EvalContext {
  /** The run's deterministic clock, in ms since the epoch (`workflow` time, never `Date.now()`). */
  now(): number;
  /** Steps this evaluation may take; `DEFAULT_EVAL_BUDGET` when absent. */
  readonly budget?: number;
  /**
   * v2: where windows (`count(T as x within D ...)`) read stored events; an aggregate evaluated
   * without one fails with `window-unavailable`. `now()` is the window's end.
   */
  readonly windows?: WindowSource;
  /**
   * v2: values of aggregate nodes computed beforehand (the interpreter reads a window in `do`
   * with an activity, so a replay sees the same value); a node found here is not read again.
   */
  readonly aggregates?: ReadonlyMap<ExprIR, Value>;
}

/** Names visible to an expression: `event`, `input`, `let` bindings, loop variables... */
export type EvalScope = Readonly<Record<string, Value>>;

export { DEFAULT_EVAL_BUDGET };

/**
 * Evaluates one expression against the scope and returns its value; throws `EvalError` on a runtime
 * error or when the budget runs out.
 */
export function evaluate(expr: ExprIR, scope: EvalScope, ctx: EvalContext): Value {
  return new Machine(scope, ctx).run(expr);
}

/** Evaluates a condition (`when`, `if`, `where`): null is false, anything but a bool is an error. */
export function evaluateCondition(expr: ExprIR, scope: EvalScope, ctx: EvalContext): boolean {
  return truth(evaluate(expr, scope, ctx), expr.span);
}

/** The truth of a value in a boolean context. */
export function truth(value: Value, span: Span): boolean {
  if (value === null) return false;
  if (typeof value === 'boolean') return value;
  throw new EvalError('type', `expected true or false, got ${kindOf(value)}`, span);
}

/** Marks a `?.` chain that met null; never escapes `Machine`. */
const SKIPPED: unique symbol = Symbol('skipped');

/** One evaluation: the scope, the clock and the meter; `run` may be called more than once. */
export class Machine {
  readonly meter: Meter;

  constructor(
    private scope: EvalScope,
    private readonly ctx: EvalContext,
  ) {
    this.meter = new Meter(ctx.budget ?? DEFAULT_EVAL_BUDGET);
  }

  /** Visits `e` with another scope (a window's `as` bound to one event), then restores this one. */
  private visitIn(e: ExprIR, scope: EvalScope): Value {
    const saved = this.scope;
    this.scope = scope;
    try {
      return this.visit(e);
    } finally {
      this.scope = saved;
    }
  }

  /** Evaluates `e`, turning any stray JS exception into an `EvalError` at `e`. */
  run(e: ExprIR): Value {
    try {
      return this.visit(e);
    } catch (err) {
      if (err instanceof EvalError) throw err;
      // Only a malformed IR or an exhausted JS stack gets here; report it like any runtime error.
      const message = err instanceof Error ? err.message : String(err);
      throw new EvalError('invalid-ir', `cannot evaluate this expression: ${message}`, spanOf(e));
    }
  }

  visit(e: ExprIR): Value {
    this.meter.charge(1, e.span);
    this.meter.enter(e.span);
    try {
      return this.dispatch(e);
    } finally {
      this.meter.leave();
    }
  }

  private dispatch(e: ExprIR): Value {
    switch (e.kind) {
      case 'literal':
        return typeof e.value === 'number' ? finite(e.value, e.span) : e.value;
      case 'duration':
        return finite(e.ms, e.span);
      case 'template':
        return this.template(e);
      case 'list': {
        this.meter.listLength(e.items.length, e.span);
        return e.items.map((item) => this.visit(item));
      }
      case 'object': {
        const out: Record<string, Value> = {};
        for (const f of e.fields) defineField(out, f.name, this.visit(f.value));
        return out;
      }
      case 'name':
        if (!Object.hasOwn(this.scope, e.name)) {
          throw new EvalError('unknown-name', `'${e.name}' has no value in this run`, e.span);
        }
        return this.scope[e.name];
      case 'member':
      case 'index': {
        const v = this.chain(e);
        return v === SKIPPED ? null : v;
      }
      case 'call':
        return callBuiltin(
          e.impl,
          e.args.map((a) => this.visit(a)),
          { meter: this.meter, now: () => this.ctx.now() },
          e.span,
        );
      case 'secret':
        return { $secret: e.name };
      case 'arith':
        return arith(e.op, this.visit(e.left), this.visit(e.right), this.meter, e.span);
      case 'compare':
        return compare(e.op, e.mode, this.visit(e.left), this.visit(e.right), this.meter, e.span);
      case 'in': {
        const found = contains(e.mode, this.visit(e.left), this.visit(e.right), this.meter, e.span);
        return e.negate ? !found : found;
      }
      case 'and':
        return truth(this.visit(e.left), e.left.span) && truth(this.visit(e.right), e.right.span);
      case 'or':
        return truth(this.visit(e.left), e.left.span) || truth(this.visit(e.right), e.right.span);
      case 'not':
        return !truth(this.visit(e.operand), e.operand.span);
      case 'coalesce': {
        const left = this.visit(e.left);
        return left === null ? this.visit(e.right) : left;
      }
      case 'neg': {
        const v = this.visit(e.operand);
        if (typeof v === 'number') return v === 0 ? 0 : -v;
        const code = v === null ? 'null-value' : 'type';
        throw new EvalError(code, `cannot negate ${kindOf(v)} (${exprText(e.operand)})`, e.span);
      }
      case 'aggregate': {
        const known = this.ctx.aggregates?.get(e);
        if (known !== undefined) return known;
        return evaluateAggregate(e, {
          meter: this.meter,
          scope: this.scope,
          now: () => this.ctx.now(),
          windows: this.ctx.windows,
          visitIn: (x, scope) => this.visitIn(x, scope),
          truth,
        });
      }
      default:
        throw new EvalError(
          'invalid-ir',
          `unknown expression kind ${String((e as { kind: unknown }).kind)}`,
          spanOf(e),
        );
    }
  }

  private template(e: Extract<ExprIR, { kind: 'template' }>): Value {
    const parts: (string | SecretRef)[] = [];
    let length = 0;
    for (const part of e.parts) {
      if (part.kind === 'text') {
        parts.push(part.text);
        length += part.text.length;
        continue;
      }
      const v = this.visit(part.expr);
      if (isSecretRef(v)) parts.push(v);
      else if (isSecretTemplate(v)) parts.push(...v.$template);
      else {
        const text = toText(v, part.format === 'duration', this.meter, part.expr.span);
        parts.push(text);
        length += text.length;
      }
      if (length > MAX_STRING_LENGTH) {
        throw new EvalError('too-large', `a string grew past ${MAX_STRING_LENGTH} characters`, e.span);
      }
    }
    if (parts.every((p): p is string => typeof p === 'string'))
      return this.meter.string(parts.join(''), e.span);
    // A template with secrets stays opaque: activities resolve it, logs show the secrets as ***.
    const merged: (string | SecretRef)[] = [];
    for (const p of parts) {
      const last = merged[merged.length - 1];
      if (typeof p === 'string' && typeof last === 'string') merged[merged.length - 1] = last + p;
      else if (p !== '') merged.push(p);
    }
    this.meter.listLength(merged.length, e.span);
    return { $template: merged };
  }

  /**
   * A member or index expression, as a chain: when a `?.` meets null, the rest of the chain is
   * skipped and the whole chain is null (as in JavaScript: `a?.b.c` is null when `a` is).
   */
  private chain(e: Extract<ExprIR, { kind: 'member' | 'index' }>): Value | typeof SKIPPED {
    this.meter.charge(1, e.span);
    const object =
      e.object.kind === 'member' || e.object.kind === 'index' ? this.nested(e.object) : this.visit(e.object);
    if (object === SKIPPED) return SKIPPED;
    if (e.kind === 'member') {
      if (object === null) {
        if (e.optional) return SKIPPED;
        throw new EvalError('null-value', `cannot read .${e.name}: ${exprText(e.object)} is null`, e.span);
      }
      return this.field(object, e.name, e.span);
    }
    const index = this.visit(e.index);
    if (object === null)
      throw new EvalError('null-value', `cannot index: ${exprText(e.object)} is null`, e.span);
    return this.indexInto(object, index, e.span);
  }

  private nested(e: Extract<ExprIR, { kind: 'member' | 'index' }>): Value | typeof SKIPPED {
    this.meter.enter(e.span);
    try {
      return this.chain(e);
    } finally {
      this.meter.leave();
    }
  }

  /** `object[index]`: a list by a whole number in range, an object by a string key. */
  private indexInto(object: Value, index: Value, span: Span): Value {
    const target = indexTarget(object, index, span);
    return 'item' in target ? target.item : this.field(object, target.key, span);
  }

  /** An own field of a plain object; a missing field is null (optional fields may be left out). */
  private field(object: Value, name: string, span: Span): Value {
    if (FORBIDDEN_MEMBERS.has(name))
      throw new EvalError('forbidden-member', `'${name}' cannot be read`, span);
    if (isSecret(object)) throw new EvalError('secret', `a secret has no field '${name}'`, span);
    if (!isPlainObject(object)) {
      throw new EvalError('forbidden-member', `cannot read '${name}' of ${kindOf(object)}`, span);
    }
    return Object.hasOwn(object, name) ? object[name] : null;
  }
}

/** The span of a node that may be malformed (hand-made or fuzzed IR). */
function spanOf(e: unknown): Span {
  const span = typeof e === 'object' && e !== null ? (e as { span?: Span }).span : undefined;
  return span ?? { file: '<expression>', line: 1, column: 1, endLine: 1, endColumn: 1 };
}

/**
 * The checks of `object[index]`, shared with the compiled closures: a list's item by a whole
 * number in range; for anything else, the string key to read (the caller reads the field).
 */
export function indexTarget(
  object: Value,
  index: Value,
  span: Span,
): { readonly item: Value } | { readonly key: string } {
  if (Array.isArray(object)) {
    if (typeof index !== 'number' || !Number.isInteger(index)) {
      const code = index === null ? 'null-value' : 'type';
      throw new EvalError(code, `a list index must be a whole number, not ${kindOf(index)}`, span);
    }
    if (index < 0 || index >= object.length) {
      const message = `index ${index} is out of range (the list has ${object.length} items)`;
      throw new EvalError('index-out-of-range', message, span);
    }
    return { item: (object as readonly Value[])[index] };
  }
  if (typeof index !== 'string') {
    const code = index === null ? 'null-value' : 'type';
    throw new EvalError(code, `an object key must be a string, not ${kindOf(index)}`, span);
  }
  return { key: index };
}
