import { E } from '../testing/ast-builders';
import { fails, run } from '../testing/eval-fixtures';

const ev = (field: string) => E.path(`event.${field}`);

describe('built-in functions', () => {
  it('len, min, max, abs', () => {
    expect(run(E.call('len', ev('sku')))).toBe(3);
    expect(run(E.call('len', ev('tags')))).toBe(2);
    expect(run(E.call('len', E.path('event.extra')))).toBe(3);
    expect(
      run(
        E.call(
          'max',
          ev('reorder_qty'),
          E.bin(E.bin(ev('reorder_point'), '*', E.num(2)), '-', ev('available')),
        ),
      ),
    ).toBe(20);
    expect(run(E.call('min', E.num(3), E.num(1), E.num(2)))).toBe(1);
    expect(run(E.call('max', ev('tags')))).toBe('vip');
    expect(run(E.call('min', E.dur('1h'), E.dur('30m')))).toBe(1_800_000);
    expect(run(E.call('max', ev('updated_at'), E.call('now')))).toBe('2024-05-02T10:00:00.000Z');
    expect(run(E.call('abs', E.num(-4)))).toBe(4);
    fails(E.call('min', E.list()), 'index-out-of-range');
    fails(E.call('len', ev('supplier')), 'null-value');
  });

  it('round, floor, ceil', () => {
    expect(run(E.call('round', E.num(2.5, '2.5')))).toBe(3);
    expect(run(E.call('round', E.num(-2.5, '-2.5')))).toBe(-3);
    expect(run(E.call('round', E.num(3.14159, '3.14159'), E.num(2)))).toBe(3.14);
    expect(run(E.call('floor', ev('price')))).toBe(9);
    expect(run(E.call('ceil', ev('price')))).toBe(10);
  });

  it('string functions', () => {
    expect(run(E.call('lower', ev('sku')))).toBe('a-1');
    expect(run(E.call('upper', E.str('ab')))).toBe('AB');
    expect(run(E.call('trim', E.str('  x  ')))).toBe('x');
    expect(run(E.call('contains', ev('sku'), E.str('-')))).toBe(true);
    expect(run(E.call('contains', ev('tags'), E.str('new')))).toBe(true);
    expect(run(E.call('starts_with', ev('sku'), E.str('A')))).toBe(true);
    expect(run(E.call('ends_with', ev('sku'), E.str('2')))).toBe(false);
    expect(run(E.call('join', ev('tags')))).toBe('vip, new');
    expect(run(E.call('join', E.list(E.dur('90m'), E.dur('1d')), E.str(' / ')))).toBe('1h30m / 1d');
    expect(run(E.call('split', E.str('a,b'), E.str(',')))).toEqual(['a', 'b']);
  });

  it('conversions', () => {
    expect(run(E.call('string', ev('lead_time')))).toBe('1h30m');
    expect(run(E.call('string', ev('available')))).toBe('50');
    expect(run(E.call('string', ev('tags')))).toBe('["vip","new"]');
    expect(run(E.call('number', E.str(' 3.5 ')))).toBe(3.5);
    expect(run(E.call('int', E.str('-7.9')))).toBe(-7);
    expect(run(E.call('int', ev('price')))).toBe(9);
    expect(run(E.call('number', E.bool(true)))).toBe(1);
    fails(E.call('number', E.str('12abc')), 'bad-number');
    fails(E.call('number', E.str('')), 'bad-number');
    expect(run(E.call('time', E.str('2024-05-01')))).toBe('2024-05-01T00:00:00.000Z');
    expect(run(E.call('time', E.str('2024-05-01T10:00:00.5-01:30')))).toBe('2024-05-01T11:30:00.500Z');
  });

  it('now() is the context clock; duration constructors', () => {
    expect(run(E.call('now'))).toBe('2024-05-02T10:00:00.000Z');
    expect(run(E.call('days', E.num(2)))).toBe(172_800_000);
    expect(run(E.call('hours', E.num(1.5, '1.5')))).toBe(5_400_000);
    expect(run(E.call('minutes', E.num(1)))).toBe(60_000);
    expect(run(E.call('seconds', E.num(1)))).toBe(1000);
  });
});
