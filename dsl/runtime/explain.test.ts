import { explainGuard, formatExplanation, MAX_EXPLANATION_BYTES, TRUNCATED_MARKER } from './explain';
import { exprText, MAX_EXPR_TEXT } from './expr-text';
import type { ExprIR } from './ir';
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

describe('explanation size (issue 12)', () => {
  const span = { file: 'r.rule', line: 1, column: 1, endLine: 1, endColumn: 2 };
  const compare = (i: number): ExprIR => ({
    kind: 'compare',
    op: '==',
    mode: 'string',
    left: {
      kind: 'member',
      object: { kind: 'name', name: 'event', span },
      name: 'sku',
      optional: false,
      span,
    },
    right: { kind: 'literal', value: `SKU-${i}-of-the-long-list-of-skus-${'x'.repeat(30)}`, span },
    span,
  });
  const or = (left: ExprIR, right: ExprIR): ExprIR => ({ kind: 'or', left, right, span });
  const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

  it('is linear in the guard: a false chain of 190 ors (about 14 KB)', () => {
    let guard = compare(0);
    for (let i = 1; i <= 190; i++) guard = or(guard, compare(i));
    expect(exprText(guard, Infinity).length).toBeGreaterThan(13_000);
    const x = explainGuard(guard, { event }, ctx);
    let messages = 0;
    const stack = [x];
    for (let n = stack.pop(); n; n = stack.pop()) {
      messages += n.message.length + n.expr.length;
      stack.push(...n.because);
    }
    // Every node quotes a bounded piece of its sub-expression: no subtree is written per ancestor.
    expect(messages).toBeLessThan(381 * 2 * (MAX_EXPR_TEXT + 80));
    const text = formatExplanation(x);
    expect(bytes(text)).toBeLessThanOrEqual(MAX_EXPLANATION_BYTES);
    expect(text.endsWith(TRUNCATED_MARKER)).toBe(true);
  });

  it('caps a huge guard at 16 KB, quickly, with a marker', () => {
    // A balanced tree of 2^15 false comparisons: about 1.8 MiB of rule text.
    let level: ExprIR[] = Array.from({ length: 1 << 15 }, (_, i) => compare(i + 1000));
    while (level.length > 1) {
      const next: ExprIR[] = [];
      for (let i = 0; i < level.length; i += 2) next.push(or(level[i], level[i + 1]));
      level = next;
    }
    const started = Date.now();
    const text = formatExplanation(explainGuard(level[0], { event }, { ...ctx, budget: 10_000_000 }));
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(bytes(text)).toBeLessThanOrEqual(MAX_EXPLANATION_BYTES);
    expect(text.endsWith(TRUNCATED_MARKER)).toBe(true);
    expect(text.split('\n')[0]).toMatch(/ was false$/);
  });

  it('explains a stored guard nested deeper than the checker allows without exhausting the stack', () => {
    let guard: ExprIR = compare(1);
    for (let i = 0; i < 20_000; i++) guard = { kind: 'not', operand: guard, span };
    const text = formatExplanation(explainGuard(guard, { event }, ctx));
    expect(text).toContain('failed: expressions or values are nested more than 200 levels deep');
    expect(bytes(text)).toBeLessThanOrEqual(MAX_EXPLANATION_BYTES);
  });
});
