import { conformFields, conformValue } from './conform';
import type { FieldTypeIR, TypeIR } from '../runtime/ir';

const str: TypeIR = { kind: 'string' };
const int: TypeIR = { kind: 'int' };
const opt = (type: TypeIR): TypeIR => ({ kind: 'optional', type });

const ORDER: FieldTypeIR[] = [
  { name: 'order_id', type: str },
  { name: 'total', type: { kind: 'number' } },
  { name: 'placed_at', type: { kind: 'time' } },
  { name: 'note', type: opt(str) },
  {
    name: 'items',
    type: {
      kind: 'list',
      element: {
        kind: 'object',
        fields: [
          { name: 'sku', type: str },
          { name: 'quantity', type: int },
        ],
      },
    },
  },
];

describe('conforming outside data to declared types', () => {
  it('accepts matching data, fills missing optionals with null and keeps undeclared fields', () => {
    const { value, problems } = conformFields(
      {
        order_id: 'A-1',
        total: 12.5,
        placed_at: '2024-05-01T10:00:00Z',
        items: [{ sku: 'S', quantity: 2 }],
        channel: 'web',
      },
      ORDER,
    );
    expect(problems).toEqual([]);
    expect(value).toEqual({
      order_id: 'A-1',
      total: 12.5,
      placed_at: '2024-05-01T10:00:00Z',
      items: [{ sku: 'S', quantity: 2 }],
      channel: 'web',
      note: null,
    });
  });

  it('names every failing field with its path', () => {
    const { problems } = conformFields(
      { order_id: 7, total: 'x', placed_at: 'yesterday', items: [{ sku: 'S', quantity: 1.5 }] },
      ORDER,
    );
    expect(problems).toEqual([
      { path: 'order_id', message: 'must be text, not a number' },
      { path: 'total', message: 'must be a number, not text' },
      { path: 'placed_at', message: 'must be an ISO-8601 time like 2024-05-01T10:00:00Z' },
      { path: 'items[0].quantity', message: 'must be a whole number, not 1.5' },
    ]);
  });

  it('reports missing required fields and non-objects', () => {
    expect(conformFields({}, ORDER).problems.map((p) => p.path)).toEqual([
      'order_id',
      'total',
      'placed_at',
      'items',
    ]);
    expect(conformFields([1], ORDER).problems).toEqual([
      { path: '', message: 'must be an object, not a list' },
    ]);
  });

  it('normalises durations given as text to milliseconds', () => {
    expect(conformValue('1h30m', { kind: 'duration' })).toEqual({ value: 5_400_000, problems: [] });
    expect(conformValue(250, { kind: 'duration' })).toEqual({ value: 250, problems: [] });
    expect(conformValue('soon', { kind: 'duration' }).problems).toHaveLength(1);
  });

  it('refuses secret markers anywhere, even under any', () => {
    expect(conformValue({ a: [{ $secret: 'TOKEN' }] }, { kind: 'any' }).problems).toEqual([
      { path: 'a[0]', message: 'must not contain a secret marker' },
    ]);
    expect(
      conformFields({ order_id: { $secret: 'X' } }, [{ name: 'order_id', type: { kind: 'any' } }]).problems,
    ).toHaveLength(1);
  });

  it('keeps a __proto__ key as plain data', () => {
    const data = JSON.parse('{"__proto__": {"polluted": true}, "order_id": "A"}') as unknown;
    const { value } = conformFields(data, [{ name: 'order_id', type: str }]);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('bounds the number of problems for hostile input', () => {
    const many = Array.from({ length: 1000 }, () => 'x');
    expect(conformValue(many, { kind: 'list', element: int }).problems).toHaveLength(50);
  });
});
