import type { Diagnostic } from '../core/diagnostics';
import { parseYaml } from './parse-yaml';

/** Line and column (1-based) of the `nth` occurrence of `needle` in `source`. */
function at(source: string, needle: string, nth = 1): { line: number; column: number } {
  let offset = -1;
  for (let i = 0; i < nth; i++) {
    offset = source.indexOf(needle, offset + 1);
    if (offset < 0) throw new Error(`'${needle}' not found`);
  }
  const before = source.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

function diagnose(source: string): Diagnostic[] {
  const result = parseYaml('bad.rule.yaml', source);
  for (const d of result.diagnostics) expect(d.span.file).toBe('bad.rule.yaml');
  return result.diagnostics;
}

/** The diagnostics of a rule `r` on event `e` whose `do` list is `steps` (indented two spaces). */
function diagnoseSteps(steps: string): { source: string; diagnostics: Diagnostic[] } {
  const source = `rule: r\non: e\ndo:\n${steps}`;
  return { source, diagnostics: diagnose(source) };
}

/** Expects exactly one error, with this code, starting at `needle` in `source`. */
function expectOne(
  source: string,
  diagnostics: readonly Diagnostic[],
  code: string,
  needle: string,
  nth = 1,
): Diagnostic {
  expect(diagnostics.map((d) => d.code)).toEqual([code]);
  const [d] = diagnostics;
  expect(d.severity).toBe('error');
  expect({ line: d.span.line, column: d.span.column }).toEqual(at(source, needle, nth));
  return d;
}

describe('parseYaml: diagnostics inside expression strings', () => {
  it('locates a syntax error in a plain scalar', () => {
    const source = 'rule: r\non: e\nwhen: event.available < < 3\ndo: []\n';
    expectOne(source, diagnose(source), 'unexpected-token', '< 3');
  });

  it('locates a syntax error in a double-quoted scalar after escapes', () => {
    const source = 'rule: r\non: e\nwhen: "a == \\"x\\" and ) "\ndo: []\n';
    expectOne(source, diagnose(source), 'unexpected-token', ')');
  });

  it('locates a syntax error in a double-quoted scalar after \\u and \\x escapes', () => {
    const source = 'rule: r\non: e\nwhen: "\\"\\u00e9\\x41\\U0001F600\\" == x + )"\ndo: []\n';
    expectOne(source, diagnose(source), 'unexpected-token', ')');
  });

  it("locates a syntax error in a single-quoted scalar after ''", () => {
    const source = "rule: r\non: e\nwhen: 'a == b and '''' == ) '\ndo: []\n";
    const ds = diagnose(source);
    const d = ds.find((x) => x.code === 'unexpected-token');
    expect(d?.span).toMatchObject(at(source, ')'));
  });

  it('locates a syntax error on the second line of a folded plain scalar', () => {
    const source = 'rule: r\non: e\nwhen: event.a < 3\n    and )\ndo: []\n';
    expectOne(source, diagnose(source), 'unexpected-token', ')');
  });

  it('locates a syntax error in a double-quoted scalar spanning lines', () => {
    const source = 'rule: r\non: e\nwhen: "event.a <\n    3 and )"\ndo: []\n';
    expectOne(source, diagnose(source), 'unexpected-token', ')');
  });

  it('locates a syntax error in literal and folded block scalars', () => {
    const literal = 'rule: r\non: e\nwhen: |\n  a and\n  )\ndo: []\n';
    expectOne(literal, diagnose(literal), 'unexpected-token', ')');
    const folded = 'rule: r\non: e\nwhen: >-\n  a and\n  b )\ndo: []\n';
    expectOne(folded, diagnose(folded), 'unexpected-token', ')');
  });

  it('locates a syntax error inside a template interpolation', () => {
    const { source, diagnostics } = diagnoseSteps('  - log: "PO ${po.id +} x"\n');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].span).toMatchObject(at(source, '} x'));
  });

  it('locates a syntax error in a call argument inside a flow mapping', () => {
    const { source, diagnostics } = diagnoseSteps('  - call: a.b\n    with: { x: "${1 +* 2}", y: 2 }\n');
    expectOne(source, diagnostics, 'unexpected-token', '* 2');
  });

  it('locates an unclosed interpolation', () => {
    const { source, diagnostics } = diagnoseSteps('  - log: PO ${po.id\n');
    expectOne(source, diagnostics, 'unexpected-end', '${');
  });

  it('locates errors in numbers YAML reads differently from the DSL', () => {
    const { source, diagnostics } = diagnoseSteps('  - call: a.b\n    with: { n: 0x1F }\n');
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0].span).toMatchObject({ line: at(source, '0x1F').line });
  });

  it('reports an empty expression', () => {
    const source = 'rule: r\non: e\nwhen:\ndo: []\n';
    const d = expectOne(source, diagnose(source), 'yaml-shape', '\ndo');
    expect(d.message).toContain('needs an expression');
  });
});

describe('parseYaml: unknown and missing keys', () => {
  it('reports an unknown rule key with a suggestion', () => {
    const source = 'rule: r\non: e\nwhn: a\ndo: []\n';
    const d = expectOne(source, diagnose(source), 'yaml-unknown-key', 'whn');
    expect(d.message).toContain("did you mean 'when'");
  });

  it('reports an unknown step key with a suggestion', () => {
    const { source, diagnostics } = diagnoseSteps('  - call: a.b\n    wiht: { x: 1 }\n');
    const d = expectOne(source, diagnostics, 'yaml-unknown-key', 'wiht');
    expect(d.message).toContain("did you mean 'with'");
  });

  it('reports a misspelt step kind', () => {
    const { source, diagnostics } = diagnoseSteps('  - sleeep: 1h\n');
    const d = expectOne(source, diagnostics, 'yaml-unknown-key', 'sleeep');
    expect(d.message).toContain("did you mean 'sleep'");
  });

  it('reports a misspelt declaration kind', () => {
    const source = 'rul: r\non: e\ndo: []\n';
    const d = expectOne(source, diagnose(source), 'yaml-unknown-key', 'rul');
    expect(d.message).toContain("did you mean 'rule'");
  });

  it('reports a key that belongs to another step kind', () => {
    const { source, diagnostics } = diagnoseSteps('  - log: x\n    within: 1h\n');
    expectOne(source, diagnostics, 'yaml-unknown-key', 'within');
  });

  it.each([
    ['a rule without do', 'rule: r\non: e\n', 'rule'],
    ['a document without a kind', 'description: x\n', 'description'],
  ])('reports %s', (_what, source, needle) => {
    expectOne(source, diagnose(source), 'yaml-missing-key', needle);
  });

  it.each([
    ['let without value', '  - let: x\n', 'let', 'value'],
    ['set without value', '  - set: x\n', 'set', 'value'],
    ['if without then', '  - if: x\n', 'if', 'then'],
    ['for_each without in', '  - for_each: x\n    do: []\n', 'for_each', 'in'],
    ['for_each without do', '  - for_each: x\n    in: xs\n', 'for_each', 'do'],
    ['retry without attempts', '  - call: a\n    retry: { every: 1s }\n', '{ every', 'attempts'],
  ])('reports %s', (_what, steps, needle, key) => {
    const { source, diagnostics } = diagnoseSteps(steps);
    const d = expectOne(source, diagnostics, 'yaml-missing-key', needle);
    expect(d.message).toContain(`'${key}:'`);
  });
});

describe('parseYaml: wrong shapes', () => {
  it.each([
    ['do is not a list', 'rule: r\non: e\ndo: 5\n', '5'],
    ['a rule name with a dash', 'rule: my-rule\non: e\ndo: []\n', 'my-rule'],
    ['an event type with a space', 'rule: r\non: a b\ndo: []\n', 'a b'],
    ['an unknown concurrency mode', 'rule: r\non: e\nconcurrency: singel\ndo: []\n', 'singel'],
    ['disabled that is not a boolean', 'rule: r\non: e\ndisabled: yes\ndo: []\n', 'yes'],
    ['a timezone without a schedule', 'rule: r\non: e\ntimezone: UTC\ndo: []\n', 'timezone'],
    ['a timezone on an interval', 'rule: r\nevery: 15m\ntimezone: UTC\ndo: []\n', 'timezone'],
    ['every that is a number', 'rule: r\nevery: 5\ndo: []\n', '5'],
    ['a document that is a list', '- rule: r\n', '- rule'],
    ['two declarations in one document', 'rule: r\nevent: e\ndo: []\n', 'event'],
  ])('reports %s', (_what, source, needle) => {
    expectOne(source, diagnose(source), 'yaml-shape', needle);
  });

  it('suggests the closest concurrency mode', () => {
    const [d] = diagnose('rule: r\non: e\nconcurrency: singel\ndo: []\n');
    expect(d.message).toContain("did you mean 'single'");
  });

  it.each([
    ['a step that is a number', '  - 5\n', '5'],
    ['a step with two kinds', '  - let: x\n    call: a.b\n', 'call'],
    ['with that is a list', '  - call: a.b\n    with: [1]\n', '[1]'],
    ['parallel branches that are not lists', '  - parallel: [ { log: x } ]\n', '{ log'],
    ['parallel that is a mapping', '  - parallel: { a: 1 }\n', '{ a'],
    ['as that is not a name', '  - call: a.b\n    as: a.b\n', 'a.b', 2],
    ['attempts that is text', '  - call: a.b\n    retry: { attempts: many }\n', 'many'],
    ['a step that is a misspelt stop', '  - stp\n', 'stp'],
  ])('reports %s', (_what, steps, needle, nth = 1) => {
    const { source, diagnostics } = diagnoseSteps(steps);
    expectOne(source, diagnostics, 'yaml-shape', needle, nth);
  });

  it('hints at as: for a let with a call', () => {
    const { diagnostics } = diagnoseSteps('  - let: x\n    call: a.b\n');
    expect(diagnostics[0].message).toContain("'as:'");
  });

  it('reports invalid durations', () => {
    const { source, diagnostics } = diagnoseSteps(
      '  - wait: a\n    within: 2 days\n  - call: b\n    timeout: 1.5h\n',
    );
    expect(diagnostics.map((d) => d.code)).toEqual(['invalid-duration', 'invalid-duration']);
    expect(diagnostics[0].span).toMatchObject(at(source, '2 days'));
    expect(diagnostics[1].span).toMatchObject(at(source, '1.5h'));
  });

  it('reports unknown types with a suggestion, inside the type text', () => {
    const source = 'event: e\nfields: { a: "list<strin>?" }\n';
    const d = expectOne(source, diagnose(source), 'unknown-type', 'strin');
    expect(d.message).toContain("did you mean 'string'");
  });

  it('reports malformed type text', () => {
    const source = 'event: e\nfields:\n  a: list<string\n  b: "{ x int }"\n  c: 5\n';
    const ds = diagnose(source);
    expect(ds.map((d) => d.code)).toEqual(['unexpected-end', 'unexpected-token', 'yaml-shape']);
    expect(ds[1].span).toMatchObject(at(source, 'int }'));
    expect(ds[2].span).toMatchObject(at(source, '5'));
  });

  it('reports an alias that expands too much', () => {
    const lines = ['rule: r', 'on: e', 'x0: &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]'];
    for (let i = 1; i < 12; i++)
      lines.push(
        `x${i}: &a${i} [${Array(10)
          .fill(`*a${i - 1}`)
          .join(', ')}]`,
      );
    lines.push('do:', '  - log: *a11');
    const ds = diagnose(lines.join('\n'));
    expect(ds.some((d) => d.message.includes('too many aliases'))).toBe(true);
  });

  it('reports nested aliases of steps as one located yaml-shape, never internal-error (issue 12)', () => {
    // Under 300 bytes: each step a parallel of three copies of the one before.
    const lines = ['rule: alias_bomb', 'on: order.placed', 'do:', '  - &s1 {log: x}'];
    for (let i = 2; i <= 7; i++) lines.push(`  - &s${i} {parallel: [[*s${i - 1}, *s${i - 1}, *s${i - 1}]]}`);
    const source = lines.join('\n') + '\n';
    expect(source.length).toBeLessThan(300);
    for (const text of [source, source.replace(/^ {2}/gm, '')]) {
      const ds = diagnose(text);
      expect(ds.map((d) => d.code)).toEqual(['yaml-shape']);
      expect(ds[0].message).toContain('too many aliases');
      expect(ds[0].span.line).toBeGreaterThan(3);
    }
  });

  it('reports nesting deeper than the limit', () => {
    const source = `rule: r\non: e\ndo:\n  - log: ${'['.repeat(100)}${']'.repeat(100)}\n`;
    expect(diagnose(source).map((d) => d.code)).toContain('nesting-too-deep');
  });
});

describe('parseYaml: YAML syntax errors', () => {
  it('locates an unclosed flow collection', () => {
    const source = 'rule: r\non: e\ndo: [\n';
    const ds = diagnose(source);
    expect(ds.length).toBeGreaterThan(0);
    expect(ds.every((d) => d.code === 'yaml-syntax')).toBe(true);
  });

  it('reports a duplicate key where it is', () => {
    const source = 'rule: r\non: e\non: f\ndo: []\n';
    expectOne(source, diagnose(source), 'yaml-syntax', 'on', 2);
  });

  it('reports only the broken document and reads the others', () => {
    const result = parseYaml('f.rule.yaml', 'event: a\n---\nrule: [\n---\nevent: b\n');
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expect(result.diagnostics.every((d) => d.span.line === 3 || d.span.line === 4)).toBe(true);
    expect(result.file.decls.map((d) => d.name)).toEqual(['a', 'b']);
  });

  it('reports one error per line, with advice for an unquoted template in a flow mapping', () => {
    const source = 'rule: r\non: e\ndo:\n  - call: a\n    with: { text: PO ${po.id} x, b: 1 }\n';
    const d = expectOne(source, diagnose(source), 'yaml-syntax', '{po.id');
    expect(d.message).toContain('quote a value that uses ${...}');
  });

  it('explains that \\$ is not a YAML escape', () => {
    const source = 'rule: r\non: e\ndo:\n  - log: "a \\${x}"\n';
    const d = expectOne(source, diagnose(source), 'yaml-syntax', '\\$');
    expect(d.message).toContain("write '\\\\${' for a literal '${'");
  });

  it('warns about unknown tags', () => {
    const ds = diagnose('event: !custom a\n');
    expect(ds.map((d) => [d.code, d.severity])).toEqual([['yaml-syntax', 'warning']]);
  });
});
