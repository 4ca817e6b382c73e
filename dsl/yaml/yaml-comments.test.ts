import fc from 'fast-check';
import type { SourceFile } from '../ast/ast';
import { compileProgram } from '../check/compile';
import { parseDsl } from '../text/parse-dsl';
import { printDsl } from '../print/print-dsl';
import { printYaml } from '../print/print-yaml';
import { stripSpans } from '../ast/strip-spans';
import { COMMENTED, COMMENTED_YAML } from '../testing/comment-fixtures';
import { sourceFile as dslFileArb } from '../testing/dsl-arbitraries';
import { sourceFileArb as yamlFileArb } from '../testing/yaml-arbitraries';
import { parseYaml } from './parse-yaml';

function dsl(text: string): SourceFile {
  const r = parseDsl('c.rule', text);
  expect(r.diagnostics).toEqual([]);
  return r.file;
}

function yaml(text: string): SourceFile {
  const r = parseYaml('c.rule.yaml', text);
  expect(r.diagnostics).toEqual([]);
  return r.file;
}

/** The comments and trailing comments of a whole AST. */
function countComments(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + countComments(x), 0);
  if (v === null || typeof v !== 'object') return 0;
  let n = 0;
  for (const [key, x] of Object.entries(v)) {
    if (key === 'trailingComment') n += 1;
    else if (key === 'branchComments') n += (x as string[][]).flat().length;
    else if (key === 'comments' || key.endsWith('Comments')) n += (x as string[]).length;
    else n += countComments(x);
  }
  return n;
}

/** A user's file: comments added to printed text, on lines of their own and at the end of lines. */
const edits = fc.array(fc.record({ line: fc.nat(300), indent: fc.nat(10), own: fc.boolean() }), {
  maxLength: 10,
});

function addComments(text: string, list: readonly { line: number; indent: number; own: boolean }[]): string {
  const lines = text.split('\n');
  const ended = new Set<number>();
  list.forEach((e, i) => {
    const at = e.line % lines.length;
    if (e.own) lines.splice(at, 0, `${' '.repeat(e.indent)}# own ${i} 中文`);
    else if (lines[at].trim() !== '' && !lines[at].includes('#') && !ended.has(at)) {
      lines[at] += `  # end ${i}`;
      ended.add(at);
    }
  });
  return lines.join('\n');
}

describe('comments in the YAML form', () => {
  it('are where the DSL had them after translating DSL to YAML, and back', () => {
    const fromDsl = dsl(COMMENTED);
    expect(printYaml(fromDsl)).toBe(COMMENTED_YAML);
    const fromYaml = yaml(COMMENTED_YAML);
    expect(stripSpans(fromYaml.decls)).toEqual(stripSpans(fromDsl.decls));
    expect(fromYaml.trailingComments).toEqual(fromDsl.trailingComments);
    expect(printDsl(fromYaml)).toBe(COMMENTED);
    expect(printYaml(fromYaml)).toBe(COMMENTED_YAML);
  });

  it('are read wherever a user writes them, by position and indentation', () => {
    const text = `# header of the first document
rule: r   # the rule
on: e
when: "event.a > 1  # inside the expression"
do:   # the steps
  # first step
  - log: a
    # still the first step (deeper)
  - if: x
    then:
      - log: b
    # before else, at the key's column
    else:
      - log: c
      # closing the else list
  # closing do
# at column 0: before the next document
---
event: e   # an event
fields: { a: int }   # flow fields
# end of file
`;
    const file = yaml(text);
    const [rule, event] = file.decls;
    if (rule.kind !== 'rule') throw new Error('not a rule');
    expect(rule).toMatchObject({
      comments: ['header of the first document'],
      trailingComment: 'the rule',
      endComments: ['closing do'],
    });
    expect(rule.clauses[1].comments).toEqual(['inside the expression']);
    expect(rule.body[0].comments).toEqual(['the steps', 'first step', 'still the first step (deeper)']);
    expect(rule.body[1]).toMatchObject({
      elseComments: ["before else, at the key's column"],
      endComments: ['closing the else list'],
    });
    expect(event).toMatchObject({
      comments: ['at column 0: before the next document'],
      trailingComment: 'an event',
    });
    expect(event.kind === 'event' && event.fields[0].trailingComment).toBe('flow fields');
    expect(file.trailingComments).toEqual(['end of file']);
    const formatted = printYaml(file);
    expect(formatted).toBe(`# header of the first document
rule: r  # the rule
on: e
# inside the expression
when: event.a > 1
do:
  # the steps
  # first step
  # still the first step (deeper)
  - log: a
  - if: x
    then:
      - log: b
    # before else, at the key's column
    else:
      - log: c
      # closing the else list
  # closing do
---
# at column 0: before the next document
event: e  # an event
fields:
  a: int  # flow fields
# end of file
`);
    expect(printYaml(dsl(printDsl(yaml(formatted))))).toBe(formatted);
  });

  it('among parameters and nested fields move before their declaration, clause or field', () => {
    const file = yaml(`action: a.b
params:
  # the SKU
  sku: string  # as the shop knows it
---
event: e
fields:
  address:
    street: string  # nested
---
rule: r
manual:
  qty: int  # how many
do: []
`);
    const [action, event, rule] = file.decls;
    expect(action.comments).toEqual(['the SKU', 'as the shop knows it']);
    expect(event.kind === 'event' && event.fields[0].comments).toEqual(['nested']);
    expect(rule.kind === 'rule' && rule.clauses[0].comments).toEqual(['how many']);
    expect(printDsl(file)).toBe(`# the SKU
# as the shop knows it
action a.b(sku: string)

event e {
  # nested
  address: { street: string }
}

rule r
  # how many
  manual(qty: int)
do
end
`);
  });

  it('keep a file of comments only', () => {
    const file = yaml('# 只有注释\n\n# only comments\n');
    expect(file.decls).toEqual([]);
    expect(file.trailingComments).toEqual(['只有注释', 'only comments']);
    expect(printYaml(file)).toBe('# 只有注释\n# only comments\n');
    expect(printDsl(file)).toBe('# 只有注释\n# only comments\n');
  });

  it('never reach the IR or its hash', () => {
    const events = dsl('event purchase_order.confirmed { po_id: string }');
    const bare = COMMENTED.replace(/ *#.*$/gm, '');
    expect(bare).not.toContain('#');
    const compile = (file: SourceFile) => compileProgram([events, file]);
    const plain = compile(dsl(bare));
    expect(plain.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(plain.rules.length).toBe(1);
    for (const file of [dsl(COMMENTED), yaml(COMMENTED_YAML)]) {
      const rules = compile(file).rules;
      expect(rules.map((r) => r.hash)).toEqual(plain.rules.map((r) => r.hash));
      expect(JSON.stringify(rules)).not.toContain('end of do');
    }
  });
});

describe('comments a user adds anywhere', () => {
  const cases = [
    ['DSL', dslFileArb, printDsl, (t: string) => parseDsl('g.rule', t)],
    ['YAML', yamlFileArb, printYaml, (t: string) => parseYaml('g.rule.yaml', t)],
  ] as const;

  it.each(cases)(
    'are never dropped from a %s file, by formatting or translating',
    (form, arb, print, parse) => {
      fc.assert(
        fc.property(arb, edits, (file, list) => {
          const base = print(file);
          const text = addComments(base, list);
          const added =
            text.split('\n').length - base.split('\n').length + (text.match(/ {2}# end \d+$/gm) ?? []).length;
          const parsed = parse(text);
          expect(parsed.diagnostics).toEqual([]);
          const count = countComments(file) + added;
          expect(countComments(parsed.file)).toBe(count);
          const once = print(parsed.file);
          const again = parse(once).file;
          expect(countComments(again)).toBe(count);
          expect(print(again)).toBe(once);
          // The other form keeps them too, when it can say the rest of the file.
          const other = form === 'DSL' ? parseYaml('g.rule.yaml', printYaml(again)) : parseDsl('g.rule', printDsl(again)); // prettier-ignore
          if (other.diagnostics.length === 0) expect(countComments(other.file)).toBe(count);
        }),
        { numRuns: 100 },
      );
    },
  );
});
