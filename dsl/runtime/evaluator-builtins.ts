/**
 * Implementations of the built-in functions, by the `impl` id the checker resolved (see
 * `check/builtins.ts`). Each checks its runtime arguments: a null or a value of the wrong kind is an
 * `EvalError` naming the function.
 */
import { EvalError } from './errors';
import { MAX_STRING_LENGTH } from './evaluator-meter';
import type { Meter } from './evaluator-meter';
import { finite, timeMs, timeValue } from './evaluator-ops';
import type { Span } from '../core/span';
import type { Value } from './value';
import { deepEqual, isPlainObject, isSecret, kindOf, toText } from './value';

/** What a built-in may use besides its arguments. */
export interface BuiltinEnv {
  readonly meter: Meter;
  now(): number;
}

type Impl = (args: readonly Value[], env: BuiltinEnv, span: Span) => Value;

function fnName(impl: string): string {
  return impl.split(':')[0];
}

function arg(impl: string, args: readonly Value[], i: number, span: Span): Value {
  if (i >= args.length)
    throw new EvalError('invalid-ir', `${fnName(impl)}() is missing argument ${i + 1}`, span);
  const v = args[i];
  if (v === null) throw new EvalError('null-value', `argument ${i + 1} of ${fnName(impl)}() is null`, span);
  if (isSecret(v)) throw new EvalError('secret', `a secret cannot be passed to ${fnName(impl)}()`, span);
  return v;
}

function badArg(impl: string, i: number, wanted: string, got: Value, span: Span): EvalError {
  return new EvalError(
    'type',
    `argument ${i + 1} of ${fnName(impl)}() must be ${wanted}, not ${kindOf(got)}`,
    span,
  );
}

function num(impl: string, args: readonly Value[], i: number, span: Span): number {
  const v = arg(impl, args, i, span);
  if (typeof v !== 'number') throw badArg(impl, i, 'a number', v, span);
  return v;
}

function str(impl: string, args: readonly Value[], i: number, span: Span): string {
  const v = arg(impl, args, i, span);
  if (typeof v !== 'string') throw badArg(impl, i, 'a string', v, span);
  return v;
}

function list(impl: string, args: readonly Value[], i: number, span: Span): readonly Value[] {
  const v = arg(impl, args, i, span);
  if (!Array.isArray(v)) throw badArg(impl, i, 'a list', v, span);
  return v as readonly Value[];
}

const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function toNumber(impl: string, args: readonly Value[], span: Span): number {
  const v = arg(impl, args, 0, span);
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string' && v.length < 400 && NUMBER_TEXT.test(v.trim()))
    return finite(Number(v.trim()), span);
  throw new EvalError('bad-number', `${fnName(impl)}() cannot read a number from ${kindOf(v)}`, span);
}

/** `min`/`max`: picks by the resolved mode; the winning value is returned as it was given. */
function extremum(impl: string, args: readonly Value[], span: Span, env: BuiltinEnv): Value {
  const [name, second, third] = impl.split(':');
  const fromList = second === 'list';
  let mode = fromList ? third : second;
  let items = args;
  if (fromList || (mode === 'dynamic' && args.length === 1 && Array.isArray(args[0]))) {
    items = list(impl, args, 0, span);
    if (items.length === 0) throw new EvalError('index-out-of-range', `${name}() of an empty list`, span);
  }
  env.meter.charge(items.length, span);
  if (mode === 'dynamic') mode = items.every((v) => typeof v === 'number') ? 'number' : 'string';
  const key = (v: Value, i: number): number | string => {
    if (v === null) throw new EvalError('null-value', `${name}() got a null (item ${i + 1})`, span);
    if (mode === 'time') return timeMs(v, span);
    if ((mode === 'string' && typeof v === 'string') || (mode !== 'string' && typeof v === 'number'))
      return v;
    throw new EvalError('type', `${name}() cannot compare ${kindOf(v)} (item ${i + 1})`, span);
  };
  let best = items[0];
  let bestKey = key(best, 0);
  for (let i = 1; i < items.length; i++) {
    const k = key(items[i], i);
    if (name === 'min' ? k < bestKey : k > bestKey) [best, bestKey] = [items[i], k];
  }
  return best;
}

function containsImpl(impl: string, args: readonly Value[], span: Span, env: BuiltinEnv): boolean {
  const haystack = arg(impl, args, 0, span);
  const needle = args.length > 1 ? args[1] : null;
  if (isSecret(needle)) throw new EvalError('secret', 'a secret cannot be searched for', span);
  if (Array.isArray(haystack) && !impl.endsWith(':string')) {
    env.meter.charge(haystack.length, span);
    return (haystack as readonly Value[]).some((item) => deepEqual(item, needle, env.meter, span));
  }
  if (typeof haystack === 'string' && !impl.endsWith(':list')) {
    env.meter.charge(Math.ceil(haystack.length / 64), span);
    return haystack.includes(str(impl, args, 1, span));
  }
  throw badArg(impl, 0, 'a string or a list', haystack, span);
}

function joinImpl(impl: string, args: readonly Value[], span: Span, env: BuiltinEnv): string {
  const items = list(impl, args, 0, span);
  const separator = args.length > 1 ? str(impl, args, 1, span) : ', ';
  env.meter.charge(items.length, span);
  const texts = items.map((item) => {
    if (isSecret(item))
      throw new EvalError('secret', 'a secret cannot be joined into text with join()', span);
    return toText(item, impl === 'join:duration', env.meter, span);
  });
  const length = texts.reduce((n, t) => n + t.length, 0) + separator.length * Math.max(0, texts.length - 1);
  if (length > MAX_STRING_LENGTH) {
    throw new EvalError('too-large', `a string grew past ${MAX_STRING_LENGTH} characters`, span);
  }
  return env.meter.string(texts.join(separator), span);
}

const UNIT_MS: Record<'seconds' | 'minutes' | 'hours' | 'days', number> = {
  seconds: 1000,
  minutes: 60_000,
  hours: 3_600_000,
  days: 86_400_000,
};

const IMPLS: ReadonlyMap<string, Impl> = new Map<string, Impl>([
  [
    'len',
    (args, _env, span) => {
      const v = arg('len', args, 0, span);
      if (typeof v === 'string' || Array.isArray(v)) return v.length;
      if (isPlainObject(v)) return Object.keys(v).length;
      throw badArg('len', 0, 'a string, a list or an object', v, span);
    },
  ],
  ...['min', 'max'].flatMap((name) =>
    ['number', 'string', 'time', 'duration', 'dynamic'].flatMap((mode): [string, Impl][] => [
      [`${name}:${mode}`, (args, env, span) => extremum(`${name}:${mode}`, args, span, env)],
      [`${name}:list:${mode}`, (args, env, span) => extremum(`${name}:list:${mode}`, args, span, env)],
    ]),
  ),
  ['abs', (args, _env, span) => Math.abs(num('abs', args, 0, span))],
  [
    'round',
    (args, _env, span) => {
      const x = num('round', args, 0, span);
      const digits = args.length > 1 ? num('round', args, 1, span) : 0;
      if (!Number.isInteger(digits) || digits < 0 || digits > 15) {
        throw new EvalError('type', 'round() keeps 0 to 15 decimals', span);
      }
      const scale = 10 ** digits;
      return finite((Math.sign(x) * Math.round(Math.abs(x) * scale)) / scale, span);
    },
  ],
  ['floor', (args, _env, span) => Math.floor(num('floor', args, 0, span))],
  ['ceil', (args, _env, span) => Math.ceil(num('ceil', args, 0, span))],
  ['lower', (args, env, span) => env.meter.string(str('lower', args, 0, span).toLowerCase(), span)],
  ['upper', (args, env, span) => env.meter.string(str('upper', args, 0, span).toUpperCase(), span)],
  ['trim', (args, _env, span) => str('trim', args, 0, span).trim()],
  ...['contains:string', 'contains:list', 'contains:dynamic'].map((impl): [string, Impl] => [
    impl,
    (args, env, span) => containsImpl(impl, args, span, env),
  ]),
  [
    'starts_with',
    (args, _env, span) => str('starts_with', args, 0, span).startsWith(str('starts_with', args, 1, span)),
  ],
  [
    'ends_with',
    (args, _env, span) => str('ends_with', args, 0, span).endsWith(str('ends_with', args, 1, span)),
  ],
  ['now', (_args, env, span) => timeValue(env.now(), span)],
  ...['string', 'string:duration'].map((impl): [string, Impl] => [
    impl,
    (args, env, span) => {
      if (args.length < 1) throw new EvalError('invalid-ir', 'string() needs an argument', span);
      const v = args[0];
      return isSecret(v) ? v : env.meter.string(toText(v, impl === 'string:duration', env.meter, span), span);
    },
  ]),
  ['number', (args, _env, span) => toNumber('number', args, span)],
  ['int', (args, _env, span) => finite(Math.trunc(toNumber('int', args, span)), span)],
  ['time', (args, _env, span) => timeValue(timeMs(str('time', args, 0, span), span), span)],
  ...['join', 'join:duration'].map((impl): [string, Impl] => [
    impl,
    (args, env, span) => joinImpl(impl, args, span, env),
  ]),
  [
    'split',
    (args, env, span) => {
      const s = str('split', args, 0, span);
      const separator = str('split', args, 1, span);
      env.meter.listLength(separator === '' ? s.length : 0, span);
      const parts = s.split(separator);
      env.meter.listLength(parts.length, span);
      return parts;
    },
  ],
  ...(Object.keys(UNIT_MS) as (keyof typeof UNIT_MS)[]).map((unit): [string, Impl] => [
    unit,
    (args, _env, span) => finite(Math.round(num(unit, args, 0, span) * UNIT_MS[unit]), span),
  ]),
]);

/** Runs the built-in `impl` on evaluated arguments. */
export function callBuiltin(impl: string, args: readonly Value[], env: BuiltinEnv, span: Span): Value {
  const fn = IMPLS.get(impl);
  if (fn === undefined) throw new EvalError('invalid-ir', `unknown built-in function ${impl}`, span);
  env.meter.charge(1, span);
  return fn(args, env, span);
}
