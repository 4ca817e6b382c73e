import fc from 'fast-check';
import type { Expr, SourceFile, Stmt } from '../ast/ast';
import { printYaml } from './print-yaml';
import type { Span } from '../core/span';
import { stripSpans } from '../ast/strip-spans';
import { sourceFileArb, stmtArb } from '../testing/yaml-arbitraries';
import { SPEC_EXAMPLE, VALID_FIXTURES } from '../testing/yaml-fixtures';
import { parseYaml } from '../yaml/parse-yaml';

const S: Span = { file: 'gen', line: 1, column: 1, endLine: 1, endColumn: 1 };

/** Parses `yaml`, expecting no diagnostics (showing the text when there are some). */
function reparse(yaml: string): SourceFile {
  const result = parseYaml('printed.rule.yaml', yaml);
  if (result.diagnostics.length > 0) {
    throw new Error(
      `printed YAML does not read back:\n${yaml}\n${JSON.stringify(result.diagnostics, null, 1)}`,
    );
  }
  return result.file;
}

/** Prints, reads back, and checks the AST is unchanged and printing again gives the same text. */
function expectRoundTrip(file: SourceFile): string {
  const printed = printYaml(file);
  const back = reparse(printed);
  expect(stripSpans(back.decls)).toEqual(stripSpans(file.decls));
  expect(back.trailingComments).toEqual(file.trailingComments);
  expect(printYaml(back)).toBe(printed);
  return printed;
}

/** A file holding one rule whose body is `body`. */
function ruleWith(body: Stmt[]): SourceFile {
  return {
    file: 'x.rule.yaml',
    form: 'dsl',
    decls: [
      {
        kind: 'rule',
        name: 'r',
        nameSpan: S,
        clauses: [{ kind: 'on', event: { name: 'e', span: S }, span: S }],
        body,
        span: S,
      },
    ],
  };
}

const log = (message: Expr): Stmt => ({ kind: 'log', message, span: S });
const str = (...parts: (string | Expr)[]): Expr => ({
  kind: 'string',
  parts: parts.map((p) => (typeof p === 'string' ? { kind: 'text', text: p } : { kind: 'interp', expr: p })),
  span: S,
});
const name = (n: string): Expr => ({ kind: 'name', name: n, span: S });

describe('printYaml', () => {
  it.each(Object.entries(VALID_FIXTURES))('round-trips the fixture %s', (_file, source) => {
    const parsed = parseYaml('fixture.rule.yaml', source);
    expect(parsed.diagnostics).toEqual([]);
    expectRoundTrip(parsed.file);
  });

  it('prints the LANGUAGE.md §6 example canonically', () => {
    const printed = expectRoundTrip(parseYaml('a.rule.yaml', SPEC_EXAMPLE).file);
    expect(printed).toBe(`rule: restock_low_stock
description: Reorder when stock falls below the reorder point
on: inventory.updated
when: event.available < event.reorder_point
key: event.sku
concurrency: single
do:
  - let: qty
    value: max(event.reorder_qty, event.reorder_point * 2 - event.available)
  - call: purchasing.create_order
    as: po
    with:
      sku: \${event.sku}
      quantity: \${qty}
    retry:
      attempts: 5
      every: 30s
      backoff: 2
    timeout: 2m
  - wait: purchase_order.confirmed
    as: confirmation
    where: confirmation.po_id == po.id
    within: 2d
    on_timeout:
      - call: notify.slack
        with:
          channel: "#ops"
          text: PO \${po.id} for \${event.sku} is not confirmed after 2 days
`);
  });

  it('separates declarations with ---', () => {
    const file = parseYaml('d.rule.yaml', 'event: a\n---\naction: b\nresult: "{ id: string }?"\n').file;
    expect(expectRoundTrip(file)).toBe(
      'event: a\nfields: {}\n---\naction: b\nparams: {}\nresult: "{ id: string }?"\n',
    );
  });

  it('prints an empty file as nothing', () => {
    expect(printYaml({ file: 'e.rule.yaml', form: 'yaml', decls: [] })).toBe('');
  });

  it('writes else-if chains as an if alone in the else list', () => {
    const printed = expectRoundTrip(
      ruleWith([
        {
          kind: 'if',
          branches: [
            { cond: name('a'), body: [], span: S },
            { cond: name('b'), body: [{ kind: 'stop', span: S }], span: S },
          ],
          else: [log(str('c'))],
          span: S,
        },
      ]),
    );
    expect(printed).toContain(
      '  - if: a\n    then: []\n    else:\n      - if: b\n        then:\n          - stop\n        else:\n          - log: c\n',
    );
  });

  it('escapes template text that would read back differently', () => {
    const printed = expectRoundTrip(
      ruleWith([
        log(str('cost ${x} and \\$y and $', name('z'), ' done\\')),
        log(str('a\\', name('x'))),
        log(str(name('x'))),
        log(str()),
        log(str('42')),
        log(str('true')),
        log(str('- item')),
        log(str('line\nbreak')),
        log(name('x')),
        log({ kind: 'number', value: 3, raw: '3.0', span: S }),
        log({ kind: 'null', span: S }),
        { kind: 'stop', message: { kind: 'null', span: S }, span: S },
        { kind: 'stop', span: S },
      ]),
    );
    expect(printed).toContain('  - log: cost \\${x} and \\\\$y and $${z} done\\\n');
    expect(printed).toContain('  - log: ${"a\\\\${x}"}\n');
    expect(printed).toContain('  - log: ${"${x}"}\n');
    expect(printed).toContain(
      '  - log: ""\n  - log: "42"\n  - log: "true"\n  - log: "- item"\n  - log: "line\\nbreak"\n',
    );
    expect(printed).toContain('  - log: ${x}\n  - log: 3.0\n  - log: null\n  - stop: ${null}\n  - stop\n');
  });

  it('prints list and object arguments as YAML lists and mappings', () => {
    const printed = expectRoundTrip(
      ruleWith([
        {
          kind: 'call',
          action: { name: 'a.b', span: S },
          args: [
            {
              name: 'tags',
              nameSpan: S,
              value: {
                kind: 'list',
                items: [str('x'), name('y'), { kind: 'list', items: [], span: S }],
                span: S,
              },
              span: S,
            },
            {
              name: 'Content-Type',
              nameSpan: S,
              value: {
                kind: 'object',
                fields: [{ name: 'k', nameSpan: S, value: name('v'), span: S }],
                span: S,
              },
              span: S,
            },
          ],
          span: S,
        },
      ]),
    );
    expect(printed).toContain(
      '    with:\n      tags:\n        - x\n        - ${y}\n        - []\n      "Content-Type":\n        k: ${v}\n',
    );
  });

  it('quotes expressions only when YAML needs it', () => {
    const printed = expectRoundTrip(
      ruleWith([
        {
          kind: 'let',
          name: { name: 'a', span: S },
          value: { kind: 'number', value: 42, raw: '42', span: S },
          span: S,
        },
        { kind: 'let', name: { name: 'b', span: S }, value: str('s'), span: S },
        {
          kind: 'let',
          name: { name: 'c', span: S },
          value: { kind: 'list', items: [name('x')], span: S },
          span: S,
        },
        { kind: 'let', name: { name: 'd', span: S }, value: { kind: 'bool', value: true, span: S }, span: S },
      ]),
    );
    expect(printed).toContain('value: 42\n');
    expect(printed).toContain('value: "\\"s\\""\n');
    expect(printed).toContain('value: "[x]"\n');
    expect(printed).toContain('value: true\n');
  });

  it('round-trips random statements', () => {
    fc.assert(
      fc.property(stmtArb, (stmt) => {
        expectRoundTrip(ruleWith([stmt]));
      }),
      { numRuns: 150 },
    );
  });

  it('round-trips random files and prints idempotently', () => {
    fc.assert(
      fc.property(sourceFileArb, (file) => {
        expectRoundTrip(file);
      }),
      { numRuns: 100 },
    );
  });
});
