import type { Decl, Expr, RuleDecl, Stmt } from '../ast/ast';
import { stripSpans } from '../ast/strip-spans';
import { ALL_STEPS, DECLARATIONS, SCHEDULES, SPEC_EXAMPLE } from '../testing/yaml-fixtures';
import { schemaErrors } from '../testing/yaml-schema';
import { parseYaml } from './parse-yaml';

// Span-free AST builders, to write expected trees compactly.
const name = (n: string) => ({ kind: 'name', name: n });
const member = (object: object, n: string, optional = false) => ({
  kind: 'member',
  object,
  name: n,
  optional,
});
const path = (first: string, ...rest: string[]) => rest.reduce<object>((o, n) => member(o, n), name(first));
const num = (raw: string) => ({ kind: 'number', value: Number(raw), raw });
const bin = (op: string, left: object, right: object) => ({ kind: 'binary', op, left, right });
const text = (t: string) => ({ kind: 'text', text: t });
const interp = (expr: object) => ({ kind: 'interp', expr });
const str = (...parts: object[]) => ({ kind: 'string', parts });
const dur = (t: string, ms: number) => ({ ms, text: t });
const arg = (n: string, value: object) => ({ name: n, value });

function parseClean(source: string): readonly Decl[] {
  const result = parseYaml('test.rule.yaml', source);
  expect(result.diagnostics).toEqual([]);
  expect(result.file.form).toBe('yaml');
  // What the loader accepts, the schema accepts too (editors must not flag valid files).
  expect(schemaErrors(source)).toEqual([]);
  return stripSpans(result.file.decls);
}

function onlyRule(source: string): RuleDecl {
  const decls = parseClean(source);
  expect(decls).toHaveLength(1);
  return decls[0] as RuleDecl;
}

/** The statements of a rule whose `do` is the given YAML list (indented by two spaces). */
function body(steps: string): Stmt[] {
  return [...onlyRule(`rule: r\non: e\ndo:\n${steps}`).body];
}

describe('parseYaml: the LANGUAGE.md §6 example', () => {
  it('parses to the expected AST', () => {
    expect(parseClean(SPEC_EXAMPLE)).toEqual([
      {
        kind: 'rule',
        name: 'restock_low_stock',
        description: 'Reorder when stock falls below the reorder point',
        clauses: [
          { kind: 'on', event: { name: 'inventory.updated' } },
          { kind: 'when', expr: bin('<', path('event', 'available'), path('event', 'reorder_point')) },
          { kind: 'key', expr: path('event', 'sku') },
          { kind: 'concurrency', mode: 'single' },
        ],
        body: [
          {
            kind: 'let',
            name: { name: 'qty' },
            value: {
              kind: 'call',
              fn: 'max',
              args: [
                path('event', 'reorder_qty'),
                bin('-', bin('*', path('event', 'reorder_point'), num('2')), path('event', 'available')),
              ],
            },
          },
          {
            kind: 'call',
            bind: { name: 'po' },
            action: { name: 'purchasing.create_order' },
            args: [arg('sku', path('event', 'sku')), arg('quantity', name('qty'))],
            retry: { attempts: 5, every: dur('30s', 30_000), backoff: 2 },
            timeout: dur('2m', 120_000),
          },
          {
            kind: 'wait',
            event: { name: 'purchase_order.confirmed' },
            as: { name: 'confirmation' },
            where: bin('==', path('confirmation', 'po_id'), path('po', 'id')),
            within: dur('2d', 172_800_000),
            onTimeout: [
              {
                kind: 'call',
                action: { name: 'notify.slack' },
                args: [
                  arg('channel', str(text('#ops'))),
                  arg(
                    'text',
                    str(
                      text('PO '),
                      interp(path('po', 'id')),
                      text(' for '),
                      interp(path('event', 'sku')),
                      text(' is not confirmed after 2 days'),
                    ),
                  ),
                ],
              },
            ],
          },
        ],
      },
    ]);
  });
});

describe('parseYaml: steps', () => {
  it('reads every kind of step of the all-steps fixture', () => {
    const rule = onlyRule(ALL_STEPS);
    expect(rule.body.map((s) => s.kind)).toEqual([
      'let',
      'set',
      'call',
      'call',
      'if',
      'sleep',
      'sleep',
      'sleep_until',
      'wait',
      'approve',
      'parallel',
      'for_each',
      'emit',
      'stop',
      'stop',
      'stop',
      'fail',
    ]);
    expect(rule.compensate?.map((s) => s.kind)).toEqual(['call']);
    expect(rule.clauses.map((c) => c.kind)).toEqual(['manual', 'key', 'concurrency', 'timeout']);
  });

  it('reads let and set', () => {
    expect(body('  - let: a\n    value: 1 + 2\n  - set: a\n    value: a * 3.0\n')).toEqual([
      { kind: 'let', name: { name: 'a' }, value: bin('+', num('1'), num('2')) },
      { kind: 'set', name: { name: 'a' }, value: bin('*', name('a'), num('3.0')) },
    ]);
  });

  it('reads values YAML would type as numbers, booleans or null from their source text', () => {
    const [a, b, c, d] = body(
      '  - let: a\n    value: 3.0\n  - let: b\n    value: true\n  - let: c\n    value: null\n  - let: d\n    value: "x"\n',
    );
    expect(a).toMatchObject({ value: num('3.0') });
    expect(b).toMatchObject({ value: { kind: 'bool', value: true } });
    expect(c).toMatchObject({ value: { kind: 'null' } });
    expect(d).toMatchObject({ value: name('x') });
  });

  it('reads YAML lists and mappings in expression positions as literals of expressions', () => {
    const [a] = body('  - let: a\n    value: [x, 2, { k: y }]\n');
    expect(a).toMatchObject({
      value: {
        kind: 'list',
        items: [name('x'), num('2'), { kind: 'object', fields: [{ name: 'k', value: name('y') }] }],
      },
    });
  });

  it('reads call arguments as templates', () => {
    const [call] = body(
      '  - call: a.b\n    with:\n      s: hello ${x}\n      one: ${x}\n      n: 5\n      neg: -5\n      t: true\n' +
        '      z: null\n      l: [a, "${b}"]\n      o: { "Content-Type": json }\n      e: ""\n      esc: \'\\${x}\'\n',
    );
    expect(call).toEqual({
      kind: 'call',
      action: { name: 'a.b' },
      args: [
        arg('s', str(text('hello '), interp(name('x')))),
        arg('one', name('x')),
        arg('n', num('5')),
        arg('neg', { kind: 'unary', op: '-', operand: num('5') }),
        arg('t', { kind: 'bool', value: true }),
        arg('z', { kind: 'null' }),
        arg('l', { kind: 'list', items: [str(text('a')), name('b')] }),
        arg('o', { kind: 'object', fields: [{ name: 'Content-Type', value: str(text('json')) }] }),
        arg('e', str()),
        arg('esc', str(text('${x}'))),
      ],
    });
  });

  it('accepts retry as a number of attempts', () => {
    expect(body('  - call: a.b\n    retry: 4\n')).toEqual([
      { kind: 'call', action: { name: 'a.b' }, args: [], retry: { attempts: 4 } },
    ]);
  });

  it('reads an else list holding one if step as an else-if branch', () => {
    const [stmt] = body(
      '  - if: a\n    then: [ { log: A } ]\n    else:\n      - if: b\n        then: [ { log: B } ]\n' +
        '        else:\n          - if: c\n            then: []\n            else: [ { log: D } ]\n',
    );
    const log = (t: string) => ({ kind: 'log', message: str(text(t)) });
    expect(stmt).toEqual({
      kind: 'if',
      branches: [
        { cond: name('a'), body: [log('A')] },
        { cond: name('b'), body: [log('B')] },
        { cond: name('c'), body: [] },
      ],
      else: [log('D')],
    });
  });

  it('keeps an else list with more than one step as a plain else', () => {
    const [stmt] = body(
      '  - if: a\n    then: []\n    else:\n      - if: b\n        then: []\n      - stop\n',
    );
    expect(stmt).toEqual({
      kind: 'if',
      branches: [{ cond: name('a'), body: [] }],
      else: [{ kind: 'if', branches: [{ cond: name('b'), body: [] }] }, { kind: 'stop' }],
    });
  });

  it('reads the three spellings of stop', () => {
    expect(body('  - stop\n  - stop:\n  - stop: null\n  - stop: ""\n  - stop: bye ${x}\n')).toEqual([
      { kind: 'stop' },
      { kind: 'stop' },
      { kind: 'stop' },
      { kind: 'stop', message: str() },
      { kind: 'stop', message: str(text('bye '), interp(name('x'))) },
    ]);
  });

  it('reads sleep as an expression (a duration literal or any expression)', () => {
    expect(body('  - sleep: 48h\n  - sleep: event.delay\n  - sleep_until: now() + 1d\n')).toEqual([
      { kind: 'sleep', duration: { kind: 'duration', ms: 48 * 3_600_000, text: '48h' } },
      { kind: 'sleep', duration: path('event', 'delay') },
      {
        kind: 'sleep_until',
        time: bin(
          '+',
          { kind: 'call', fn: 'now', args: [] },
          { kind: 'duration', ms: 86_400_000, text: '1d' },
        ),
      },
    ]);
  });

  it('reads approve, parallel, for_each, emit and fail', () => {
    const stmts = body(
      '  - approve: Ship ${x}?\n    by: ops\n    as: d\n    within: 1h\n    on_timeout: []\n' +
        '  - parallel: [[{ log: a }], []]\n' +
        '  - for_each: i\n    in: items\n    do: [ { log: "${i}" } ]\n' +
        '  - emit: a.b\n    with: { n: 1 }\n' +
        '  - fail: "no"\n',
    );
    expect(stmts).toEqual([
      {
        kind: 'approve',
        description: str(text('Ship '), interp(name('x')), text('?')),
        by: str(text('ops')),
        as: { name: 'd' },
        within: dur('1h', 3_600_000),
        onTimeout: [],
      },
      { kind: 'parallel', branches: [[{ kind: 'log', message: str(text('a')) }], []] },
      {
        kind: 'for_each',
        name: { name: 'i' },
        list: name('items'),
        body: [{ kind: 'log', message: name('i') }],
      },
      { kind: 'emit', event: { name: 'a.b' }, fields: [arg('n', num('1'))] },
      { kind: 'fail', message: str(text('no')) },
    ]);
  });

  it('follows aliases', () => {
    const [a, b] = body('  - log: &msg hello\n  - log: *msg\n');
    expect(a).toEqual(b);
  });
});

describe('parseYaml: rules and declarations', () => {
  it('reads schedules, time zones, disabled rules and compensation', () => {
    const [interval, cron] = parseClean(SCHEDULES) as RuleDecl[];
    expect(interval.clauses).toEqual([{ kind: 'every_interval', interval: dur('15m', 900_000) }]);
    expect(cron.description).toBe('Weekly report: Monday 09:00');
    expect(cron.clauses).toEqual([
      { kind: 'every_cron', cron: '0 9 * * 1', timezone: 'Europe/Paris' },
      { kind: 'disabled' },
    ]);
    expect(cron.compensate).toEqual([]);
    expect(interval.compensate).toBeUndefined();
  });

  it('keeps clauses in source order and drops disabled: false', () => {
    const rule = onlyRule('rule: r\nkey: k\ndisabled: false\nwhen: w\non: e\ndo: []\n');
    expect(rule.clauses.map((c) => c.kind)).toEqual(['key', 'when', 'on']);
  });

  it('reads a manual trigger with typed inputs', () => {
    const rule = onlyRule('rule: r\nmanual: { sku: string, n: "int?" }\ndo: []\n');
    expect(rule.clauses).toEqual([
      {
        kind: 'manual',
        params: [
          { name: 'sku', type: { kind: 'primitive', name: 'string', optional: false } },
          { name: 'n', type: { kind: 'primitive', name: 'int', optional: true } },
        ],
      },
    ]);
  });

  it('reads event schemas and action declarations', () => {
    const prim = (n: string, optional = false) => ({ kind: 'primitive', name: n, optional });
    const field = (n: string, type: object) => ({ name: n, type });
    expect(parseClean(DECLARATIONS)).toEqual([
      {
        kind: 'event',
        name: 'inventory.updated',
        fields: [
          field('sku', prim('string')),
          field('available', prim('int')),
          field('reorder_point', prim('int')),
          field('reorder_qty', prim('int')),
          field('supplier', prim('string', true)),
          field('tags', { kind: 'list', element: prim('string'), optional: true }),
          field('location', {
            kind: 'object',
            fields: [field('warehouse', prim('string')), field('bin', prim('string', true))],
            optional: false,
          }),
        ],
      },
      {
        kind: 'action',
        name: 'purchasing.create_order',
        params: [
          field('sku', prim('string')),
          field('quantity', prim('int')),
          field('supplier', prim('string', true)),
        ],
        result: { kind: 'object', fields: [field('id', prim('string'))], optional: false },
      },
      { kind: 'action', name: 'notify.ping', params: [] },
      { kind: 'event', name: 'heartbeat', fields: [] },
    ]);
  });

  it('reads type text with nesting, quoted field names and optional objects', () => {
    const [decl] = parseClean('action: a\nresult: \'{ "x-y": list<{ id: string }>, n: number }?\'\n');
    expect(decl).toEqual({
      kind: 'action',
      name: 'a',
      params: [],
      result: {
        kind: 'object',
        optional: true,
        fields: [
          {
            name: 'x-y',
            type: {
              kind: 'list',
              optional: false,
              element: {
                kind: 'object',
                optional: false,
                fields: [{ name: 'id', type: { kind: 'primitive', name: 'string', optional: false } }],
              },
            },
          },
          { name: 'n', type: { kind: 'primitive', name: 'number', optional: false } },
        ],
      },
    });
  });

  it('skips empty documents and accepts an empty file', () => {
    expect(parseClean('')).toEqual([]);
    expect(parseClean('---\n---\nevent: a\n---\n')).toEqual([{ kind: 'event', name: 'a', fields: [] }]);
  });

  it('gives every node a span in the YAML file', () => {
    const result = parseYaml('x.rule.yaml', SPEC_EXAMPLE);
    const rule = result.file.decls[0] as RuleDecl;
    expect(rule.nameSpan).toEqual({ file: 'x.rule.yaml', line: 1, column: 7, endLine: 1, endColumn: 24 });
    const call = rule.body[1] as Extract<Stmt, { kind: 'call' }>;
    expect(call.span).toMatchObject({ line: 10, column: 5, endLine: 14, endColumn: 16 });
    const sku = call.args[0].value as Extract<Expr, { kind: 'member' }>;
    // `with: { sku: "${event.sku}", ...` — the expression inside the quoted template.
    expect(sku.span).toEqual({ file: 'x.rule.yaml', line: 12, column: 21, endLine: 12, endColumn: 30 });
    expect(sku.nameSpan).toMatchObject({ line: 12, column: 27, endColumn: 30 });
  });
});
