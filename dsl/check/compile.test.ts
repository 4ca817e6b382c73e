import type { Decl } from '../ast/ast';
import { stableStringify, withoutSpans } from './canonical-json';
import type { ActionSignature } from './checker';
import { compileProgram } from './compile';
import type { ConnectorActionSignature } from '../connector/connector';
import { Codes } from '../core/diagnostics';
import type { ExprIR, RuleIR, StepIR } from '../runtime/ir';
import { C, E, S, file, rule, useFile } from '../testing/ast-builders';
import { fixtureDecls } from '../testing/check-fixtures';

/** The restock rule of LANGUAGE.md §3, built by hand. */
function restock(): Decl {
  const ev = (f: string) => E.path(`event.${f}`);
  return rule(
    'restock_low_stock',
    [
      C.on('inventory.updated'),
      C.when(E.bin(ev('available'), '<', ev('reorder_point'))),
      C.key(ev('sku')),
      C.concurrency('single'),
    ],
    [
      S.let(
        'qty',
        E.call(
          'max',
          ev('reorder_qty'),
          E.bin(E.bin(ev('reorder_point'), '*', E.num(2)), '-', ev('available')),
        ),
      ),
      S.call(
        'purchasing.create_order',
        { sku: ev('sku'), quantity: E.name('qty') },
        { bind: 'po', retry: { attempts: 5, every: '30s', backoff: 2 }, timeout: '2m' },
      ),
      S.wait('purchase_order.confirmed', {
        as: 'confirmation',
        where: E.bin(E.path('confirmation.po_id'), '==', E.path('po.id')),
        within: '2d',
        onTimeout: [
          S.call('notify.slack', {
            channel: E.str('#ops'),
            text: E.tmpl('PO ', E.path('po.id'), ' for ', ev('sku'), ' is not confirmed after 2 days'),
          }),
        ],
      }),
    ],
    { description: 'Reorder when stock falls below the reorder point' },
  );
}

function compileOne(decls: Decl[], fileName = 'test.rule'): RuleIR {
  const { rules, diagnostics } = compileProgram([file([...fixtureDecls(), ...decls], fileName)]);
  expect(diagnostics).toEqual([]);
  expect(rules).toHaveLength(1);
  return rules[0];
}

describe('compileProgram', () => {
  it('produces the IR of the restock rule', () => {
    const ir = compileOne([restock()]);
    expect(ir).toMatchObject({
      irVersion: 1,
      name: 'restock_low_stock',
      description: 'Reorder when stock falls below the reorder point',
      trigger: { kind: 'event', event: 'inventory.updated' },
      guard: { kind: 'compare', op: '<', mode: 'number' },
      key: { kind: 'member', name: 'sku' },
      concurrency: 'single',
      timeoutMs: null,
      disabled: false,
      compensate: [],
      secrets: [],
    });
    expect(ir.span.file).toBe('test.rule');
    const [letQty, call, wait] = ir.body;
    expect(letQty).toMatchObject({
      kind: 'let',
      id: 1,
      name: 'qty',
      value: { kind: 'call', impl: 'max:number' },
    });
    expect(call).toMatchObject({
      kind: 'call',
      id: 2,
      action: 'purchasing.create_order',
      bind: 'po',
      retry: { attempts: 5, initialIntervalMs: 30_000, backoff: 2 },
      timeoutMs: 120_000,
    });
    expect(wait).toMatchObject({
      kind: 'wait',
      id: 3,
      event: 'purchase_order.confirmed',
      as: 'confirmation',
      withinMs: 172_800_000,
      correlation: {
        field: 'po_id',
        value: { kind: 'member', name: 'id', object: { kind: 'name', name: 'po' } },
      },
      onTimeout: [{ kind: 'call', id: 4, action: 'notify.slack' }],
    });
    expect(ir.events.map((e) => e.name)).toEqual(['inventory.updated', 'purchase_order.confirmed']);
    expect(ir.actions.map((a) => [a.name, a.origin])).toEqual([
      ['notify.slack', 'builtin'],
      ['purchasing.create_order', 'declared'],
    ]);
    expect(ir.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('keeps a span on every step and expression', () => {
    const ir = compileOne([restock()]);
    const missing: string[] = [];
    const visit = (node: unknown, path: string): void => {
      if (Array.isArray(node)) return node.forEach((n, i) => visit(n, `${path}[${i}]`));
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      const templatePart = /\.parts\[\d+\]$/.test(path);
      if ('kind' in record && !('span' in record) && !templatePart) missing.push(path);
      for (const [k, v] of Object.entries(record)) if (k !== 'span') visit(v, `${path}.${k}`);
    };
    visit([ir.guard, ir.key, ir.body] as (ExprIR | StepIR[] | null)[], 'rule');
    // Template parts are pieces of an expression, not expressions; their `expr`s have spans.
    expect(missing).toEqual([]);
  });

  it('gives the same IR and hash for ASTs that differ only in spans and file names', () => {
    useFile('one.rule');
    const a = compileOne([restock()], 'one.rule');
    useFile('two/other.rule.yaml');
    const b = compileOne([restock()], 'two/other.rule.yaml');
    useFile('test.rule');
    expect(a.span).not.toEqual(b.span);
    expect(withoutSpans(a)).toEqual(withoutSpans(b));
    expect(a.hash).toBe(b.hash);
  });

  it('changes the hash when the rule changes', () => {
    const a = compileOne([restock()]);
    const changed = rule('restock_low_stock', [C.on('inventory.updated')], [S.log(E.str('x'))]);
    expect(compileOne([changed]).hash).not.toBe(a.hash);
  });

  it('returns no rules when there are errors, but keeps warnings otherwise', () => {
    const broken = rule('r', [], [S.log(E.str('x'))]);
    const result = compileProgram([file([broken])]);
    expect(result.rules).toEqual([]);
    expect(result.diagnostics.map((d) => d.code)).toEqual([Codes.noTrigger]);
    const warned = compileProgram([file([rule('r', [C.every('1h')], [S.let('unused', E.num(1))])])]);
    expect(warned.rules).toHaveLength(1);
    expect(warned.diagnostics.map((d) => d.code)).toEqual([Codes.unusedBinding]);
  });

  it('compiles schedule and manual triggers, compensation, secrets and defaults', () => {
    const r = rule(
      'nightly',
      [C.cron('0  2 * * *', 'utc'), C.timeout('1h'), C.disabled()],
      [
        S.call(
          'http.request',
          {
            method: E.str('POST'),
            url: E.str('https://example.test'),
            headers: E.obj({ Authorization: E.tmpl('Bearer ', E.call('secret', E.str('API_TOKEN'))) }),
          },
          { retry: { attempts: 3 } },
        ),
      ],
      { compensate: [S.log(E.str('undo'))] },
    );
    const ir = compileOne([r]);
    expect(ir.trigger).toEqual({ kind: 'schedule', cron: '0 2 * * *', timezone: 'UTC' });
    expect(ir).toMatchObject({
      timeoutMs: 3_600_000,
      disabled: true,
      secrets: ['API_TOKEN'],
      compensate: [{ kind: 'log', id: 2 }],
    });
    expect(ir.body[0]).toMatchObject({ retry: { attempts: 3, initialIntervalMs: 1000, backoff: 2 } });
    const manual = compileOne([
      rule('m', [C.manual({ sku: 'string', qty: 'int?' })], [S.log(E.path('input.sku'))]),
    ]);
    expect(manual.trigger).toEqual({
      kind: 'manual',
      input: {
        kind: 'object',
        fields: [
          { name: 'sku', type: { kind: 'string' } },
          { name: 'qty', type: { kind: 'optional', type: { kind: 'int' } } },
        ],
      },
    });
    expect(compileOne([rule('e', [C.every('15m')], [S.stop()])]).trigger).toEqual({
      kind: 'schedule',
      intervalMs: 900_000,
    });
  });

  it('accepts connector signatures as given by the connector reader', () => {
    const fromConnector: ConnectorActionSignature[] = [
      {
        name: 'crm.tag',
        params: [
          { name: 'id', type: { kind: 'string' }, optional: false },
          { name: 'note', type: { kind: 'string' }, optional: true },
        ],
        result: { kind: 'any' },
      },
    ];
    const actions: readonly ActionSignature[] = fromConnector;
    const r = rule('t', [C.every('1h')], [S.call('crm.tag', { id: E.str('1') })]);
    const { rules, diagnostics } = compileProgram([file([r])], { actions });
    expect(diagnostics).toEqual([]);
    expect(rules[0].actions[0]).toMatchObject({
      name: 'crm.tag',
      origin: 'connector',
      params: [{}, { type: { kind: 'optional' } }],
    });
  });

  it('prints IR with stable key order', () => {
    expect(stableStringify({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
    expect(stableStringify({ b: 1, a: 2 }, 2)).toBe('{\n  "a": 2,\n  "b": 1\n}');
  });
});
