/**
 * Operators for the generated guards (`codegen.ts`): comparisons, `in`, arithmetic and
 * the built-ins worth inlining. Each emits JavaScript for the happy path only: the operand types
 * the operator expects, no secrets, no errors. Anything else emits `BAIL` (leaving the generated
 * block), and the call is
 * answered by the closures (`closures.ts`), which gives the evaluator's exact value or `EvalError`.
 *
 * Everything spliced into the code here is an identifier the generator made (`v12`), a literal it
 * checked (`lit` in `codegen.ts`), or a fixed fragment written in this file.
 */
import type { ExprIR } from '../ir';
import { MAX_STRING_LENGTH } from '../evaluator-meter';

/** A generated value: a local's name or a literal, with its type when known statically. */
export interface Val {
  readonly code: string;
  readonly type: 'num' | 'str' | 'bool' | 'null' | 'any';
}

/** What an operator emitter needs from the generator. */
export interface Emitter {
  line(text: string): void;
  /** Declares a fresh local (`let vN = init;`) in the current block and returns its name. */
  local(init: string): string;
  /** Counts steps the evaluator may charge beyond node visits, known when generating. */
  extra(steps: number): void;
  value(e: ExprIR): Val;
}

/**
 * The statement that leaves the happy path: generated code runs inside a block labelled `bail`
 * in the entry function itself (no inner function call, so V8 need not inline anything), and the
 * code after that block asks the slow path.
 */
export const BAIL = 'break bail;';

/** An expression or construct the generator does not cover: the closures answer it. */
export class NotGenerated extends Error {}

type Of<K extends ExprIR['kind']> = Extract<ExprIR, { kind: K }>;

const JS_TYPE = { num: 'number', str: 'string', bool: 'boolean' } as const;

/** Is `v` of type `t`? Folded to `true`/`false` when the type is known. */
export function is(v: Val, t: keyof typeof JS_TYPE): string {
  if (v.type === t) return 'true';
  return v.type === 'any' ? `typeof ${v.code} === '${JS_TYPE[t]}'` : 'false';
}

export function isNull(v: Val): string {
  if (v.type === 'null') return 'true';
  return v.type === 'any' ? `${v.code} === null` : 'false';
}

/** A primitive that is not null (never a secret, list or object). */
function isPrim(v: Val): string {
  if (v.type === 'null') return 'false';
  return v.type === 'any' ? `typeof ${v.code} !== 'object'` : 'true';
}

/** Null or a primitive: anything but a list or an object (so never a secret). */
export function notObject(v: Val): string {
  return v.type === 'any' ? `(${v.code} === null || typeof ${v.code} !== 'object')` : 'true';
}

export function all(...conds: string[]): string {
  if (conds.includes('false')) return 'false';
  const rest = conds.filter((c) => c !== 'true');
  return rest.length === 0 ? 'true' : rest.map((c) => `(${c})`).join(' && ');
}

export function any(...conds: string[]): string {
  if (conds.includes('true')) return 'true';
  const rest = conds.filter((c) => c !== 'false');
  return rest.length === 0 ? 'false' : rest.map((c) => `(${c})`).join(' || ');
}

/** `if (c1) s1 else if (c2) s2 ... else otherwise`, with statically false branches dropped. */
export function branches(g: Emitter, cases: readonly (readonly [string, string])[], otherwise: string): void {
  let first = true;
  for (const [cond, stmt] of cases) {
    if (cond === 'false') continue;
    if (cond === 'true') {
      g.line(first ? stmt : `else { ${stmt} }`);
      return;
    }
    g.line(`${first ? '' : 'else '}if (${cond}) { ${stmt} }`);
    first = false;
  }
  g.line(first ? otherwise : `else { ${otherwise} }`);
}

export function emitCompare(g: Emitter, e: Of<'compare'>, a: Val, b: Val): Val {
  const r = g.local('false');
  // The evaluator refuses secrets first, then a comparison with null is decided by identity
  // (`==`, `!=`) or is false (ordering).
  const nulls = any(all(isNull(a), notObject(b)), all(isNull(b), notObject(a)));
  if (e.op === '==' || e.op === '!=') {
    g.extra(1); // deep equality's step, charged when neither side is null
    const ok = e.mode === 'time' ? nulls : any(all(isPrim(a), isPrim(b)), nulls);
    const test = e.op === '==' ? `${a.code} === ${b.code}` : `${a.code} !== ${b.code}`;
    branches(g, [[ok, `${r} = ${test};`]], BAIL);
    return { code: r, type: 'bool' };
  }
  const op = e.op;
  if (op !== '<' && op !== '<=' && op !== '>' && op !== '>=') throw new NotGenerated('comparison');
  const numbers = e.mode !== 'string' && e.mode !== 'time';
  const strings = e.mode === 'string' || e.mode === 'dynamic';
  branches(
    g,
    [
      // `(a - b) < 0` is exactly the evaluator's order test, Infinity and NaN included.
      [numbers ? all(is(a, 'num'), is(b, 'num')) : 'false', `${r} = (${a.code} - ${b.code}) ${op} 0;`],
      [strings ? all(is(a, 'str'), is(b, 'str')) : 'false', `${r} = ${a.code} ${op} ${b.code};`],
      [nulls, `${r} = false;`],
    ],
    BAIL,
  );
  return { code: r, type: 'bool' };
}

/** A literal usable as a list item of `in`, or undefined. */
function literalItem(e: ExprIR, lit: (v: unknown) => string | undefined): string | undefined {
  return e.kind === 'literal' ? lit(e.value) : undefined;
}

export function emitIn(g: Emitter, e: Of<'in'>, lit: (v: unknown) => string | undefined): Val {
  const a = g.value(e.left);
  const r = g.local('false');
  const right = e.right;
  const items = right.kind === 'list' ? right.items.map((item) => literalItem(item, lit)) : undefined;
  const short = items !== undefined && items.length <= 1000;
  if (short && items.every((i) => i !== undefined) && e.mode !== 'string') {
    // A list of literals: its length is known, so are the steps (building it, searching it, one
    // deep-equality step per item compared). Items are primitives: equality is identity.
    g.extra(3 * items.length);
    branches(g, [[notObject(a), `${r} = ${any(...items.map((i) => `${a.code} === ${i}`))};`]], BAIL);
  } else {
    const b = g.value(right);
    const x = g.local('null');
    const i = g.local('0');
    const list = [
      `room -= 2 * ${b.code}.length; if (room < 0) ${BAIL}`,
      `for (${i} = 0; ${i} < ${b.code}.length; ${i}++) {`,
      `${x} = ${b.code}[${i}]; if (${x} === ${a.code}) { ${r} = true; break; }`,
      `if (${x} !== null && typeof ${x} === 'object') ${BAIL} }`,
    ].join(' ');
    const text = `${r} = ${b.code}.includes(${a.code}); room -= (${b.code}.length + 63) >> 6; if (room < 0) ${BAIL}`;
    g.line(`if (!${notObject(a)}) ${BAIL}`);
    branches(
      g,
      [
        [isNull(b), `${r} = false;`],
        [e.mode === 'string' ? 'false' : `isArray(${b.code})`, list],
        [e.mode === 'list' ? 'false' : all(is(b, 'str'), is(a, 'str')), text],
      ],
      BAIL,
    );
  }
  if (e.negate) g.line(`${r} = !${r};`);
  return { code: r, type: 'bool' };
}

/** A finite result with -0 made 0, as the evaluator's `finite` gives it. */
function finiteNumber(r: string): string {
  return `if (${r} - ${r} !== 0) ${BAIL} if (${r} === 0) ${r} = 0;`;
}

const NUMERIC: Readonly<Record<string, string>> = {
  'num.add': '+',
  'dur.add': '+',
  'dyn.add': '+',
  'num.sub': '-',
  'dur.sub': '-',
  'dyn.sub': '-',
  'num.mul': '*',
  'dyn.mul': '*',
};

export function emitArith(g: Emitter, e: Of<'arith'>, a: Val, b: Val): Val {
  const r = g.local('0');
  const nums = all(is(a, 'num'), is(b, 'num'));
  const [x, y] = [a.code, b.code];
  const concat = `${r} = ${x} + ${y}; if (${r}.length > ${MAX_STRING_LENGTH}) ${BAIL} room -= (${r}.length + 63) >> 6; if (room < 0) ${BAIL}`;
  const symbol = Object.hasOwn(NUMERIC, e.op) ? NUMERIC[e.op] : undefined;
  let type: Val['type'] = 'num';
  if (symbol !== undefined) {
    const cases: [string, string][] = [[nums, `${r} = ${x} ${symbol} ${y}; ${finiteNumber(r)}`]];
    if (e.op === 'dyn.add') {
      cases.push([all(is(a, 'str'), is(b, 'str')), concat]);
      type = 'any';
    }
    branches(g, cases, BAIL);
    return { code: r, type };
  }
  switch (e.op) {
    case 'num.div':
    case 'dur.ratio':
    case 'dyn.div':
      branches(g, [[nums, `if (${y} === 0) ${BAIL} ${r} = ${x} / ${y}; ${finiteNumber(r)}`]], BAIL);
      break;
    case 'num.mod':
    case 'dyn.mod':
      branches(g, [[nums, `if (${y} === 0) ${BAIL} ${r} = ${x} % ${y}; ${finiteNumber(r)}`]], BAIL);
      break;
    case 'dur.mul':
      branches(g, [[nums, `${r} = round(${x} * ${y}); ${finiteNumber(r)}`]], BAIL);
      break;
    case 'dur.div':
      // The evaluator rounds the finite quotient and keeps the sign of a rounded zero.
      branches(
        g,
        [[nums, `if (${y} === 0) ${BAIL} ${r} = ${x} / ${y}; ${finiteNumber(r)} ${r} = round(${r});`]],
        BAIL,
      );
      break;
    case 'str.concat':
      branches(g, [[all(is(a, 'str'), is(b, 'str')), concat]], BAIL);
      type = 'str';
      break;
    default:
      throw new NotGenerated(`operator ${String(e.op)}`);
  }
  return { code: r, type };
}

/** Built-ins inlined, with the number of arguments each needs; others go to the closures. */
const ARITY: Readonly<Record<string, number>> = {
  starts_with: 2,
  ends_with: 2,
  len: 1,
  abs: 1,
  floor: 1,
  ceil: 1,
  lower: 1,
  upper: 1,
  trim: 1,
  'contains:string': 1,
  'contains:list': 1,
  'contains:dynamic': 1,
};

export function emitCall(g: Emitter, e: Of<'call'>): Val {
  const need = Object.hasOwn(ARITY, e.impl) ? ARITY[e.impl] : undefined;
  if (need === undefined || e.args.length < need) throw new NotGenerated(`built-in ${e.impl}`);
  g.extra(1); // the step every built-in call charges
  // Every argument is evaluated before the built-in looks at them, as in the evaluator.
  const args = e.args.map((a) => g.value(a));
  const [s, t] = args;
  const r = g.local('null');
  const fail = BAIL;
  const sized = (text: string): string =>
    `${r} = ${text}; if (${r}.length > ${MAX_STRING_LENGTH}) ${BAIL} room -= (${r}.length + 63) >> 6; if (room < 0) ${BAIL}`;
  switch (e.impl) {
    case 'starts_with':
    case 'ends_with': {
      const method = e.impl === 'starts_with' ? 'startsWith' : 'endsWith';
      branches(g, [[all(is(s, 'str'), is(t, 'str')), `${r} = ${s.code}.${method}(${t.code});`]], fail);
      return { code: r, type: 'bool' };
    }
    case 'len':
      branches(
        g,
        [[any(is(s, 'str'), s.type === 'any' ? `isArray(${s.code})` : 'false'), `${r} = ${s.code}.length;`]],
        fail,
      );
      return { code: r, type: 'num' };
    case 'abs':
    case 'floor':
    case 'ceil':
      branches(g, [[is(s, 'num'), `${r} = ${e.impl}(${s.code});`]], fail);
      return { code: r, type: 'num' };
    case 'lower':
    case 'upper': {
      const method = e.impl === 'lower' ? 'toLowerCase' : 'toUpperCase';
      branches(g, [[is(s, 'str'), sized(`${s.code}.${method}()`)]], fail);
      return { code: r, type: 'str' };
    }
    case 'trim':
      branches(g, [[is(s, 'str'), `${r} = ${s.code}.trim();`]], fail);
      return { code: r, type: 'str' };
    default:
      return emitContains(g, e.impl, s, args.length > 1 ? args[1] : { code: 'null', type: 'null' }, r);
  }
}

/** `contains(haystack, needle)` over a list (identity of primitives) or a string. */
function emitContains(g: Emitter, impl: string, s: Val, n: Val, r: string): Val {
  const x = g.local('null');
  const i = g.local('0');
  const list = [
    `room -= 2 * ${s.code}.length; if (room < 0) ${BAIL} ${r} = false;`,
    `for (${i} = 0; ${i} < ${s.code}.length; ${i}++) {`,
    `${x} = ${s.code}[${i}]; if (${x} !== null && typeof ${x} === 'object') ${BAIL}`,
    `if (${x} === ${n.code}) { ${r} = true; break; } }`,
  ].join(' ');
  const text = `${r} = ${s.code}.includes(${n.code}); room -= (${s.code}.length + 63) >> 6; if (room < 0) ${BAIL}`;
  g.line(`if (!${notObject(n)}) ${BAIL}`);
  branches(
    g,
    [
      [impl === 'contains:string' || s.type !== 'any' ? 'false' : `isArray(${s.code})`, list],
      [impl === 'contains:list' ? 'false' : all(is(s, 'str'), is(n, 'str')), text],
    ],
    BAIL,
  );
  return { code: r, type: 'bool' };
}
