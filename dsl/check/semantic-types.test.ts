import {
  T,
  isAssignable,
  isEqualityComparable,
  joinTypes,
  listOf,
  objectOf,
  optional,
  typeToString,
} from './semantic-types';

const obj = (fields: Record<string, ReturnType<typeof optional>>) =>
  objectOf(Object.entries(fields).map(([name, type]) => ({ name, type })));

describe('types', () => {
  it('assigns int to number, time to string, anything to and from any', () => {
    expect(isAssignable(T.int, T.number)).toBe(true);
    expect(isAssignable(T.number, T.int)).toBe(false);
    expect(isAssignable(T.time, T.string)).toBe(true);
    expect(isAssignable(T.string, T.time)).toBe(false);
    expect(isAssignable(T.duration, T.number)).toBe(false);
    expect(isAssignable(T.any, T.int)).toBe(true);
    expect(isAssignable(listOf(T.int), T.any)).toBe(true);
  });

  it('handles null and optionals (null-lenient where a value is expected)', () => {
    expect(isAssignable(T.null, optional(T.string))).toBe(true);
    expect(isAssignable(T.null, T.string)).toBe(false);
    expect(isAssignable(optional(T.string), T.string)).toBe(true);
    expect(isAssignable(T.int, optional(T.number))).toBe(true);
    expect(optional(optional(T.int))).toEqual(optional(T.int));
    expect(optional(T.null)).toEqual(T.null);
  });

  it('is structural for lists and objects, with width subtyping', () => {
    expect(isAssignable(listOf(T.int), listOf(T.number))).toBe(true);
    expect(isAssignable(listOf(T.string), listOf(T.int))).toBe(false);
    const wide = obj({ id: T.string, extra: T.int });
    expect(isAssignable(wide, obj({ id: T.string }))).toBe(true);
    expect(isAssignable(obj({ id: T.string }), obj({ id: T.string, note: optional(T.string) }))).toBe(true);
    expect(isAssignable(obj({ id: T.string }), obj({ id: T.string, n: T.int }))).toBe(false);
  });

  it('joins types for list literals and ??', () => {
    expect(joinTypes(T.int, T.number)).toEqual(T.number);
    expect(joinTypes(T.int, T.null)).toEqual(optional(T.int));
    expect(joinTypes(T.string, T.int)).toBeUndefined();
    expect(joinTypes(obj({ a: T.int }), obj({ b: T.string }))).toEqual(
      obj({ a: optional(T.int), b: optional(T.string) }),
    );
  });

  it('decides which types can be compared with ==', () => {
    expect(isEqualityComparable(T.int, T.number)).toBe(true);
    expect(isEqualityComparable(optional(T.string), T.null)).toBe(true);
    expect(isEqualityComparable(T.string, T.int)).toBe(false);
    expect(isEqualityComparable(T.time, T.string)).toBe(false);
    expect(isEqualityComparable(T.any, listOf(T.int))).toBe(true);
  });

  it('prints types as written', () => {
    expect(typeToString(optional(listOf(T.string)))).toBe('list<string>?');
    expect(typeToString(obj({ id: T.string, n: optional(T.int) }))).toBe('{ id: string, n: int? }');
    expect(typeToString(objectOf([]))).toBe('{}');
  });
});
