/**
 * Golden diagnostics: every file in `dsl/golden/` (except `_catalog.rule`) is an invalid input,
 * checked together with the shared catalog; its rendered diagnostics must equal the
 * `<case>.expected` file beside it. Run `UPDATE_GOLDEN=1 npx jest dsl/golden` to rewrite the
 * expectations after a deliberate change, and review the diff.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Codes } from './core/diagnostics';
import { renderDiagnostic } from './core/render';
import { compileRuleSet, fileKind } from './rule-set';

const DIR = join(__dirname, 'golden');
const CATALOG = '_catalog.rule';
const update = process.env.UPDATE_GOLDEN === '1';

const cases = readdirSync(DIR)
  .filter((f) => f !== CATALOG && fileKind(f) !== 'other')
  .sort();
const catalog = { path: CATALOG, content: readFileSync(join(DIR, CATALOG), 'utf8') };

function diagnose(file: string) {
  const content = readFileSync(join(DIR, file), 'utf8');
  const result = compileRuleSet([catalog, { path: file, content }]);
  const own = result.diagnostics.filter((d) => d.span.file === file);
  const rendered = own.map((d) => renderDiagnostic(d, content)).join('\n') + '\n';
  return { result, own, rendered };
}

describe('golden diagnostics', () => {
  it('has at least 40 invalid inputs', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it('the catalog itself is valid', () => {
    expect(compileRuleSet([catalog]).diagnostics).toEqual([]);
  });

  it.each(cases)('%s', (file) => {
    const { own, result } = diagnose(file);
    const { rendered } = diagnose(file);
    const expectedFile = join(DIR, `${file}.expected`);
    if (update || !existsSync(expectedFile)) writeFileSync(expectedFile, rendered);
    expect(rendered).toBe(readFileSync(expectedFile, 'utf8'));
    // Every case reports something in its own file, and nothing outside it.
    expect(own.length).toBeGreaterThan(0);
    expect(result.diagnostics.filter((d) => d.span.file !== file)).toEqual([]);
    if (file.startsWith('warning-')) {
      expect(own.every((d) => d.severity === 'warning')).toBe(true);
    } else {
      expect(own.some((d) => d.severity === 'error')).toBe(true);
    }
    for (const d of own) {
      expect(d.span.line).toBeGreaterThanOrEqual(1);
      expect(d.span.column).toBeGreaterThanOrEqual(1);
    }
  });

  it('covers every checker and syntax diagnostic code that rule files can produce', () => {
    const seen = new Set(cases.flatMap((file) => diagnose(file).own.map((d) => d.code)));
    // Codes that need something other than a rule file to appear (the file system, a connector,
    // a checker bug), or that the checker does not emit (yet), are covered by their own tests.
    const elsewhere = new Set<string>([
      Codes.fileNotFound,
      Codes.fileUnreadable,
      Codes.fileTooLarge,
      Codes.connectorInvalid,
      Codes.testInvalid,
      Codes.disabledRule,
      // Limits far past any rule file worth a golden case: dsl/check/limits.test.ts.
      Codes.expressionTooLarge,
      Codes.ruleTooLarge,
      'internal-error',
    ]);
    const missing = Object.values(Codes).filter((c) => !elsewhere.has(c) && !seen.has(c));
    expect(missing).toEqual([]);
  });
});
