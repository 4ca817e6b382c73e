import fc from 'fast-check';
import { Codes } from '../core/diagnostics';
import type { Diagnostic } from '../core/diagnostics';
import { VALID_FIXTURES } from '../testing/yaml-fixtures';
import { parseYaml } from './parse-yaml';

/** Parses without throwing, and checks every diagnostic points inside the text. */
function expectWellBehaved(text: string): Diagnostic[] {
  let result: ReturnType<typeof parseYaml> | undefined;
  expect(() => {
    result = parseYaml('fuzz.rule.yaml', text);
  }).not.toThrow();
  const diagnostics = result?.diagnostics ?? [];
  const lines = text.split(/\r\n|\r|\n/);
  for (const d of diagnostics) {
    const { span } = d;
    expect(span.file).toBe('fuzz.rule.yaml');
    for (const n of [span.line, span.column, span.endLine, span.endColumn])
      expect(Number.isInteger(n) && n >= 1).toBe(true);
    expect(span.line).toBeLessThanOrEqual(lines.length + 1);
    expect(span.endLine).toBeLessThanOrEqual(lines.length + 1);
    expect(span.endLine > span.line || (span.endLine === span.line && span.endColumn >= span.column)).toBe(
      true,
    );
    // A defect would show up as an internal error rather than a throw: there must be none.
    expect(d.code).not.toBe(Codes.internalError);
    expect(d.message).not.toMatch(/internal error|the parser failed/);
  }
  return diagnostics;
}

/** Edits that keep text YAML-ish: delete, insert significant characters, duplicate or re-indent lines. */
const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.string({
      unit: fc.constantFrom(
        ':',
        '-',
        ' ',
        '\n',
        '"',
        "'",
        '[',
        ']',
        '{',
        '}',
        '&a',
        '*a',
        '!',
        '|',
        '>',
        '#',
        '${',
        '}',
        '\\',
        'x',
        '---\n',
        '\t',
        '\u0000',
        '中',
      ),
      maxLength: 4,
    }),
  }),
  fc.record({ kind: fc.constant('duplicate-line' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('indent' as const), at: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(text: string, m: Mutation): string {
  const at = text.length === 0 ? 0 : m.at % text.length;
  switch (m.kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + m.length);
    case 'insert':
      return text.slice(0, at) + m.text + text.slice(at);
    case 'duplicate-line':
    case 'indent': {
      const lines = text.split('\n');
      const i = m.at % lines.length;
      if (m.kind === 'duplicate-line') lines.splice(i, 0, lines[i]);
      else
        lines[i] =
          m.by >= 0 ? ' '.repeat(m.by) + lines[i] : lines[i].replace(new RegExp(`^ {0,${-m.by}}`), '');
      return lines.join('\n');
    }
  }
}

describe('parseYaml never throws or hangs', () => {
  it('on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expectWellBehaved(Buffer.from(bytes).toString('utf8'));
        expectWellBehaved(Buffer.from(bytes).toString('latin1'));
      }),
      { numRuns: 200 },
    );
  });

  it('on random YAML-ish text', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(
            'rule',
            'do',
            'if',
            'then',
            'else',
            ':',
            ' ',
            '  ',
            '\n',
            '- ',
            '[',
            ']',
            '{',
            '}',
            '"',
            "'",
            '${',
            'a',
            '1',
            '&x',
            '*x',
            '---\n',
            '|',
            '#',
          ),
          maxLength: 80,
        }),
        (text) => {
          expectWellBehaved(text);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on mutated valid rule files', () => {
    const sources = Object.values(VALID_FIXTURES);
    fc.assert(
      fc.property(
        fc.constantFrom(...sources),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        (source, mutations) => {
          expectWellBehaved(mutations.reduce(mutate, source));
        },
      ),
      { numRuns: 300 },
    );
  });

  it.each([
    ['deep flow lists', `rule: r\non: e\ndo:\n  - log: ${'['.repeat(5000)}${']'.repeat(5000)}\n`],
    ['deep flow mappings', `event: e\nfields: ${'{a: '.repeat(3000)}int${'}'.repeat(3000)}\n`],
    ['an unclosed deep flow list', `rule: r\non: e\ndo: ${'['.repeat(3000)}\n`],
    [
      'deep block lists',
      `rule: r\non: e\ndo:\n${Array.from({ length: 400 }, (_, i) => `${' '.repeat(2 * i + 2)}- parallel:`).join('\n')}\n`,
    ],
    [
      'a deep else-if chain',
      `rule: r\non: e\ndo:\n${Array.from({ length: 300 }, (_, i) => `${' '.repeat(4 * i + 2)}- if: a\n${' '.repeat(4 * i + 4)}then: []\n${' '.repeat(4 * i + 4)}else:`).join('\n')} []\n`,
    ],
    [
      'a deeply parenthesised expression',
      `rule: r\non: e\nwhen: ${'('.repeat(20_000)}a${')'.repeat(20_000)}\ndo: []\n`,
    ],
    ['a deeply nested type', `event: e\nfields:\n  a: ${'list<'.repeat(5000)}int${'>'.repeat(5000)}\n`],
    [
      'an alias bomb',
      [
        'a: &a ["x","x","x","x","x","x","x","x","x"]',
        ...Array.from(
          { length: 9 },
          (_, i) =>
            `b${i}: &b${i} [${Array(9)
              .fill(i === 0 ? '*a' : `*b${i - 1}`)
              .join(',')}]`,
        ),
        'rule: r',
        'on: e',
        'do:',
        '  - log: *b8',
      ].join('\n'),
    ],
    ['a self-referencing alias', 'rule: r\non: e\ndo: &d\n  - parallel: [*d]\n'],
  ])('on %s', (_what, source) => {
    const started = Date.now();
    expectWellBehaved(source);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('on megabyte strings', () => {
    const big = 'x'.repeat(1 << 20);
    for (const source of [
      `rule: r\non: e\ndo:\n  - log: ${big}\n`,
      `rule: r\non: e\ndo:\n  - log: "${'\\t'.repeat(1 << 18)}${big}"\n`,
      // A quarter-megabyte expression: the expression parser's cost, not the loader's, dominates.
      `rule: r\non: e\nwhen: ${'a + '.repeat(1 << 16)}a\ndo: []\n`,
      `rule: r\non: e\ndescription: |\n${`  ${'y'.repeat(1000)}\n`.repeat(1000)}do: []\n`,
      `${big}: 1\n`,
    ]) {
      const started = Date.now();
      expectWellBehaved(source);
      expect(Date.now() - started).toBeLessThan(20_000);
    }
  });
});
