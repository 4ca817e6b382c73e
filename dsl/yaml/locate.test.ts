import fc from 'fast-check';
import { Document, isMap, isScalar, parseDocument } from 'yaml';
import type { Scalar } from 'yaml';
import { scalarOffsetMap } from './locate';

/** Parses `source` (a one-key mapping) and returns its value scalar. */
function valueScalar(source: string): Scalar {
  const doc = parseDocument(source, { keepSourceTokens: true });
  expect(doc.errors).toEqual([]);
  const root = doc.contents;
  if (!isMap(root) || !isScalar(root.items[0].value)) throw new Error('expected k: scalar');
  return root.items[0].value;
}

/**
 * Every character of the value that is not whitespace and not produced by an escape must map to the
 * same character in the source, and the map must run forward through the scalar.
 */
function expectExact(source: string, node: Scalar): void {
  const value = String(node.value);
  const map = scalarOffsetMap(source, node);
  const [start, end] = node.range ?? [0, 0];
  let previous = start;
  for (let i = 0; i <= value.length; i++) {
    const off = map(i);
    expect(off).toBeGreaterThanOrEqual(previous);
    expect(off).toBeLessThanOrEqual(end);
    previous = off;
    if (i === value.length || /\s/.test(value[i]) || source[off] === '\\') continue;
    // A `''` in a single-quoted scalar maps to its first quote.
    expect(source[off]).toBe(value[i]);
  }
}

const STYLES = ['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE', 'BLOCK_LITERAL', 'BLOCK_FOLDED'] as const;

const text = fc.string({
  unit: fc.constantFrom(
    'a',
    'b',
    'x',
    '1',
    ' ',
    ' ',
    '\n',
    '\t',
    '"',
    "'",
    '\\',
    '#',
    ':',
    '-',
    '{',
    'é',
    '中',
    '😀',
    '$',
  ),
  maxLength: 60,
});

describe('scalarOffsetMap', () => {
  it('maps a single-line plain scalar by its start', () => {
    const source = 'k: a < b\n';
    const node = valueScalar(source);
    const map = scalarOffsetMap(source, node);
    expect([map(0), map(2), map(5)]).toEqual([3, 5, 8]);
  });

  it('accounts for the opening quote and escapes of a double-quoted scalar', () => {
    const source = 'k: "a\\"b\\u00e9 c"\n';
    const node = valueScalar(source);
    expect(node.value).toBe('a"bé c');
    const map = scalarOffsetMap(source, node);
    expect([map(0), map(1), map(2), map(3), map(4), map(5), map(6)]).toEqual([4, 5, 7, 8, 14, 15, 16]);
  });

  it("accounts for '' in a single-quoted scalar", () => {
    const source = "k: 'it''s x'\n";
    const node = valueScalar(source);
    const map = scalarOffsetMap(source, node);
    expect(node.value).toBe("it's x");
    expect([map(0), map(2), map(3), map(5)]).toEqual([4, 6, 8, 10]);
  });

  it('maps folded lines of a plain scalar to their own lines', () => {
    const source = 'k: a and\n   b\n\n   c\n';
    const node = valueScalar(source);
    expect(node.value).toBe('a and b\nc');
    const map = scalarOffsetMap(source, node);
    expect(source[map(6)]).toBe('b');
    expect(source[map(8)]).toBe('c');
    expect(source[map(5)]).toBe('\n');
  });

  it('maps block scalars line by line', () => {
    const source = 'k: |\n  ab\n    cd\n';
    const node = valueScalar(source);
    const map = scalarOffsetMap(source, node);
    expect(source[map(0)]).toBe('a');
    expect(source.slice(map(5), map(5) + 2)).toBe('cd');
  });

  it('falls back to the start of a scalar it cannot follow', () => {
    const source = 'k: "a\\qb"\n';
    const doc = parseDocument(source);
    const root = doc.contents;
    if (!isMap(root) || !isScalar(root.items[0].value)) throw new Error('expected k: scalar');
    const map = scalarOffsetMap(source, root.items[0].value);
    expect(map(2)).toBe(map(0));
  });

  it('is exact for any text written in any scalar style, folded or not', () => {
    fc.assert(
      fc.property(text, fc.constantFrom(...STYLES), fc.constantFrom(12, 40, 0), (value, style, lineWidth) => {
        const doc = new Document({ k: value });
        const root = doc.contents;
        if (!isMap(root) || !isScalar(root.items[0].value)) throw new Error('expected k: scalar');
        root.items[0].value.type = style;
        const source = doc.toString({ lineWidth, minContentWidth: 4 });
        const back = parseDocument(source, { keepSourceTokens: true });
        const map = back.contents;
        // Skip what yaml could not write in this style (it picks another, or rarely writes bad YAML).
        if (back.errors.length > 0 || !isMap(map) || !isScalar(map.items[0].value)) return;
        const node = map.items[0].value;
        if (node.value !== value) return;
        expectExact(source, node);
      }),
      { numRuns: 400 },
    );
  });
});
