import fc from 'fast-check';
import { parseDsl, textLocator } from '../text/parse-dsl';
import { parseExpression } from '../text/parse-expression';
import { printDsl, printExpr } from './print-dsl';
import { escapeText } from './print-expr';
import { stripSpans } from '../ast/strip-spans';
import { expr, sourceFile } from '../testing/dsl-arbitraries';

describe('printDsl ∘ parseDsl', () => {
  it('gives back the same AST, and printing is idempotent', () => {
    fc.assert(
      fc.property(sourceFile, (file) => {
        const text = printDsl(file);
        const parsed = parseDsl('gen.rule', text);
        expect(parsed.diagnostics).toEqual([]);
        expect(stripSpans(parsed.file)).toEqual(stripSpans(file));
        expect(printDsl(parsed.file)).toBe(text);
      }),
      { numRuns: 200 },
    );
  });
});

describe('printExpr ∘ parseExpression', () => {
  it('gives back the same expression', () => {
    fc.assert(
      fc.property(expr, (e) => {
        const text = printExpr(e);
        const parsed = parseExpression(text, 'gen.yaml', textLocator(text));
        expect(parsed.diagnostics).toEqual([]);
        expect(stripSpans(parsed.expr)).toEqual(stripSpans(e));
      }),
      { numRuns: 300 },
    );
  });

  it('decodes any text that escapeText encoded', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (s) => {
        const literal = `"${escapeText(s)}"`;
        const d = parseExpression(literal, 'gen.yaml', textLocator(literal));
        expect(d.diagnostics).toEqual([]);
        expect(stripSpans(d.expr)).toEqual({ kind: 'string', parts: s ? [{ kind: 'text', text: s }] : [] });
      }),
      { numRuns: 200 },
    );
  });
});
