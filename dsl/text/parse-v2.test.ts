/**
 * The v2 grammar (LANGUAGE.md §9–12): flow-control clauses, `cancel on`, windows as the first
 * argument of a call, `wait for first`, and the syntax errors around them.
 */
import { stripSpans } from '../ast/strip-spans';
import type { Clause, Expr, RuleDecl, Stmt } from '../ast/ast';
import { parseDsl } from './parse-dsl';
import { printDsl } from '../print/print-dsl';
import { V2_EXAMPLES, WAIT_FIRST_RULE } from '../testing/v2-fixtures';

function rules(text: string): RuleDecl[] {
  const { file, diagnostics } = parseDsl('v2.rule', text);
  expect(diagnostics).toEqual([]);
  return file.decls.filter((d): d is RuleDecl => d.kind === 'rule');
}

function clauses(text: string): Clause[] {
  return rules(`rule r\n  on a.b\n${text}\ndo\nend\n`)[0].clauses.slice(1);
}

function body(text: string): readonly Stmt[] {
  return rules(`rule r\n  on a.b\ndo\n${text}\nend\n`)[0].body;
}

function errors(text: string) {
  return parseDsl('bad.rule', text).diagnostics.map((d) => ({
    code: d.code,
    message: d.message,
    line: d.span.line,
  }));
}

describe('v2 grammar', () => {
  it('parses every example of the contract', () => {
    expect(rules(V2_EXAMPLES).map((r) => r.name)).toEqual([
      'sync_marketplace_stock',
      'remind_abandoned_cart',
      'payment_velocity',
      'refund_rate_alert',
      'restock_crossing',
      'label_when_paid',
      'alert_failed_runs',
    ]);
  });

  it('parses the flow-control clauses', () => {
    const got = stripSpans(
      clauses('  debounce 30s max 5m\n  batch 50 within 10m\n  throttle 10 per 1m\n  limit 1 per 1d'),
    );
    expect(got).toEqual([
      { kind: 'debounce', quiet: { ms: 30_000, text: '30s' }, max: { ms: 300_000, text: '5m' } },
      { kind: 'batch', size: 50, within: { ms: 600_000, text: '10m' } },
      { kind: 'throttle', runs: 10, per: { ms: 60_000, text: '1m' } },
      { kind: 'limit', runs: 1, per: { ms: 86_400_000, text: '1d' } },
    ]);
    expect(stripSpans(clauses('  debounce 30s\n  batch 5'))).toEqual([
      { kind: 'debounce', quiet: { ms: 30_000, text: '30s' } },
      { kind: 'batch', size: 5 },
    ]);
  });

  it('parses `cancel on` with and without `as` and `where`', () => {
    const [full, bare] = clauses(
      '  cancel on order.placed as o where o.id == event.id\n  cancel on order.placed',
    );
    expect(full).toMatchObject({
      kind: 'cancel_on',
      event: { name: 'order.placed' },
      as: { name: 'o' },
      where: { kind: 'binary', op: '==' },
    });
    expect(stripSpans(bare)).toEqual({ kind: 'cancel_on', event: { name: 'order.placed' } });
  });

  it('parses a window as the first argument of a call', () => {
    const [stmt] = body(
      '  let n = sum(payment.failed as p within 10m where p.id == event.id and p.ok, p.amount)',
    );
    expect(stmt.kind).toBe('let');
    const value = (stmt as Extract<Stmt, { kind: 'let' }>).value as Extract<Expr, { kind: 'call' }>;
    expect(value.fn).toBe('sum');
    expect(value.args).toHaveLength(2);
    expect(value.args[0]).toMatchObject({
      kind: 'window',
      event: { name: 'payment.failed' },
      as: { name: 'p' },
      within: { ms: 600_000, text: '10m' },
      where: { kind: 'binary', op: 'and' },
    });
    expect(value.args[0].span).toMatchObject({ line: 4, column: 15 });
    expect(stripSpans(value.args[1])).toMatchObject({ kind: 'member', name: 'amount' });
  });

  it('keeps soft v2 words usable as names', () => {
    const [a, b] = body('  let limit = max(1, 2)\n  let first = limit + 1');
    expect(a).toMatchObject({ kind: 'let', name: { name: 'limit' }, value: { kind: 'call', fn: 'max' } });
    expect(b).toMatchObject({ kind: 'let', name: { name: 'first' } });
    // `wait for first` without `case` waits for an event type named `first`.
    expect(body('  wait for first.thing')[0]).toMatchObject({ kind: 'wait', event: { name: 'first.thing' } });
  });

  it('parses `wait for first` with cases, `within` and the timeout statements', () => {
    const [stmt] = rules(WAIT_FIRST_RULE)[0].body;
    expect(stmt.kind).toBe('wait_first');
    const w = stmt as Extract<Stmt, { kind: 'wait_first' }>;
    expect(w.cases.map((c) => [c.event.name, c.as?.name, c.body.map((s) => s.kind)])).toEqual([
      ['payment.captured', 'p', ['call']],
      ['order.cancelled', 'c', ['stop']],
    ]);
    expect(w.within).toMatchObject({ ms: 3_600_000 });
    expect(w.onTimeout?.map((s) => s.kind)).toEqual(['call']);
  });

  it('parses `wait for first` without `within`, with bare `stop`s and cases without `as`', () => {
    const [stmt] = body(
      '  wait for first\n    case a.b\n      stop\n    case c.d as x\n      stop\n  end\n  log "after"',
    );
    expect(stripSpans(stmt)).toEqual({
      kind: 'wait_first',
      cases: [
        { event: { name: 'a.b' }, body: [{ kind: 'stop' }] },
        { event: { name: 'c.d' }, as: { name: 'x' }, body: [{ kind: 'stop' }] },
      ],
    });
  });

  it('gives a line-start `within` left of the cases to the `wait for first`, not to a last `wait`', () => {
    const [stmt] = body(
      [
        '  wait for first',
        '    case a.b',
        '      wait for c.d as x',
        '        within 5m',
        '      approve "ok?"',
        '  within 1h',
        '    log "late"',
        '  end',
      ].join('\n'),
    );
    const w = stmt as Extract<Stmt, { kind: 'wait_first' }>;
    expect(w.within).toMatchObject({ ms: 3_600_000 });
    expect(w.cases[0].body).toMatchObject([
      { kind: 'wait', within: { ms: 300_000 } },
      { kind: 'approve', description: { kind: 'string' } },
    ]);
    expect(w.cases[0].body[1]).not.toHaveProperty('within');
  });

  it('prints v2 constructs back to text that parses to the same AST', () => {
    const parsed = parseDsl('v2.rule', V2_EXAMPLES).file;
    const printed = printDsl(parsed);
    const again = parseDsl('v2.rule', printed);
    expect(again.diagnostics).toEqual([]);
    expect(stripSpans(again.file)).toEqual(stripSpans(parsed));
    expect(printDsl(again.file)).toBe(printed);
    expect(printed).toContain('  debounce 30s max 5m\n  throttle 10 per 1m\n');
    expect(printed).toContain(
      'count(payment.failed as p within 10m where p.customer_id == event.customer_id)',
    );
    expect(printed).toContain(
      '  wait for first\n    case payment.captured as p where p.order_id == event.order_id\n',
    );
  });
});

describe('v2 syntax errors', () => {
  it('reports a window that does not start with an event type', () => {
    const got = errors('rule r\n  on a.b\ndo\n  let n = count(1 + 2 as x within 1h)\nend\n');
    expect(got).toEqual([
      {
        code: 'unexpected-token',
        message: 'a window starts with an event type, as in `count(payment.failed as p within 10m)`',
        line: 4,
      },
    ]);
  });

  it('reports a window without `within`', () => {
    const got = errors('rule r\n  on a.b\ndo\n  let n = count(a.b as x)\nend\n');
    expect(got).toEqual([{ code: 'unexpected-token', message: 'expected `within`, found `)`', line: 4 }]);
  });

  it('reports flow-control clauses with missing parts', () => {
    expect(errors('rule r\n  on a.b\n  throttle 10 1m\ndo\nend\n')[0]).toMatchObject({
      code: 'unexpected-token',
      message: 'expected `per`, found `1m`',
      line: 3,
    });
    expect(errors('rule r\n  on a.b\n  debounce 10\ndo\nend\n')[0]).toMatchObject({
      code: 'unexpected-token',
      message: 'expected a duration, found `10`',
      line: 3,
    });
  });

  it('names the open `wait for first` when its `end` is missing', () => {
    const got = errors('rule r\n  on a.b\ndo\n  wait for first\n    case a.b\n      log "x"\n');
    expect(got[0]).toMatchObject({ code: 'missing-end' });
    expect(got[0].message).toContain('`wait for first` at line 4');
  });
});
