/**
 * Round trips of generated v2 rules: DSL and YAML printing read back to the same AST (so the same
 * IR), and `fmt` is idempotent in both forms.
 */
import fc from 'fast-check';
import { stripSpans } from '../ast/strip-spans';
import { parseDsl } from '../text/parse-dsl';
import { parseYaml } from '../yaml/parse-yaml';
import { printDsl } from './print-dsl';
import { printYaml } from './print-yaml';
import { v2FileArb } from '../testing/v2-arbitraries';

describe('v2 rules', () => {
  it('survive printDsl and parseDsl', () => {
    fc.assert(
      fc.property(v2FileArb, (file) => {
        const text = printDsl(file);
        const parsed = parseDsl('gen.rule', text);
        expect(parsed.diagnostics).toEqual([]);
        expect(stripSpans(parsed.file.decls)).toEqual(stripSpans(file.decls));
        expect(printDsl(parsed.file)).toBe(text);
      }),
      { numRuns: 150 },
    );
  });

  it('survive printYaml and parseYaml, and translate back to the same DSL', () => {
    fc.assert(
      fc.property(v2FileArb, (file) => {
        const text = printYaml(file);
        const parsed = parseYaml('gen.rule.yaml', text);
        expect(parsed.diagnostics).toEqual([]);
        expect(stripSpans(parsed.file.decls)).toEqual(stripSpans(file.decls));
        expect(printYaml(parsed.file)).toBe(text);
        expect(printDsl(parsed.file)).toBe(printDsl(file));
      }),
      { numRuns: 150 },
    );
  });
});
