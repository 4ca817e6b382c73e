import { explainGuard, formatExplanation } from './explain';
import { E } from '../testing/ast-builders';
import { compileExpr } from '../testing/compile-expr';
import { ctx, event } from '../testing/eval-fixtures';
import type { Value } from './value';

const ev = (field: string) => E.path(`event.${field}`);
const explain = (e: Parameters<typeof compileExpr>[0], scope: Record<string, Value> = { event }) =>
  explainGuard(compileExpr(e), scope, ctx);

describe('explainGuard', () => {
  it('shows the values a false comparison saw', () => {
    const x = explain(E.bin(ev('available'), '<', ev('reorder_point')));
    expect(x.message).toBe('event.available < event.reorder_point was false: 50 < 10');
    expect(x.because).toEqual([]);
  });

  it('names the false operand of an and', () => {
    const guard = E.bin(
      E.bin(ev('sku'), '==', E.str('A-1')),
      'and',
      E.bin(ev('available'), '<', ev('reorder_point')),
    );
    const x = explain(guard);
    expect(formatExplanation(x)).toBe(
      [
        'event.sku == "A-1" and event.available < event.reorder_point was false',
        '  event.available < event.reorder_point was false: 50 < 10',
      ].join('\n'),
    );
  });

  it('lists both operands of a false or, and looks through not', () => {
    const guard = E.bin(
      E.bin(E.str('vip'), 'not in', ev('tags')),
      'or',
      E.not(E.bin(ev('price'), '<', E.num(100))),
    );
    const lines = formatExplanation(explain(guard)).split('\n');
    expect(lines).toEqual([
      '"vip" not in event.tags or not event.price < 100 was false',
      '  "vip" not in event.tags was false: "vip" not in [2 items]',
      '  not event.price < 100 was false',
      '    event.price < 100 was true: 9.5 < 100',
    ]);
  });

  it('formats durations in duration comparisons and reports runtime errors', () => {
    const age = E.bin(E.bin(E.call('now'), '-', ev('updated_at')), '>', E.dur('2d'));
    expect(explain(age).message).toBe('now() - event.updated_at > 2d was false: 1d > 2d');
    const broken = E.bin(E.bin(E.path('event.extra.missing'), '+', E.num(1)), '>', E.num(0));
    const x = explain(broken);
    expect(x.value).toBe('error');
    expect(x.message).toContain('failed: cannot compute null + 1');
  });
});
