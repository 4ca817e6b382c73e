/**
 * Completion and hover in place, on a rule set in memory (the stdio test covers the transport):
 * rules that do not parse yet, the YAML form, keywords by position, test files.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Position } from 'vscode-languageserver';
import { complete } from './completion';
import { definition, hover } from './features';
import { ruleSetRoot } from './paths';
import { RuleSetModel } from './rule-set';

const CATALOG = 'event order.placed {\n  order_id: string\n  total: number\n  customer: { email: string, vip: bool }\n}\n\naction crm.tag(email: string, tag: string, note: string?) -> { ok: bool }\n'; // prettier-ignore

function model(files: Record<string, string>): RuleSetModel {
  const m = new RuleSetModel('/rules');
  m.set('catalog.rule', CATALOG);
  for (const [k, v] of Object.entries(files)) m.set(k, v);
  return m;
}

/** Completion labels at the `|` in the text. */
function labels(file: string, withCursor: string, others: Record<string, string> = {}): string[] {
  const i = withCursor.indexOf('|');
  const text = withCursor.replace('|', '');
  const before = text.slice(0, i).split('\n');
  const pos: Position = { line: before.length - 1, character: before[before.length - 1].length };
  const m = model({ ...others, [file]: text });
  return complete(m, file, text, pos).map((c) => c.label);
}

describe('completion in place', () => {
  it('completes event fields in a rule that has never parsed', () => {
    expect(labels('a.rule', 'rule r\n  on order.placed\n  when event.|\ndo\nend\n')).toEqual(['order_id', 'total', 'customer']); // prettier-ignore
    expect(labels('a.rule', 'rule r\n  when event.customer.|\n  on order.placed\ndo\nend\n')).toEqual([
      'email',
      'vip',
    ]);
  });

  it('completes the fields of a let bound to a call, and of a wait ... as name', () => {
    const rule = 'rule r\n  on order.placed\ndo\n  let t = call crm.tag(email: event.customer.email, tag: "x")\n  wait for order.placed as again within 1h\n  log "${t.ok}"\n  log again?.total\nend\n'; // prettier-ignore
    const m = model({ 'a.rule': rule });
    m.analyze();
    const typing = rule.replace('  log "${t.ok}"', '  log t.\n  log again?.');
    const lines = typing.split('\n');
    const at = (line: number) => complete(m, 'a.rule', typing, { line, character: lines[line].length }).map((c) => c.label); // prettier-ignore
    expect(at(5)).toEqual(['ok']);
    expect(at(6)).toEqual(['order_id', 'total', 'customer']);
  });

  it('offers events, actions with arguments, and keywords where they fit', () => {
    expect(labels('a.rule', 'rule r\n  on ord|')).toContain('order.placed');
    expect(labels('a.rule', 'rule r\n  on order.placed\ndo\n  call crm|\nend\n')).toContain('crm.tag');
    expect(labels('a.rule', 'rule r\n  on order.placed\ndo\n  call crm.tag(email: "a", |)\nend\n')).toEqual([
      'tag',
      'note',
    ]);
    expect(labels('a.rule', 'rule r\n  on order.placed\ndo\n  emit order.placed { |\nend\n')).toEqual(['order_id', 'total', 'customer']); // prettier-ignore
    expect(labels('a.rule', 'rule r\n  on order.placed\n  |')).toEqual(
      expect.arrayContaining(['when', 'key', 'concurrency']),
    );
    expect(labels('a.rule', 'rule r\n  on order.placed\ndo\n  |\nend\n')).toEqual(expect.arrayContaining(['let', 'call', 'wait for'])); // prettier-ignore
    expect(labels('a.rule', '|')).toEqual(['rule', 'event', 'action']);
    expect(labels('a.rule', 'rule r\n  on order.placed\n  when le|')).toEqual(
      expect.arrayContaining(['len', 'event', 'true']),
    );
    expect(labels('a.rule', 'rule r\n  on order.placed\ndo\n  log "no completion in | text"\nend\n')).toEqual(
      [],
    );
  });

  it('completes in the YAML form and in test files', () => {
    expect(labels('a.rule.yaml', 'rule: y\non: order.placed\nwhen: event.cus|')).toEqual([
      'order_id',
      'total',
      'customer',
    ]);
    expect(labels('a.rule.yaml', 'rule: y\non: ord|')).toContain('order.placed');
    expect(labels('a.rule.yaml', 'rule: y\non: order.placed\ndo:\n  - call: |')).toContain('crm.tag');
    const rule = { 'r.rule': 'rule placed_rule\n  on order.placed\ndo\n  log "x"\nend\n' };
    expect(labels('t.test.yaml', 'test: t\nrule: pl|', rule)).toEqual(['placed_rule']);
    expect(labels('t.test.yaml', 'test: t\nrule: placed_rule\nmocks:\n  cr|', rule)).toContain('crm.tag');
  });
});

describe('hover and definition in the YAML form', () => {
  it('names the type of a field and jumps to its declaration', () => {
    const yaml = 'rule: y\non: order.placed\nwhen: event.total > 3\ndo:\n  - log: "${event.order_id}"\n';
    const m = model({ 'y.rule.yaml': yaml });
    const a = m.analyze();
    const h = hover(a, 'y.rule.yaml', { line: 2, character: 13 });
    expect(h && typeof h.contents === 'object' && 'value' in h.contents && h.contents.value).toContain('order.placed.total: number'); // prettier-ignore
    expect(definition(a, 'y.rule.yaml', { line: 1, character: 6 })).toEqual([
      { file: 'catalog.rule', span: { file: 'catalog.rule', line: 1, column: 7, endLine: 1, endColumn: 19 } },
    ]);
  });
});

describe('the rule-set folder of a file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'opsflow-lsp-root-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  it('widens to parent folders holding rule files, within the workspace only', () => {
    mkdirSync(join(dir, 'rules', 'inventory'), { recursive: true });
    mkdirSync(join(dir, 'other'), { recursive: true });
    writeFileSync(join(dir, 'rules', 'catalog.rule'), CATALOG);
    writeFileSync(join(dir, 'rules', 'inventory', 'a.rule'), '');
    writeFileSync(join(dir, 'other', 'b.rule'), '');
    const file = join(dir, 'rules', 'inventory', 'a.rule');
    expect(ruleSetRoot(file, [dir], [])).toBe(join(dir, 'rules'));
    expect(ruleSetRoot(join(dir, 'other', 'b.rule'), [dir], [])).toBe(join(dir, 'other'));
    expect(ruleSetRoot(file, [], [])).toBe(join(dir, 'rules', 'inventory'));
    expect(ruleSetRoot(file, [dir], [join(dir, 'rules', 'inventory')])).toBe(join(dir, 'rules', 'inventory'));
  });
});
