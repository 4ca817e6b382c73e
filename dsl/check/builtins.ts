/**
 * Built-in functions (for expressions) and built-in actions (for `call`), as data.
 *
 * Each function resolves the argument types the checker found to an implementation id (`impl`,
 * carried by the IR's `call` node, implemented in `runtime/evaluator-builtins.ts`) and a result
 * type. Where a function is overloaded (`min` of numbers, of times, of a list...) the checker picks
 * the overload, so the evaluator never guesses from runtime values, except for `any`, which is
 * explicit (`:dynamic`).
 *
 * Arguments that may be null (`T?`) are accepted; a null reaching a function is a runtime error.
 */
import type { ActionSignatureIR } from '../runtime/ir';
import type { Type } from './semantic-types';
import {
  T,
  isAssignable,
  isNumeric,
  listOf,
  nonNull,
  objectOf,
  optional,
  orderKind,
  typeToString,
} from './semantic-types';

/** The checker's answer for one call: the overload and its result type, or what is wrong. */
export type Resolution =
  { readonly impl: string; readonly result: Type } | { readonly problem: string; readonly arg?: number };

export interface BuiltinFunction {
  readonly name: string;
  /** As shown in docs and messages: `len(value: string | list) -> int`. */
  readonly signature: string;
  readonly doc: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  resolve(args: readonly Type[]): Resolution;
}

const kind = (t: Type): Type['kind'] => nonNull(t).kind;
const isAny = (t: Type): boolean => kind(t) === 'any';
const wrong = (arg: number, wanted: string, got: Type): Resolution => ({
  arg,
  problem: `argument ${arg + 1} must be ${wanted}, not ${typeToString(got)}`,
});

/** All arguments must be assignable to `param`; the result type is fixed. */
function simple(impl: string, params: readonly Type[], result: Type) {
  return (args: readonly Type[]): Resolution => {
    for (let i = 0; i < args.length; i++) {
      if (!isAssignable(args[i], params[i])) return wrong(i, typeToString(params[i]), args[i]);
    }
    return { impl, result };
  };
}

/** `min`/`max`: several numbers, strings, times or durations of one kind, or a single list of them. */
function extremum(name: string) {
  return (args: readonly Type[]): Resolution => {
    const single = args.length === 1 ? nonNull(args[0]) : undefined;
    if (single?.kind === 'list') {
      const mode = orderKind(single.element);
      if (mode === undefined) return wrong(0, 'a list of numbers, strings, times or durations', args[0]);
      return { impl: `${name}:list:${mode === 'any' ? 'dynamic' : mode}`, result: nonNull(single.element) };
    }
    let mode: string | undefined;
    for (let i = 0; i < args.length; i++) {
      const m = orderKind(args[i]);
      if (m === undefined) return wrong(i, 'a number, string, time or duration', args[i]);
      if (m === 'any') continue;
      if (mode !== undefined && m !== mode) return wrong(i, `a ${mode} like the other arguments`, args[i]);
      mode = m;
    }
    if (mode === undefined || args.some(isAny)) return { impl: `${name}:dynamic`, result: T.any };
    if (mode === 'number') {
      const allInt = args.every((a) => kind(a) === 'int');
      return { impl: `${name}:number`, result: allInt ? T.int : T.number };
    }
    return { impl: `${name}:${mode}`, result: nonNull(args[0]) };
  };
}

function textOrList(name: string, result: Type) {
  return (args: readonly Type[]): Resolution => {
    const k = kind(args[0]);
    if (k === 'string' || k === 'time') {
      if (args.length > 1 && !isAssignable(args[1], T.string)) return wrong(1, 'a string', args[1]);
      return { impl: `${name}:string`, result };
    }
    if (k === 'list' || k === 'any') return { impl: `${name}:${k === 'list' ? 'list' : 'dynamic'}`, result };
    return wrong(0, 'a string or a list', args[0]);
  };
}

function numberToDuration(name: string, unit: string): BuiltinFunction {
  return {
    name,
    signature: `${name}(n: number) -> duration`,
    doc: `A duration of n ${unit} (for durations computed from data; literals like \`3d\` are simpler).`,
    minArgs: 1,
    maxArgs: 1,
    resolve: simple(name, [T.number], T.duration),
  };
}

const FUNCTIONS: readonly BuiltinFunction[] = [
  {
    name: 'len',
    signature: 'len(value: string | list | object) -> int',
    doc: 'Length of a string (UTF-16 units), number of items of a list, number of fields of an object.',
    minArgs: 1,
    maxArgs: 1,
    resolve: (args) =>
      ['string', 'time', 'list', 'object', 'any'].includes(kind(args[0]))
        ? { impl: 'len', result: T.int }
        : wrong(0, 'a string, a list or an object', args[0]),
  },
  {
    name: 'min',
    signature: 'min(a, b, ...) | min(list) -> same type',
    doc: 'The smallest of numbers, strings, times or durations (of one kind); an empty list is an error.',
    minArgs: 1,
    maxArgs: Infinity,
    resolve: extremum('min'),
  },
  {
    name: 'max',
    signature: 'max(a, b, ...) | max(list) -> same type',
    doc: 'The largest of numbers, strings, times or durations (of one kind); an empty list is an error.',
    minArgs: 1,
    maxArgs: Infinity,
    resolve: extremum('max'),
  },
  {
    name: 'abs',
    signature: 'abs(x: number | duration) -> same type',
    doc: 'Absolute value.',
    minArgs: 1,
    maxArgs: 1,
    resolve: (args) =>
      isNumeric(nonNull(args[0])) || ['duration', 'any'].includes(kind(args[0]))
        ? { impl: 'abs', result: nonNull(args[0]) }
        : wrong(0, 'a number or a duration', args[0]),
  },
  {
    name: 'round',
    signature: 'round(x: number, digits?: int) -> int | number',
    doc: 'Rounds half away from zero; with `digits`, keeps that many decimals and gives a number.',
    minArgs: 1,
    maxArgs: 2,
    resolve: (args) => simple('round', [T.number, T.int], args.length === 2 ? T.number : T.int)(args),
  },
  {
    name: 'floor',
    signature: 'floor(x: number) -> int',
    doc: 'Largest whole number not above x.',
    minArgs: 1,
    maxArgs: 1,
    resolve: simple('floor', [T.number], T.int),
  },
  {
    name: 'ceil',
    signature: 'ceil(x: number) -> int',
    doc: 'Smallest whole number not below x.',
    minArgs: 1,
    maxArgs: 1,
    resolve: simple('ceil', [T.number], T.int),
  },
  ...(['lower', 'upper', 'trim'] as const).map((name): BuiltinFunction => ({
    name,
    signature: `${name}(s: string) -> string`,
    doc: { lower: 'Lower case.', upper: 'Upper case.', trim: 'Without leading and trailing whitespace.' }[
      name
    ],
    minArgs: 1,
    maxArgs: 1,
    resolve: simple(name, [T.string], T.string),
  })),
  {
    name: 'contains',
    signature: 'contains(haystack: string | list, needle) -> bool',
    doc: 'Whether a string contains a substring, or a list contains an item (deep equality).',
    minArgs: 2,
    maxArgs: 2,
    resolve: textOrList('contains', T.bool),
  },
  ...(['starts_with', 'ends_with'] as const).map((name): BuiltinFunction => ({
    name,
    signature: `${name}(s: string, part: string) -> bool`,
    doc: name === 'starts_with' ? 'Whether s begins with part.' : 'Whether s ends with part.',
    minArgs: 2,
    maxArgs: 2,
    resolve: simple(name, [T.string, T.string], T.bool),
  })),
  {
    name: 'now',
    signature: 'now() -> time',
    doc: "The run's deterministic clock (the workflow's current time), in UTC.",
    minArgs: 0,
    maxArgs: 0,
    resolve: () => ({ impl: 'now', result: T.time }),
  },
  {
    name: 'string',
    signature: 'string(x) -> string',
    doc: 'x as text, as in string interpolation (durations as `1h30m`, lists and objects as JSON).',
    minArgs: 1,
    maxArgs: 1,
    resolve: (args) => ({
      impl: kind(args[0]) === 'duration' ? 'string:duration' : 'string',
      result: T.string,
    }),
  },
  {
    name: 'number',
    signature: 'number(x: string | number | bool) -> number',
    doc: 'Parses a decimal string; numbers pass through; true/false give 1/0.',
    minArgs: 1,
    maxArgs: 1,
    resolve: (args) =>
      ['string', 'number', 'int', 'bool', 'any'].includes(kind(args[0]))
        ? { impl: 'number', result: T.number }
        : wrong(0, 'a string, number or bool', args[0]),
  },
  {
    name: 'int',
    signature: 'int(x: string | number | bool) -> int',
    doc: 'Like number(x), then truncated toward zero.',
    minArgs: 1,
    maxArgs: 1,
    resolve: (args) =>
      ['string', 'number', 'int', 'bool', 'any'].includes(kind(args[0]))
        ? { impl: 'int', result: T.int }
        : wrong(0, 'a string, number or bool', args[0]),
  },
  {
    name: 'time',
    signature: 'time(s: string) -> time',
    doc: 'Parses an ISO-8601 time (`2024-05-01`, `2024-05-01T10:00:00+02:00`) and gives it in UTC.',
    minArgs: 1,
    maxArgs: 1,
    resolve: simple('time', [T.string], T.time),
  },
  {
    name: 'join',
    signature: 'join(items: list, separator?: string) -> string',
    doc: 'The items as text (as in interpolation), separated by `separator` (default ", ").',
    minArgs: 1,
    maxArgs: 2,
    resolve: (args) => {
      const list = nonNull(args[0]);
      if (list.kind !== 'list' && list.kind !== 'any') return wrong(0, 'a list', args[0]);
      if (args.length > 1 && !isAssignable(args[1], T.string)) return wrong(1, 'a string', args[1]);
      const durations = list.kind === 'list' && kind(list.element) === 'duration';
      return { impl: durations ? 'join:duration' : 'join', result: T.string };
    },
  },
  {
    name: 'split',
    signature: 'split(s: string, separator: string) -> list<string>',
    doc: 'The parts of s between separators.',
    minArgs: 2,
    maxArgs: 2,
    resolve: simple('split', [T.string, T.string], listOf(T.string)),
  },
  numberToDuration('seconds', 'seconds'),
  numberToDuration('minutes', 'minutes'),
  numberToDuration('hours', 'hours'),
  numberToDuration('days', 'days'),
  {
    name: 'secret',
    signature: 'secret(name: string) -> string',
    doc: 'A secret from the deployment, by a literal name. Only actions see its value; logs show `***`.',
    minArgs: 1,
    maxArgs: 1,
    resolve: simple('secret', [T.string], T.string),
  },
];

/** Built-in functions by name. */
export const BUILTIN_FUNCTIONS: ReadonlyMap<string, BuiltinFunction> = new Map(
  FUNCTIONS.map((f) => [f.name, f]),
);

const f = (name: string, type: Type) => ({ name, type });

/** Actions every rule set can call without a connector or an `action` declaration. */
export const BUILTIN_ACTIONS: readonly ActionSignatureIR[] = [
  {
    name: 'http.request',
    params: [
      f('method', T.string),
      f('url', T.string),
      f('headers', optional(T.any)),
      f('body', optional(T.any)),
    ],
    result: objectOf([f('status', T.int), f('headers', T.any), f('body', T.any)]),
    origin: 'builtin',
  },
  {
    name: 'notify.slack',
    params: [f('channel', T.string), f('text', T.string)],
    result: objectOf([]),
    origin: 'builtin',
  },
  {
    name: 'notify.email',
    // `to`: one address as text, or a list of addresses (checked by the action).
    params: [f('to', T.any), f('subject', T.string), f('body', T.string)],
    result: objectOf([]),
    origin: 'builtin',
  },
];
