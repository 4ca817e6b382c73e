import { baseType, isOptional, parseField } from './input-values';

const field = (name: string, type: string, optional = false) => ({ name, type, optional });

describe('the manual run form: field text to the typed input', () => {
  it('reads numbers, booleans and text by their declared type', () => {
    expect(parseField(field('quantity', 'int'), '3')).toBe(3);
    expect(parseField(field('price', 'number'), '9.5')).toBe(9.5);
    expect(parseField(field('urgent', 'bool'), 'true')).toBe(true);
    expect(parseField(field('urgent', 'bool'), 'false')).toBe(false);
    expect(parseField(field('sku', 'string'), ' A-1 ')).toBe(' A-1 ');
    expect(parseField(field('at', 'time'), '2026-03-02T09:00:00Z')).toBe('2026-03-02T09:00:00Z');
  });

  it('says which field is wrong and why', () => {
    expect(() => parseField(field('quantity', 'int'), '2.5')).toThrow(
      'quantity: expected a whole number, got "2.5"',
    );
    expect(() => parseField(field('price', 'number'), 'ten')).toThrow('price: expected a number, got "ten"');
    expect(() => parseField(field('quantity', 'int'), '')).toThrow('quantity: required (int)');
    expect(() => parseField(field('skus', 'list<int>'), '1, x')).toThrow(
      'skus[1]: expected a whole number, got "x"',
    );
    expect(() => parseField(field('meta', '{ a: int }'), '{nope')).toThrow(
      'meta: expected JSON for { a: int }',
    );
  });

  it('leaves an empty optional field out, whether optional is a flag or a `?`', () => {
    expect(parseField(field('note', 'string', true), '')).toBeUndefined();
    expect(parseField(field('times', 'int?'), '  ')).toBeUndefined();
    expect(isOptional(field('times', 'int?'))).toBe(true);
    expect(baseType('list<string>?')).toBe('list<string>');
    // A required text may be empty: that is a value.
    expect(parseField(field('sku', 'string'), '')).toBe('');
  });

  it('reads lists as comma-separated values or as JSON', () => {
    expect(parseField(field('skus', 'list<string>'), 'A-1, B-2')).toEqual(['A-1', 'B-2']);
    expect(parseField(field('counts', 'list<int>'), '1,2,3')).toEqual([1, 2, 3]);
    expect(parseField(field('flags', 'list<bool>'), 'true,false')).toEqual([true, false]);
    expect(parseField(field('skus', 'list<string>'), '["a,b", "c"]')).toEqual(['a,b', 'c']);
    expect(parseField(field('meta', 'any'), '{"a": 1}')).toEqual({ a: 1 });
  });
});
