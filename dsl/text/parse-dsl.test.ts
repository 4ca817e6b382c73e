import type { Clause, Decl, RuleDecl, Stmt } from '../ast/ast';
import { parseDsl } from './parse-dsl';
import { EXAMPLE } from '../testing/dsl-example';
import { stripSpans } from '../ast/strip-spans';

function parseOk(text: string): Decl[] {
  const r = parseDsl('t.rule', text);
  expect(r.diagnostics).toEqual([]);
  return [...r.file.decls];
}

function rule(text: string): RuleDecl {
  const d = parseOk(text)[0];
  if (d?.kind !== 'rule') throw new Error('expected a rule');
  return d;
}

/** The statements of `rule r on e do <body> end`, without spans. */
function body(text: string): Stmt[] {
  return stripSpans([...rule(`rule r\n  on e\ndo\n${text}\nend\n`).body]);
}

function clauses(text: string): Clause[] {
  return stripSpans([...rule(`rule r\n${text}\ndo\nend\n`).clauses]);
}

const n = (name: string) => ({ kind: 'name', name });
const num = (raw: string) => ({ kind: 'number', value: Number(raw), raw });
const str = (text: string) => ({ kind: 'string', parts: [{ kind: 'text', text }] });
const member = (object: object, name: string) => ({ kind: 'member', object, name, optional: false });

describe('parseDsl: declarations', () => {
  it('parses the LANGUAGE.md example', () => {
    const decls = parseOk(EXAMPLE);
    expect(decls.map((d) => `${d.kind} ${d.name}`)).toEqual([
      'event inventory.updated',
      'action purchasing.create_order',
      'rule restock_low_stock',
    ]);
    const r = decls[2] as RuleDecl;
    expect(r.description).toBe('Reorder when stock falls below the reorder point');
    expect(r.clauses.map((c) => c.kind)).toEqual(['on', 'when', 'key', 'concurrency']);
    expect(r.body.map((s) => s.kind)).toEqual(['let', 'call', 'wait']);
    expect(stripSpans(r.body[1])).toEqual({
      kind: 'call',
      bind: { name: 'po' },
      action: { name: 'purchasing.create_order' },
      args: [
        { name: 'sku', value: member(n('event'), 'sku') },
        { name: 'quantity', value: n('qty') },
      ],
      retry: { attempts: 5, every: { ms: 30_000, text: '30s' }, backoff: 2 },
      timeout: { ms: 120_000, text: '2m' },
    });
    const wait = r.body[2];
    if (wait.kind !== 'wait') throw new Error('wait');
    expect(wait.as?.name).toBe('confirmation');
    expect(wait.within).toMatchObject({ ms: 172_800_000, text: '2d' });
    expect(wait.onTimeout?.map((s) => s.kind)).toEqual(['call']);
  });

  it('parses event schemas with optional commas, lists and inline objects', () => {
    const [e] = parseOk(
      'event a.b { x: int, y: list<list<string?>>? z: { id: string, n: number }? "odd-name": any }',
    );
    expect(stripSpans(e)).toEqual({
      kind: 'event',
      name: 'a.b',
      fields: [
        { name: 'x', type: { kind: 'primitive', name: 'int', optional: false } },
        {
          name: 'y',
          type: {
            kind: 'list',
            optional: true,
            element: {
              kind: 'list',
              optional: false,
              element: { kind: 'primitive', name: 'string', optional: true },
            },
          },
        },
        {
          name: 'z',
          type: {
            kind: 'object',
            optional: true,
            fields: [
              { name: 'id', type: { kind: 'primitive', name: 'string', optional: false } },
              { name: 'n', type: { kind: 'primitive', name: 'number', optional: false } },
            ],
          },
        },
        { name: 'odd-name', type: { kind: 'primitive', name: 'any', optional: false } },
      ],
    });
  });

  it('parses actions with and without a result type', () => {
    const [a, b] = parseOk(
      'action x.y(a: bool, b: time, c: duration,) -> { ok: bool }\naction notify.ping()',
    );
    expect(stripSpans(a)).toMatchObject({
      kind: 'action',
      name: 'x.y',
      params: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
    });
    expect(a.kind === 'action' && a.result?.kind).toBe('object');
    expect(stripSpans(b)).toEqual({ kind: 'action', name: 'notify.ping', params: [] });
  });

  it('keeps Chinese text in descriptions and strings', () => {
    const r = rule('# 规则\nrule r "当库存低于再订货点时补货" on e do log "库存不足: ${event.sku} 件" end');
    expect(r.description).toBe('当库存低于再订货点时补货');
    expect(stripSpans(r.body[0])).toEqual({
      kind: 'log',
      message: {
        kind: 'string',
        parts: [
          { kind: 'text', text: '库存不足: ' },
          { kind: 'interp', expr: member(n('event'), 'sku') },
          { kind: 'text', text: ' 件' },
        ],
      },
    });
  });

  it('parses several declarations of each kind, and an empty file', () => {
    expect(parseOk('')).toEqual([]);
    expect(parseOk('# only a comment\n')).toEqual([]);
    expect(parseOk('rule a on x do end rule b on y do end event c {} action d()').map((d) => d.name)).toEqual(
      ['a', 'b', 'c', 'd'],
    );
  });
});

describe('parseDsl: clauses', () => {
  it('parses every clause', () => {
    expect(clauses('on a.b\nwhen x > 1\nkey event.sku\nconcurrency queue\ntimeout 1h\ndisabled')).toEqual([
      { kind: 'on', event: { name: 'a.b' } },
      { kind: 'when', expr: { kind: 'binary', op: '>', left: n('x'), right: num('1') } },
      { kind: 'key', expr: member(n('event'), 'sku') },
      { kind: 'concurrency', mode: 'queue' },
      { kind: 'timeout', duration: { ms: 3_600_000, text: '1h' } },
      { kind: 'disabled' },
    ]);
  });

  it('parses schedules', () => {
    expect(clauses('every 15m')).toEqual([
      { kind: 'every_interval', interval: { ms: 900_000, text: '15m' } },
    ]);
    expect(clauses('every "0 9 * * 1-5" timezone "Europe/Berlin"')).toEqual([
      { kind: 'every_cron', cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' },
    ]);
    expect(clauses('every "@daily"')).toEqual([{ kind: 'every_cron', cron: '@daily' }]);
  });

  it('parses manual triggers with and without parameters', () => {
    expect(clauses('manual(sku: string, qty: int?)')).toEqual([
      {
        kind: 'manual',
        params: [
          { name: 'sku', type: { kind: 'primitive', name: 'string', optional: false } },
          { name: 'qty', type: { kind: 'primitive', name: 'int', optional: true } },
        ],
      },
    ]);
    expect(clauses('manual')).toEqual([{ kind: 'manual', params: [] }]);
    expect(clauses('manual()')).toEqual([{ kind: 'manual', params: [] }]);
  });

  it('accepts every concurrency mode', () => {
    for (const mode of ['single', 'replace', 'queue', 'parallel']) {
      expect(clauses(`concurrency ${mode}`)).toEqual([{ kind: 'concurrency', mode }]);
    }
  });

  it('keeps clauses in source order, one per line or all on one line', () => {
    expect(rule('rule r when a key b on e do end').clauses.map((c) => c.kind)).toEqual(['when', 'key', 'on']);
  });
});

describe('parseDsl: statements', () => {
  it('parses let, set, log, fail and stop', () => {
    expect(body('let a = 1\nset a = a + 1\nlog a\nfail "bad"\nstop\nstop "done"')).toEqual([
      { kind: 'let', name: { name: 'a' }, value: num('1') },
      { kind: 'set', name: { name: 'a' }, value: { kind: 'binary', op: '+', left: n('a'), right: num('1') } },
      { kind: 'log', message: n('a') },
      { kind: 'fail', message: str('bad') },
      { kind: 'stop' },
      { kind: 'stop', message: str('done') },
    ]);
  });

  it('parses calls with and without binding, retry and timeout', () => {
    expect(
      body('call a.b()\ncall a.b(x: 1, "y-z": 2,) retry 3\ncall a.b(x: 1) retry 2 backoff 1.5 timeout 10s'),
    ).toEqual([
      { kind: 'call', action: { name: 'a.b' }, args: [] },
      {
        kind: 'call',
        action: { name: 'a.b' },
        args: [
          { name: 'x', value: num('1') },
          { name: 'y-z', value: num('2') },
        ],
        retry: { attempts: 3 },
      },
      {
        kind: 'call',
        action: { name: 'a.b' },
        args: [{ name: 'x', value: num('1') }],
        retry: { attempts: 2, backoff: 1.5 },
        timeout: { ms: 10_000, text: '10s' },
      },
    ]);
  });

  it('parses if / else if / else chains, and an if nested in an else', () => {
    expect(body('if a\n  log 1\nelse if b\n  log 2\nelse if c\nelse\n  log 3\nend')).toEqual([
      {
        kind: 'if',
        branches: [
          { cond: n('a'), body: [{ kind: 'log', message: num('1') }] },
          { cond: n('b'), body: [{ kind: 'log', message: num('2') }] },
          { cond: n('c'), body: [] },
        ],
        else: [{ kind: 'log', message: num('3') }],
      },
    ]);
    expect(body('if a\nelse\n  if b\n  end\nend')).toEqual([
      {
        kind: 'if',
        branches: [{ cond: n('a'), body: [] }],
        else: [{ kind: 'if', branches: [{ cond: n('b'), body: [] }] }],
      },
    ]);
  });

  it('parses sleeps', () => {
    expect(body('sleep 48h\nsleep until now() + 1d\nsleep event.delay')).toEqual([
      { kind: 'sleep', duration: { kind: 'duration', ms: 172_800_000, text: '48h' } },
      {
        kind: 'sleep_until',
        time: {
          kind: 'binary',
          op: '+',
          left: { kind: 'call', fn: 'now', args: [] },
          right: { kind: 'duration', ms: 86_400_000, text: '1d' },
        },
      },
      { kind: 'sleep', duration: member(n('event'), 'delay') },
    ]);
  });

  it('parses waits in every shape', () => {
    expect(
      body(
        'wait for a.b\nwait for a.b as e where e.id == 1\nwait for a.b within 4h\n  on timeout\n    stop\n  end',
      ),
    ).toEqual([
      { kind: 'wait', event: { name: 'a.b' } },
      {
        kind: 'wait',
        event: { name: 'a.b' },
        as: { name: 'e' },
        where: { kind: 'binary', op: '==', left: member(n('e'), 'id'), right: num('1') },
      },
      {
        kind: 'wait',
        event: { name: 'a.b' },
        within: { ms: 14_400_000, text: '4h' },
        onTimeout: [{ kind: 'stop' }],
      },
    ]);
  });

  it('parses approvals', () => {
    expect(
      body('approve "ok?"\napprove "Escalate ${t}?" by "ops" as d within 1d\n  on timeout\n  end'),
    ).toEqual([
      { kind: 'approve', description: str('ok?') },
      {
        kind: 'approve',
        description: {
          kind: 'string',
          parts: [
            { kind: 'text', text: 'Escalate ' },
            { kind: 'interp', expr: n('t') },
            { kind: 'text', text: '?' },
          ],
        },
        by: str('ops'),
        as: { name: 'd' },
        within: { ms: 86_400_000, text: '1d' },
        onTimeout: [],
      },
    ]);
  });

  it('parses parallel branches and loops', () => {
    expect(
      body('parallel\n  branch\n    log 1\n  branch\nend\nfor each t in event.tags\n  log t\nend'),
    ).toEqual([
      { kind: 'parallel', branches: [[{ kind: 'log', message: num('1') }], []] },
      {
        kind: 'for_each',
        name: { name: 't' },
        list: member(n('event'), 'tags'),
        body: [{ kind: 'log', message: n('t') }],
      },
    ]);
  });

  it('parses emits with optional commas, or without fields', () => {
    expect(body('emit a.b { x: 1 y: "s", }\nemit a.c')).toEqual([
      {
        kind: 'emit',
        event: { name: 'a.b' },
        fields: [
          { name: 'x', value: num('1') },
          { name: 'y', value: str('s') },
        ],
      },
      { kind: 'emit', event: { name: 'a.c' }, fields: [] },
    ]);
  });

  it('parses compensation', () => {
    const r = rule('rule r on e do log 1 compensate log 2 end');
    expect(stripSpans(r.compensate)).toEqual([{ kind: 'log', message: num('2') }]);
    expect(rule('rule r on e do compensate end').compensate).toEqual([]);
    expect(rule('rule r on e do end').compensate).toBeUndefined();
  });

  it('treats keywords as names where the grammar does not expect them', () => {
    expect(body('log event.in + rule.key\nlet input = on\nlog { end: 1, null: 2 }.end')).toEqual([
      {
        kind: 'log',
        message: { kind: 'binary', op: '+', left: member(n('event'), 'in'), right: member(n('rule'), 'key') },
      },
      { kind: 'let', name: { name: 'input' }, value: n('on') },
      {
        kind: 'log',
        message: member(
          {
            kind: 'object',
            fields: [
              { name: 'end', value: num('1') },
              { name: 'null', value: num('2') },
            ],
          },
          'end',
        ),
      },
    ]);
  });

  it('does not take the next statement as the message of a bare stop', () => {
    expect(body('stop\nlog 1').map((s) => s.kind)).toEqual(['stop', 'log']);
  });
});

describe('parseDsl: spans', () => {
  const text = 'rule r "d"\n  on a.b\ndo\n  if event.x > 1\n    log "中文 ${event.x}"\n  end\nend\n';
  const r = rule(text);

  it('locates declarations and names', () => {
    expect(r.span).toEqual({ file: 't.rule', line: 1, column: 1, endLine: 7, endColumn: 4 });
    expect(r.nameSpan).toEqual({ file: 't.rule', line: 1, column: 6, endLine: 1, endColumn: 7 });
    expect(r.clauses[0].span).toEqual({ file: 't.rule', line: 2, column: 3, endLine: 2, endColumn: 9 });
  });

  it('locates statements, branches and expressions', () => {
    const s = r.body[0];
    if (s.kind !== 'if') throw new Error('if');
    expect(s.span).toEqual({ file: 't.rule', line: 4, column: 3, endLine: 6, endColumn: 6 });
    expect(s.branches[0].span).toEqual({ file: 't.rule', line: 4, column: 3, endLine: 5, endColumn: 24 });
    const cond = s.branches[0].cond;
    if (cond.kind !== 'binary' || cond.left.kind !== 'member') throw new Error('cond');
    expect(cond.span).toEqual({ file: 't.rule', line: 4, column: 6, endLine: 4, endColumn: 17 });
    expect(cond.left.nameSpan).toEqual({ file: 't.rule', line: 4, column: 12, endLine: 4, endColumn: 13 });
  });

  it('counts columns in UTF-16 units, inside interpolations too', () => {
    const s = r.body[0];
    const log = s.kind === 'if' ? s.branches[0].body[0] : undefined;
    if (log?.kind !== 'log' || log.message.kind !== 'string') throw new Error('log');
    const interp = log.message.parts[1];
    expect(interp.kind === 'interp' && interp.expr.span).toEqual({
      file: 't.rule',
      line: 5,
      column: 15,
      endLine: 5,
      endColumn: 22,
    });
  });

  it('handles CRLF line ends', () => {
    const crlf = rule('rule r\r\n  on e\r\ndo\r\n  log 1\r\nend\r\n');
    expect(crlf.body[0].span).toEqual({ file: 't.rule', line: 4, column: 3, endLine: 4, endColumn: 8 });
  });
});
