/**
 * No input makes the front end throw or hang, and every problem is a diagnostic with a valid span.
 */
import fc from 'fast-check';
import type { Diagnostic } from '../core/diagnostics';
import { Codes } from '../core/diagnostics';
import { parseDsl, textLocator } from './parse-dsl';
import { parseExpression, parseTemplate } from './parse-expression';
import { printDsl } from '../print/print-dsl';
import type { Span } from '../core/span';
import { sourceFile } from '../testing/dsl-arbitraries';

const CODES = new Set<string>(Object.values(Codes));

/** Is `span` a real range of `text` (lines split at `\n`, end not before start)? */
function validSpan(span: Span, text: string, file: string): boolean {
  const lines = text.split('\n');
  const inText = (line: number, column: number) =>
    Number.isInteger(line) && Number.isInteger(column) && line >= 1 && line <= lines.length && column >= 1 && column <= lines[line - 1].length + 1; // prettier-ignore
  return (
    span.file === file &&
    inText(span.line, span.column) &&
    inText(span.endLine, span.endColumn) &&
    (span.endLine > span.line || (span.endLine === span.line && span.endColumn >= span.column))
  );
}

/** Every `span`/`*Span` in a value. */
function spansIn(value: unknown, out: Span[] = []): Span[] {
  if (Array.isArray(value)) value.forEach((v) => spansIn(v, out));
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'span' || key.endsWith('Span')) out.push(v as Span);
      else spansIn(v, out);
    }
  }
  return out;
}

function expectWellFormed(
  text: string,
  file: string,
  diagnostics: readonly Diagnostic[],
  ast: unknown,
): void {
  for (const d of diagnostics) {
    expect(CODES.has(d.code)).toBe(true);
    expect(d.code).not.toBe(Codes.internalError);
    expect(d.message).not.toBe('this input is nested too deeply to parse');
    if (!validSpan(d.span, text, file)) throw new Error(`bad diagnostic span ${JSON.stringify(d)}`);
  }
  for (const s of spansIn(ast)) {
    if (!validSpan(s, text, file)) throw new Error(`bad AST span ${JSON.stringify(s)}`);
  }
}

function checkDsl(text: string): void {
  const r = parseDsl('x.rule', text);
  expectWellFormed(text, 'x.rule', r.diagnostics, r.file);
}

function checkExpression(text: string): void {
  const locate = textLocator(text);
  const e = parseExpression(text, 'x.yaml', locate);
  expectWellFormed(text, 'x.yaml', e.diagnostics, e.expr);
  expect(e.expr !== undefined || e.diagnostics.length > 0).toBe(true);
  const t = parseTemplate(text, 'x.yaml', locate);
  expectWellFormed(text, 'x.yaml', t.diagnostics, t.expr);
}

/** Fragments that look like the DSL, so random soup reaches deep into the grammar. */
const FRAGMENTS = [
  'rule', 'event', 'action', 'do', 'end', 'if', 'else', 'for', 'each', 'in', 'parallel', 'branch', 'wait', 'on',
  'timeout', 'approve', 'call', 'let', 'set', 'stop', 'fail', 'log', 'emit', 'sleep', 'until', 'every', 'manual',
  'when', 'key', 'concurrency', 'compensate', 'not', 'and', 'or', 'x', 'a.b', '(', ')', '[', ']', '{', '}', ',',
  ':', '.', '?.', '??', '==', '<', '>', '->', '+', '-', '*', '"', '"s"', '"${', '${', '\\', '1', '2.5', '1h30m',
  '1m30h', '12abc', '\n', ' ', '#c\n', '中文', '&', 'list<', 'string?', '=',
]; // prettier-ignore
const soup = fc.array(fc.constantFrom(...FRAGMENTS), { maxLength: 120 }).map((parts) => parts.join(' '));

/** A valid program with random edits: deletions, insertions, duplications. */
const mutated = fc
  .tuple(
    sourceFile.map(printDsl),
    fc.array(fc.tuple(fc.nat(), fc.nat({ max: 20 }), fc.constantFrom(...FRAGMENTS), fc.nat({ max: 2 })), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([text, edits]) =>
    edits.reduce((t, [at, length, fragment, kind]) => {
      const i = t.length === 0 ? 0 : at % t.length;
      if (kind === 0) return t.slice(0, i) + t.slice(i + length);
      if (kind === 1) return t.slice(0, i) + fragment + t.slice(i);
      return t.slice(0, i) + t.slice(i, i + length) + t.slice(i);
    }, text),
  );

const OPENERS: readonly (readonly [string, string])[] = [
  ['(', ')'],
  ['[', ']'],
  ['{a: ', '}'],
  ['f(', ')'],
  ['"${', '}"'],
  ['not -(', ')'],
  ['x.y[', ']'],
];
const nested = fc
  .tuple(fc.array(fc.nat({ max: OPENERS.length - 1 }), { minLength: 1, maxLength: 300 }), fc.boolean())
  .map(([kinds, closed]) => {
    const open = kinds.map((k) => OPENERS[k][0]).join('');
    const close = closed
      ? [...kinds]
          .reverse()
          .map((k) => OPENERS[k][1])
          .join('')
      : '';
    return { text: `${open}1${close}`, depth: kinds.filter((k) => OPENERS[k][1] !== '').length, closed };
  });

describe('parseDsl never throws', () => {
  it('on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), checkDsl), { numRuns: 150 });
  });

  it('on DSL-like token soup', () => {
    fc.assert(fc.property(soup, checkDsl), { numRuns: 300 });
  });

  it('on mutations of valid files', () => {
    fc.assert(fc.property(mutated, checkDsl), { numRuns: 200 });
  });

  it('on deeply nested blocks', () => {
    fc.assert(
      fc.property(fc.nat({ max: 400 }), fc.boolean(), (depth, closed) => {
        const body = 'if a\n'.repeat(depth) + 'log 1\n' + (closed ? 'end\n'.repeat(depth) : '');
        const text = `rule r\n  on e\ndo\n${body}end\n`;
        checkDsl(text);
        const codes = parseDsl('x.rule', text).diagnostics.map((d) => d.code);
        expect(codes.includes('nesting-too-deep')).toBe(depth > 64);
        if (closed && depth <= 64) expect(codes).toEqual([]);
      }),
      { numRuns: 40 },
    );
  });

  it('on 1 MB inputs', () => {
    const big = 'x中"\\${}'.repeat(150_000);
    for (const text of [
      `rule r on e do log "${'长'.repeat(1_000_000)}" end`,
      `rule r on e do log "${'a'.repeat(1_000_000)}`,
      big,
      '('.repeat(1_000_000),
      `rule r on e do ${'if a\n'.repeat(200_000)}`,
      '"${'.repeat(300_000),
    ]) {
      checkDsl(text);
    }
    expect(parseDsl('x.rule', `rule r on e do log "${'长'.repeat(1_000_000)}" end`).diagnostics).toEqual([]);
  }, 60_000);
});

describe('parseExpression and parseTemplate never throw', () => {
  it('on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), checkExpression), { numRuns: 150 });
  });

  it('on token soup', () => {
    fc.assert(fc.property(soup, checkExpression), { numRuns: 200 });
  });

  it('on deep nesting, reporting nesting-too-deep past the limit', () => {
    fc.assert(
      fc.property(nested, ({ text, depth, closed }) => {
        checkExpression(text);
        const codes = parseExpression(text, 'x.yaml', textLocator(text)).diagnostics.map((d) => d.code);
        if (depth > 64) expect(codes).toContain('nesting-too-deep');
        if (closed && depth <= 64) expect(codes).toEqual([]);
      }),
      { numRuns: 100 },
    );
  });

  it('on 1 MB inputs', () => {
    for (const text of [
      'a'.repeat(1_000_000),
      `"${'中'.repeat(1_000_000)}"`,
      '${'.repeat(500_000),
      '[1,'.repeat(250_000),
    ]) {
      checkExpression(text);
    }
  }, 60_000);
});
