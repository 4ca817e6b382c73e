/**
 * Expressions turned once into a tree of JS closures, for the hot paths that evaluate the same
 * expression many times (the router's guards). No `eval`, no `Function`: only closures over the IR.
 *
 * The result, or the `EvalError` (code, message, span), is exactly what `evaluate` gives for the
 * same expression, scope and clock, budget included. Two closure forms keep that cheap:
 * - the fast form does not count the one step per node visit (and per member/index link) that the
 *   evaluator charges. Those steps are fixed by the expression, so their sum is known when
 *   building; the fast form starts with the budget minus that sum and charges the rest (steps that
 *   depend on values: list searches, deep equality, strings, built-ins) as the evaluator does. If it
 *   never runs out, the evaluator would not have either, and everything else is computed the same
 *   way in the same order.
 * - the exact form charges every step where the evaluator does. It runs when the fast form ran out
 *   (then the evaluation is done again from the start: expressions are pure, `now()` aside), or when
 *   the expression nests deeper than the evaluator allows.
 * IR that is not well formed (a hand-made or newer node) is handed to the evaluator unchanged.
 * The public entry points put generated JavaScript (`codegen.ts`) in front of these
 * closures: it answers the usual case and hands everything else to them.
 */
import {
  type EvalState,
  type Run,
  effectiveBudget,
  releaseState,
  takeState,
  asEvalError,
  isTrue,
  readAnyField,
  readField,
  readIndex,
  tooDeep,
  unknownName,
} from './eval-state';
import { generated } from './codegen';
import { closurePath, pathSpec } from './paths';
import { NoFastForm, measure } from './cost';
import {
  closureArith,
  closureCall,
  closureCompare,
  closureIn,
  closureTemplate,
  type Operand,
  type TemplatePart,
} from './closure-ops';
import { EvalError } from '../errors';
import { evaluate, truth, type EvalContext, type EvalScope } from '../evaluator';
import { MAX_DEPTH } from '../evaluator-meter';
import { finite } from '../evaluator-ops';
import { exprText } from '../expr-text';
import type { ExprIR } from '../ir';
import type { Value } from '../value';
import { FORBIDDEN_MEMBERS, defineField, kindOf } from '../value';

/** A fast expression: the value of `evaluate(expr, scope, ctx)`, or its `EvalError`. */
export type FastExpression = (scope: EvalScope, ctx: EvalContext) => Value;
/** A fast condition: the value of `evaluateCondition(expr, scope, ctx)`, or its `EvalError`. */
export type FastCondition = (scope: EvalScope, ctx: EvalContext) => boolean;

/** Marks a `?.` chain that met null. */
const SKIPPED: unique symbol = Symbol('skipped');
type Link = (f: EvalState) => Value | typeof SKIPPED;
type Of<K extends ExprIR['kind']> = Extract<ExprIR, { kind: K }>;
type Chain = Of<'member' | 'index'>;

const isChain = (e: ExprIR): e is Chain => e.kind === 'member' || e.kind === 'index';

class ClosureBuilder {
  /** `metered`: the exact form (charges visits); otherwise the fast form. */
  constructor(private readonly metered: boolean) {}

  node(e: ExprIR, depth: number): Run {
    const m = this.metered;
    const span = e.span;
    if (depth > MAX_DEPTH) {
      // The evaluator charges the visit, then refuses to go deeper.
      return (f) => {
        if (m) f.charge(1, span);
        throw tooDeep(span);
      };
    }
    switch (e.kind) {
      case 'literal':
      case 'duration': {
        const raw = e.kind === 'literal' ? e.value : e.ms;
        if (typeof raw === 'number' && !Number.isFinite(raw)) {
          return (f) => {
            if (m) f.charge(1, span);
            return finite(raw, span);
          };
        }
        const value = raw === 0 ? 0 : raw;
        return m
          ? (f) => {
              f.charge(1, span);
              return value;
            }
          : () => value;
      }
      case 'template': {
        const parts = e.parts.map((part): TemplatePart =>
          part.kind === 'text'
            ? { text: part.text, run: undefined, asDuration: false, at: e.span }
            : {
                text: undefined,
                run: this.node(part.expr, depth + 1),
                asDuration: part.format === 'duration',
                at: part.expr.span,
              },
        );
        return closureTemplate(e, parts, { metered: m, depth });
      }
      case 'list': {
        const items = e.items.map((item) => this.node(item, depth + 1));
        return (f) => {
          if (m) f.charge(1, span);
          f.listLength(items.length, span);
          const out: Value[] = [];
          for (let i = 0; i < items.length; i++) out.push(items[i](f));
          return out;
        };
      }
      case 'object': {
        const fields = e.fields.map((field) => ({
          name: field.name,
          run: this.node(field.value, depth + 1),
        }));
        return (f) => {
          if (m) f.charge(1, span);
          const out: Record<string, Value> = {};
          for (const field of fields) defineField(out, field.name, field.run(f));
          return out;
        };
      }
      case 'name': {
        const name = e.name;
        return (f) => {
          if (m) f.charge(1, span);
          const scope = f.scope;
          if (!Object.hasOwn(scope, name)) throw unknownName(name, span);
          return scope[name];
        };
      }
      case 'member':
      case 'index': {
        const path = m ? undefined : closurePath(e);
        if (path) return path;
        const link = this.chain(e, depth);
        return (f) => {
          if (m) f.charge(1, span);
          const v = link(f);
          return v === SKIPPED ? null : v;
        };
      }
      case 'call': {
        const args = e.args.map((a) => this.operand(a, depth + 1));
        return closureCall(e, args, { metered: m, depth });
      }
      case 'secret': {
        const name = e.name;
        return (f) => {
          if (m) f.charge(1, span);
          return { $secret: name };
        };
      }
      case 'arith':
        return closureArith(e, this.operand(e.left, depth + 1), this.operand(e.right, depth + 1), {
          metered: m,
          depth,
        });
      case 'compare':
        return closureCompare(e, this.operand(e.left, depth + 1), this.operand(e.right, depth + 1), {
          metered: m,
          depth,
        });
      case 'in':
        return closureIn(e, this.operand(e.left, depth + 1), this.inList(e.right, depth + 1), {
          metered: m,
          depth,
        });
      case 'and':
      case 'or':
        return this.logic(e, depth);
      case 'not': {
        const operand = this.node(e.operand, depth + 1);
        const at = e.operand.span;
        return (f) => {
          if (m) f.charge(1, span);
          const v = operand(f);
          return v === true ? false : v === false || v === null ? true : !truth(v, at);
        };
      }
      case 'coalesce': {
        const left = this.node(e.left, depth + 1);
        const right = this.node(e.right, depth + 1);
        return (f) => {
          if (m) f.charge(1, span);
          const v = left(f);
          return v === null ? right(f) : v;
        };
      }
      case 'neg': {
        const operand = this.node(e.operand, depth + 1);
        const text = e.operand;
        return (f) => {
          if (m) f.charge(1, span);
          const v = operand(f);
          if (typeof v === 'number') return v === 0 ? 0 : -v;
          const code = v === null ? 'null-value' : 'type';
          throw new EvalError(code, `cannot negate ${kindOf(v)} (${exprText(text)})`, span);
        };
      }
      default:
        throw new NoFastForm(`unknown expression kind ${String((e as { kind: unknown }).kind)}`);
    }
  }

  /** An operand of an operator: in the fast form, paths and constants are read inline. */
  private operand(e: ExprIR, depth: number): Operand {
    const run = this.node(e, depth);
    if (this.metered || depth > MAX_DEPTH) return { run, path: undefined, constant: false, value: null };
    const raw = e.kind === 'literal' ? e.value : e.kind === 'duration' ? e.ms : undefined;
    if (raw !== undefined && (typeof raw !== 'number' || Number.isFinite(raw))) {
      return { run, path: undefined, constant: true, value: raw === 0 ? 0 : raw };
    }
    return { run, path: pathSpec(e), constant: false, value: null };
  }

  /** `and` / `or`: short-circuit; null counts as false, anything but a bool is an error. */
  private logic(e: Of<'and' | 'or'>, depth: number): Run {
    const m = this.metered;
    const { span } = e;
    const left = this.node(e.left, depth + 1);
    const right = this.node(e.right, depth + 1);
    const leftAt = e.left.span;
    const rightAt = e.right.span;
    return e.kind === 'and'
      ? (f) => {
          if (m) f.charge(1, span);
          return isTrue(left(f), leftAt) && isTrue(right(f), rightAt);
        }
      : (f) => {
          if (m) f.charge(1, span);
          return isTrue(left(f), leftAt) || isTrue(right(f), rightAt);
        };
  }

  /**
   * The right side of `in`. In the fast form a list of literals is built once: the list never
   * escapes the search, and only its length is charged (its visits are part of the fixed steps).
   */
  private inList(e: ExprIR, depth: number): Operand {
    if (this.metered || e.kind !== 'list' || depth > MAX_DEPTH) return this.operand(e, depth);
    const values: Value[] = [];
    for (const item of e.items) {
      if (item.kind !== 'literal' || (typeof item.value === 'number' && !Number.isFinite(item.value))) {
        return this.operand(e, depth);
      }
      values.push(item.value === 0 ? 0 : item.value);
    }
    const { span } = e;
    const run: Run = (f) => {
      f.listLength(values.length, span);
      return values;
    };
    return { run, path: undefined, constant: false, value: null };
  }

  /**
   * One link of a member/index chain at `depth`; its own step is charged here, the visit of the
   * outermost link by `node`. A `?.` that meets null skips the rest of the chain.
   */
  private chain(e: Chain, depth: number): Link {
    const m = this.metered;
    const { span } = e;
    const objectExpr = e.object;
    const object: Link = isChain(objectExpr)
      ? this.nested(objectExpr, depth + 1)
      : this.node(objectExpr, depth + 1);
    if (e.kind === 'member') {
      const { name, optional } = e;
      const read = FORBIDDEN_MEMBERS.has(name) ? readAnyField : readField;
      return (f) => {
        if (m) f.charge(1, span);
        const o = object(f);
        if (o === SKIPPED) return SKIPPED;
        if (o === null) {
          if (optional) return SKIPPED;
          throw new EvalError('null-value', `cannot read .${name}: ${exprText(objectExpr)} is null`, span);
        }
        return read(f, o, name, span);
      };
    }
    const index = this.node(e.index, depth + 1);
    return (f) => {
      if (m) f.charge(1, span);
      const o = object(f);
      if (o === SKIPPED) return SKIPPED;
      const i = index(f);
      if (o === null)
        throw new EvalError('null-value', `cannot index: ${exprText(objectExpr)} is null`, span);
      return readIndex(f, o, i, span);
    };
  }

  /** An inner link: the evaluator enters a level for it without charging a visit. */
  private nested(e: Chain, depth: number): Link {
    if (depth > MAX_DEPTH) {
      return () => {
        throw tooDeep(e.span);
      };
    }
    return this.chain(e, depth);
  }
}

function build(expr: ExprIR): FastExpression {
  let fast: Run | undefined;
  let exact: Run | undefined;
  let fixedSteps: number;
  try {
    const shape = measure(expr);
    fixedSteps = shape.steps;
    if (shape.depth <= MAX_DEPTH) fast = new ClosureBuilder(false).node(expr, 1);
    else exact = new ClosureBuilder(true).node(expr, 1);
  } catch (err) {
    if (err instanceof NoFastForm || err instanceof TypeError || err instanceof RangeError) {
      return (scope, ctx) => evaluate(expr, scope, ctx);
    }
    throw err;
  }
  // Built on first need: when the fast form could be built, so can this one (same walk).
  const runExact = (scope: EvalScope, ctx: EvalContext): Value => {
    exact ??= new ClosureBuilder(true).node(expr, 1);
    const f = takeState(scope, ctx, effectiveBudget(ctx.budget));
    try {
      return exact(f);
    } catch (err) {
      throw asEvalError(err, expr);
    } finally {
      releaseState(f);
    }
  };
  return (scope, ctx) => {
    const budget = effectiveBudget(ctx.budget);
    if (fast === undefined || budget - fixedSteps < 1) return runExact(scope, ctx);
    const f = takeState(scope, ctx, budget - fixedSteps);
    try {
      return fast(f);
    } catch (err) {
      if (!(err instanceof EvalError) || err.code !== 'budget-exhausted') throw asEvalError(err, expr);
    } finally {
      releaseState(f);
    }
    return runExact(scope, ctx);
  };
}

const closures = new WeakMap<ExprIR, FastExpression>();
const expressions = new WeakMap<ExprIR, FastExpression>();
const conditions = new WeakMap<ExprIR, FastCondition>();

/** The closure form alone (cached): the slow path of the generated code, and tests' reference. */
export function closureExpression(expr: ExprIR): FastExpression {
  let fn = closures.get(expr);
  if (fn === undefined) {
    fn = build(expr);
    closures.set(expr, fn);
  }
  return fn;
}

/** The closure form as a condition: the generated condition's slow path. */
export function closureCondition(expr: ExprIR): FastCondition {
  const value = closureExpression(expr);
  const span = expr.span;
  return (scope, ctx) => isTrue(value(scope, ctx), span);
}

/**
 * `expr` in its fast form (built once per IR node, cached): call it instead of
 * `evaluate(expr, scope, ctx)`. Generated code (`codegen.ts`) answers the usual case; the closures
 * the rest.
 */
export function fastExpression(expr: ExprIR): FastExpression {
  let fn = expressions.get(expr);
  if (fn === undefined) {
    const slow = closureExpression(expr);
    fn = generated(expr, slow, false) ?? slow;
    expressions.set(expr, fn);
  }
  return fn;
}

/**
 * `expr` in its fast form as a condition (cached): call it instead of
 * `evaluateCondition(expr, scope, ctx)`.
 */
export function fastCondition(expr: ExprIR): FastCondition {
  let fn = conditions.get(expr);
  if (fn === undefined) {
    const slow = closureCondition(expr);
    fn = generated(expr, slow, true) ?? slow;
    conditions.set(expr, fn);
  }
  return fn;
}
