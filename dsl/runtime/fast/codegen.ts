/**
 * Guards and expressions generated as JavaScript source, then made into one function with
 * `new Function` (as ajv does for JSON schemas). With many guards of many shapes, a tree of
 * closures calls from one closure into another at call sites V8 sees as megamorphic, so it inlines
 * nothing; one specialised function per expression is optimised like hand-written code.
 *
 * Semantics stay the evaluator's: the generated code covers the happy path only (values of the
 * types an operator expects, fields that are own properties of plain objects, no secrets, a step
 * budget that cannot run out) and leaves its block (`BAIL`) on anything else. The call is then
 * answered by the slow path (the closures of `closures.ts`), which gives the exact value or
 * `EvalError` (code, message, span). So the generated code never builds an error, and bailing is
 * always correct, only slower. Expressions it does not cover at all (secrets, list and object
 * literals, time arithmetic, most built-ins, forbidden member names, deep nesting) are not
 * generated.
 *
 * Steps: `measure` bounds the steps charged for visiting nodes; operators add the steps known when
 * generating (`Emitter.extra`). The function runs only if the budget covers that sum; steps that
 * depend on values (searching a list, producing a string) are subtracted from `room` as they are
 * incurred, with an upper bound, and running out of room bails. So the generated code answers only
 * when the evaluator could not have run out of budget, and never meters exactly.
 *
 * Why `new Function` is safe here:
 * - no text from a rule or from data is ever spliced into code except string literals and property
 *   names written by `JSON.stringify` (a JSON string is a JS string literal; U+2028/U+2029 are
 *   escaped as well) and numbers written only when finite and when `Number` reads the written text
 *   back to the same value. Names of locals, labels and helpers are made here (`v12`, `c3`).
 *   A field named `__proto__` or `); process.exit(1); (` is a quoted key in `o["..."]`.
 * - the code refers to no global: every helper (`hasOwn`, `getProto`, `isArray`, `Math` functions,
 *   the slow path) is a parameter of the `new Function`, and it runs in strict
 *   mode. It only reads the scope it is given, writes its own locals, and returns a value.
 * - it is pure: no clock, no I/O, no mutation of its inputs; reads of plain objects only. A field
 *   is an own property: a value that could come from `Object.prototype` (undefined, or the
 *   prototype's own value for that key, should it be polluted) is confirmed with `hasOwn`.
 * Where `new Function` is refused (a sandbox, a content security policy), nothing is generated and
 * the closures answer. Workflow code must keep to the evaluator (see DESIGN.md): it does not import
 * this module.
 */
import {
  BAIL as BAIL_OUT,
  type Emitter,
  NotGenerated,
  type Val,
  all,
  emitArith,
  emitCall,
  emitCompare,
  emitIn,
  isNull,
  notObject,
} from './codegen-ops';
import { NoFastForm, measure } from './cost';
import type { EvalContext, EvalScope } from '../evaluator';
import { DEFAULT_EVAL_BUDGET } from '../evaluator-meter';
import type { ExprIR } from '../ir';
import type { Value } from '../value';
import { FORBIDDEN_MEMBERS } from '../value';

/** Deeper expressions are left to the closures (the evaluator's limit is far deeper still). */
const MAX_GENERATED_DEPTH = 64;

/** A JS literal for a string, safe anywhere in source. */
export function stringLiteral(s: string): string {
  return JSON.stringify(s)
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A JS literal for a literal's value as the evaluator returns it, or undefined. */
function lit(v: unknown): string | undefined {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return stringLiteral(v);
  if (typeof v === 'number' && Number.isFinite(v)) {
    if (v === 0) return '0';
    const text = String(v);
    return Number(text) === v ? `(${text})` : undefined;
  }
  return undefined;
}

function typeOfLiteral(v: unknown): Val['type'] {
  return v === null ? 'null' : typeof v === 'string' ? 'str' : typeof v === 'number' ? 'num' : 'bool';
}

type Chain = Extract<ExprIR, { kind: 'member' | 'index' }>;

/** The check that `o` is a plain object of this realm and not a secret marker. */
function plainCheck(o: string): string {
  // The prototype is read last: after the two loads V8 knows the object's map and folds it.
  return `${o} !== null && typeof ${o} === 'object' && ${o}.$secret === undefined && ${o}.$template === undefined && getProto(${o}) === OBJ`;
}

/**
 * `o = o[key]` if own, else null, for an `o` known to be a plain object with `Object.prototype`
 * as its prototype. A plain load is what V8 optimises; a value other than undefined can only have
 * come from the prototype if the prototype has a value for that key, so the prototype's value is
 * compared with undefined (a compare V8 always does cheaply, unlike comparing two values of unknown
 * types) and read live, so that polluting `Object.prototype` later is still seen. Only then, or
 * for undefined, is the field confirmed with `hasOwn`, which is much slower in optimised code.
 */
function ownField(o: string, key: string): string {
  return `{ const x = ${o}[${key}]; ${o} = x !== undefined && OBJ[${key}] === undefined ? x : hasOwn(${o}, ${key}) ? x : null; }`;
}

class Generator implements Emitter {
  private readonly lines: string[] = [];
  private readonly prologue: string[] = [];
  /** Scope names read, each once at the start, and whether each is a checked plain object. */
  private readonly names = new Map<string, { value: string; plain: string }>();
  private count = 0;
  steps = 0;

  line(text: string): void {
    this.lines.push(text);
  }

  local(init: string): string {
    const name = `v${this.count++}`;
    this.lines.push(`let ${name} = ${init};`);
    return name;
  }

  extra(steps: number): void {
    this.steps += steps;
  }

  /** The statements, which leave the block labelled `bail` on anything unusual. */
  source(): string {
    return [...this.prologue, ...this.lines].join('\n');
  }

  value(e: ExprIR): Val {
    switch (e.kind) {
      case 'literal':
      case 'duration': {
        const raw = e.kind === 'literal' ? e.value : e.ms;
        const code = lit(raw);
        if (code === undefined || (e.kind === 'duration' && typeof raw !== 'number')) {
          throw new NotGenerated('literal');
        }
        return { code, type: typeOfLiteral(raw) };
      }
      case 'name':
        return { code: this.name(e.name).value, type: 'any' };
      case 'member':
      case 'index':
        return this.chain(e);
      case 'compare':
        return emitCompare(this, e, this.value(e.left), this.value(e.right));
      case 'in':
        return emitIn(this, e, lit);
      case 'arith':
        return emitArith(this, e, this.value(e.left), this.value(e.right));
      case 'call':
        return emitCall(this, e);
      case 'and':
      case 'or':
        return this.logic(e);
      case 'not': {
        const v = this.value(e.operand);
        if (v.type === 'bool') return { code: `!${v.code}`, type: 'bool' };
        const r = this.local('false');
        this.line(
          `if (${v.code} === true) ${r} = false; else if (${v.code} === false || ${v.code} === null) ${r} = true; else ${BAIL_OUT}`,
        );
        return { code: r, type: 'bool' };
      }
      case 'coalesce': {
        const left = this.value(e.left);
        const r = this.local(left.code);
        this.line(`if (${isNull(left)}) {`);
        const right = this.value(e.right);
        this.line(`${r} = ${right.code}; }`);
        return { code: r, type: left.type === right.type ? left.type : 'any' };
      }
      case 'neg': {
        const v = this.value(e.operand);
        const r = this.local('0');
        this.line(`if (typeof ${v.code} !== 'number') ${BAIL_OUT} ${r} = ${v.code} === 0 ? 0 : -${v.code};`);
        return { code: r, type: 'num' };
      }
      case 'template':
        return this.template(e);
      default:
        throw new NotGenerated(`expression kind ${String((e as { kind: unknown }).kind)}`);
    }
  }

  /** A scope name, read once at the start: a missing name bails (the evaluator would fail). */
  private name(name: string): { value: string; plain: string } {
    if (typeof name !== 'string') throw new NotGenerated('name');
    let known = this.names.get(name);
    if (known === undefined) {
      const n = this.names.size;
      known = { value: `n${n}`, plain: `p${n}` };
      const key = stringLiteral(name);
      const v = known.value;
      this.prologue.push(
        `let ${v} = scope[${key}];`,
        `if (${v} === undefined || OBJ[${key}] !== undefined || getProto(scope) !== OBJ) {`,
        `if (!hasOwn(scope, ${key})) ${BAIL_OUT} ${v} = scope[${key}]; }`,
        `const ${known.plain} = ${plainCheck(known.value)};`,
      );
      this.names.set(name, known);
    }
    return known;
  }

  /** Truth in a boolean context: true, false, or null as false; anything else bails. */
  private truth(v: Val): string {
    if (v.type === 'bool') return v.code;
    if (v.type === 'null') return 'false';
    const t = this.local(v.code);
    this.line(`if (${t} === null) ${t} = false; else if (${t} !== true && ${t} !== false) ${BAIL_OUT}`);
    return t;
  }

  private logic(e: Extract<ExprIR, { kind: 'and' | 'or' }>): Val {
    const left = this.truth(this.value(e.left));
    const r = this.local(left);
    this.line(e.kind === 'and' ? `if (${r}) {` : `if (!${r}) {`);
    const right = this.truth(this.value(e.right));
    this.line(`${r} = ${right}; }`);
    return { code: r, type: 'bool' };
  }

  /** A member/index chain; a `?.` that meets null makes the whole chain null (`break` out). */
  private chain(e: Chain): Val {
    const links: Chain[] = [];
    let at: ExprIR = e;
    while (at.kind === 'member' || at.kind === 'index') {
      links.unshift(at);
      at = at.object;
    }
    const rootName = at.kind === 'name' ? this.name(at.name) : undefined;
    const root = rootName ? rootName.value : this.value(at).code;
    const label = `c${this.count++}`;
    const o = this.local(root);
    this.line(`${label}: {`);
    links.forEach((link, n) => {
      if (link.kind === 'member') {
        if (typeof link.name !== 'string' || FORBIDDEN_MEMBERS.has(link.name)) {
          throw new NotGenerated('member');
        }
        const onNull = link.optional ? `if (${o} === null) { break ${label}; } ` : '';
        const plain = n === 0 && rootName ? rootName.plain : plainCheck(o);
        this.line(`if (!(${plain})) { ${onNull}${BAIL_OUT} }`);
        const key = stringLiteral(link.name);
        this.line(ownField(o, key));
        return;
      }
      const i = this.value(link.index).code;
      const forbidden = [...FORBIDDEN_MEMBERS].map((m) => `${i} === ${stringLiteral(m)}`).join(' || ');
      this.line(`if (${o} === null) ${BAIL_OUT}`);
      this.line(
        `if (isArray(${o})) { if (typeof ${i} !== 'number' || ${i} % 1 !== 0 || ${i} < 0 || ${i} >= ${o}.length) ${BAIL_OUT} ${o} = ${o}[${i}]; }`,
      );
      this.line(
        `else { if (typeof ${i} !== 'string' || ${forbidden} || !(${plainCheck(o)})) ${BAIL_OUT} ${ownField(o, i)} }`,
      );
    });
    this.line('}');
    return { code: o, type: 'any' };
  }

  /** A string template of text, strings, numbers, bools and nulls (no secrets, no lists). */
  private template(e: Extract<ExprIR, { kind: 'template' }>): Val {
    const r = this.local('""');
    for (const part of e.parts) {
      if (part.kind === 'text') {
        if (typeof part.text !== 'string') throw new NotGenerated('template');
        this.line(`${r} += ${stringLiteral(part.text)};`);
        continue;
      }
      const v = this.value(part.expr);
      // A duration is formatted as `1h30m`, which is not inlined; text and nulls read as they are.
      const kinds =
        part.format === 'duration' ? all(notObject(v), `typeof ${v.code} !== 'number'`) : notObject(v);
      this.line(`if (!(${kinds})) ${BAIL_OUT} ${r} += ${v.code};`);
    }
    this.line(
      `if (${r}.length > ${1 << 20}) ${BAIL_OUT} room -= (${r}.length + 63) >> 6; if (room < 0) ${BAIL_OUT}`,
    );
    return { code: r, type: 'str' };
  }
}

/** The helpers generated code may use: its only way to reach anything outside itself. */
const HELPERS: Readonly<Record<string, unknown>> = {
  hasOwn: Object.hasOwn,
  getProto: Object.getPrototypeOf,
  OBJ: Object.prototype,
  isArray: Array.isArray,
  round: Math.round,
  abs: Math.abs,
  floor: Math.floor,
  ceil: Math.ceil,
  DEFAULT_BUDGET: DEFAULT_EVAL_BUDGET,
};

/**
 * The generated statements of `expr` (run inside a block labelled `bail`, which they leave on
 * anything unusual), the expression holding its value once they complete, and the steps it must
 * have room for; undefined when not covered.
 */
export function generateSource(expr: ExprIR): { body: string; result: string; steps: number } | undefined {
  try {
    const shape = measure(expr);
    if (shape.depth > MAX_GENERATED_DEPTH) return undefined;
    const g = new Generator();
    const result = g.value(expr);
    return { body: g.source(), result: result.code, steps: shape.steps + g.steps };
  } catch (err) {
    // Malformed IR (a hand-made or newer node) is left to the closures and the evaluator.
    if (err instanceof NotGenerated || err instanceof NoFastForm) return undefined;
    if (err instanceof TypeError || err instanceof RangeError) return undefined;
    throw err;
  }
}

/** Set once `new Function` has been refused: then nothing more is attempted. */
let refused = false;

type Entry<T> = (scope: EvalScope, ctx: EvalContext) => T;

/**
 * `expr` as one generated function `(scope, ctx)`, answering the happy path itself and calling
 * `slow` (same signature, exact) for everything else. `asCondition`: null is false and any
 * other non-bool is left to `slow` (which fails like `evaluateCondition`). Undefined when `expr`
 * is not covered or `new Function` is not available.
 */
export function generated<T extends Value>(
  expr: ExprIR,
  slow: Entry<T>,
  asCondition: boolean,
): Entry<T> | undefined {
  if (refused) return undefined;
  const source = generateSource(expr);
  if (source === undefined) return undefined;
  const answer = asCondition
    ? 'if (v === true || v === false) return v; if (v === null) return false;'
    : 'return v;';
  // The room left with the default budget, the common case (the router passes none): a constant.
  const defaultRoom = DEFAULT_EVAL_BUDGET - source.steps;
  const code = [
    "'use strict';",
    'return function generated(scope, ctx) {',
    '  const b = ctx.budget;',
    `  let room = b === undefined ? ${defaultRoom} : (typeof b === 'number' && b > 0 && b - b === 0 ? floor(b) : DEFAULT_BUDGET) - ${source.steps};`,
    '  if (room >= 0) {',
    // A getter or a proxy in the data may throw: the slow path answers, exactly, outside the `try`.
    '    try {',
    `      bail: {\n${source.body}\nconst v = ${source.result};\n${answer}\n      }`,
    '    } catch {}',
    '  }',
    '  return slow(scope, ctx);',
    '};',
  ].join('\n');
  const names = Object.keys(HELPERS);
  try {
    const factory = new Function(...names, 'slow', code) as (...args: unknown[]) => Entry<T>;
    return factory(...names.map((n) => HELPERS[n]), slow);
  } catch (err) {
    // A SyntaxError would be a bug in the generator (tests check that covered shapes generate);
    // anything else means code generation from strings is disallowed here.
    if (!(err instanceof SyntaxError)) refused = true;
    return undefined;
  }
}
