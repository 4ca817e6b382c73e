import { EvalError } from './errors';
import { evaluate, evaluateCondition } from './evaluator';
import { E } from '../testing/ast-builders';
import { compileExpr } from '../testing/compile-expr';
import { ctx, event, fails, run } from '../testing/eval-fixtures';

const ev = (field: string) => E.path(`event.${field}`);

describe('arithmetic', () => {
  it('computes numbers', () => {
    expect(run(E.bin(E.bin(ev('reorder_point'), '*', E.num(2)), '-', ev('available')))).toBe(-30);
    expect(run(E.bin(E.num(7), '/', E.num(2)))).toBe(3.5);
    expect(run(E.bin(E.num(7), '%', E.num(4)))).toBe(3);
    expect(run(E.neg(ev('price')))).toBe(-9.5);
  });

  it('fails on division by zero, at the division', () => {
    const div = E.bin(E.num(1), '/', E.num(0));
    const err = fails(div, 'division-by-zero');
    expect(err.span).toEqual(div.span);
    fails(E.bin(E.num(1), '%', E.num(0)), 'division-by-zero');
  });

  it('concatenates strings and lists', () => {
    expect(run(E.bin(ev('sku'), '+', E.str('-x')))).toBe('A-1-x');
    expect(run(E.bin(ev('tags'), '+', E.list(E.str('z'))))).toEqual(['vip', 'new', 'z']);
  });

  it('dispatches any-typed operands at run time', () => {
    expect(run(E.bin(E.path('event.extra.n'), '+', E.num(1)))).toBe(2);
    expect(run(E.bin(E.path('event.extra.s'), '+', E.str('y')))).toBe('xy');
    fails(E.bin(E.path('event.extra.list'), '-', E.num(1)), 'type');
  });
});

describe('null rules', () => {
  it('makes comparisons with null false, except == and !=', () => {
    expect(run(E.bin(ev('supplier'), '==', E.null()))).toBe(true);
    expect(run(E.bin(ev('supplier'), '!=', E.null()))).toBe(false);
    expect(run(E.bin(ev('available'), '<', E.null()))).toBe(false);
    expect(run(E.bin(ev('available'), '>=', E.null()))).toBe(false);
    expect(run(E.bin(ev('supplier'), '==', E.str('acme')))).toBe(false);
  });

  it('fails on null arithmetic and null member access; ?. and ?? handle null', () => {
    fails(E.bin(E.path('event.extra.missing'), '+', E.num(1)), 'null-value');
    const err = fails(E.member(E.path('event.extra.missing'), 'name'), 'null-value');
    expect(err.message).toBe('cannot read .name: event.extra.missing is null');
    expect(run(E.member(E.path('event.extra.missing'), 'x', true))).toBeNull();
    expect(run(E.bin(ev('supplier'), '??', E.str('default')))).toBe('default');
    expect(run(E.bin(ev('sku'), '??', E.str('default')))).toBe('A-1');
  });

  it('reads a missing field as null', () => {
    expect(run(E.path('event.extra.absent'))).toBeNull();
  });

  it('treats null as false in conditions', () => {
    const cond = compileExpr(E.bin(E.path('event.extra.flag'), 'or', E.bool(false)));
    expect(evaluateCondition(cond, { event }, ctx)).toBe(false);
  });
});

describe('time and durations', () => {
  it('adds and subtracts durations from times, in UTC', () => {
    expect(run(E.bin(ev('updated_at'), '+', E.dur('1h30m')))).toBe('2024-05-01T11:30:00.000Z');
    expect(run(E.bin(E.dur('1d'), '+', ev('updated_at')))).toBe('2024-05-02T10:00:00.000Z');
    expect(run(E.bin(ev('updated_at'), '-', E.dur('2d')))).toBe('2024-04-29T10:00:00.000Z');
    expect(run(E.bin(E.call('now'), '-', ev('updated_at')))).toBe(86_400_000);
    expect(run(E.bin(E.dur('1h'), '*', E.num(3)))).toBe(10_800_000);
    expect(run(E.bin(E.dur('1h'), '/', E.dur('30m')))).toBe(2);
  });

  it('compares instants, not strings', () => {
    const utc = E.call('time', E.str('2024-05-01T10:00:00Z'));
    expect(run(E.bin(ev('updated_at'), '==', utc))).toBe(true);
    expect(run(E.bin(ev('updated_at'), '<', E.call('now')))).toBe(true);
    expect(run(E.bin(E.bin(E.call('now'), '-', ev('updated_at')), '>', E.dur('4h')))).toBe(true);
  });

  it('fails on a bad time string', () => {
    fails(E.call('time', E.str('yesterday')), 'bad-time');
    fails(E.call('time', E.str('2024-02-30')), 'bad-time');
    const ir = compileExpr(E.bin(ev('updated_at'), '+', E.dur('1h')));
    expect(() => evaluate(ir, { event: { ...(event as object), updated_at: 'soon' } }, ctx)).toThrow(
      EvalError,
    );
  });
});

describe('in', () => {
  it('looks in lists and strings; nothing is in null', () => {
    expect(run(E.bin(E.str('vip'), 'in', ev('tags')))).toBe(true);
    expect(run(E.bin(E.str('old'), 'not in', ev('tags')))).toBe(true);
    expect(run(E.bin(E.str('-'), 'in', ev('sku')))).toBe(true);
    expect(run(E.bin(E.str('vip'), 'in', ev('tags')), { event: { ...(event as object), tags: null } })).toBe(
      false,
    );
  });
});

describe('templates', () => {
  it('formats durations, numbers, null, lists and objects', () => {
    const t = E.tmpl(
      'wait ',
      ev('lead_time'),
      ' for ',
      ev('sku'),
      ' x',
      ev('price'),
      ' by ',
      ev('supplier'),
      ' ',
      ev('tags'),
    );
    expect(run(t)).toBe('wait 1h30m for A-1 x9.5 by null ["vip","new"]');
    expect(run(E.tmpl('', E.path('event.extra')))).toBe('{"n":1,"s":"x","list":[1,2]}');
    expect(run(E.tmpl('日本語 ', ev('sku')))).toBe('日本語 A-1');
  });
});

describe('collections', () => {
  it('builds lists and objects, indexes them, and refuses out-of-range indexes', () => {
    expect(run(E.obj({ a: E.num(1), b: E.list(ev('sku')) }))).toEqual({ a: 1, b: ['A-1'] });
    expect(run(E.index(ev('tags'), E.num(1)))).toBe('new');
    const err = fails(E.index(ev('tags'), E.num(5)), 'index-out-of-range');
    expect(err.message).toContain('2 items');
    expect(run(E.index(E.name('event'), E.str('sku')))).toBe('A-1');
  });
});

describe('optional chains', () => {
  it('skips the rest of a chain after a ?. that meets null', () => {
    expect(run(E.member(E.member(E.path('event.extra.missing'), 'a', true), 'b'))).toBeNull();
    expect(run(E.index(E.member(E.path('event.extra.missing'), 'list', true), E.num(0)))).toBeNull();
    expect(run(E.member(E.path('event.extra'), 's', true))).toBe('x');
    fails(E.member(E.member(E.path('event.extra'), 'missing', true), 'b'), 'null-value');
  });
});
