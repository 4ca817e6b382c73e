/**
 * The import boundaries of DESIGN.md, as `npm run lint` enforces them: ESLint with the project's
 * own configuration, on small files placed where the rule applies.
 */
import { join } from 'node:path';
import { ESLint } from 'eslint';

const root = join(__dirname, '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the config is CommonJS
const config = require('../eslint.config.js') as ESLint.Options['overrideConfig'];
const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config });

/** The `no-restricted-imports` messages for `code` as if it were the file at `path`. */
async function restricted(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const use = (spec: string, name = 'x'): string =>
  `import { ${name} } from '${spec}';\nexport const y = ${name};\n`;

describe('import boundaries', () => {
  it.each([
    ['engine/some-file.ts', '../dsl'],
    ['engine/router/some-file.ts', '../../dsl/runtime'],
    ['api/some-file.ts', '../dsl'],
    ['activities/some-file.ts', '../dsl/runtime'],
    ['workflows/some-file.ts', '../dsl/runtime'],
    ['workflows/some-file.test.ts', '../dsl'],
    ['workflows/testing/some-file.ts', '../../dsl'],
    ['dsl/check/some-file.ts', '../text/parse-dsl'],
    ['dsl/runtime/some-file.ts', '../core/span'],
    ['dsl/runtime/fast/some-file.ts', '../evaluator'],
    ['api/runs/some-file.ts', '../../engine/router'],
    ['api/test/some-file.ts', '../../engine/registry/registry'],
    ['lsp/some-file.ts', '../dsl'],
    ['engine/commands/some-file.ts', '../../lsp'],
    ['bench/some-file.ts', '../lsp/testing/lsp-client'],
  ])('%s may import %s', async (path, spec) => {
    expect(await restricted(path, use(spec))).toEqual([]);
  });

  it.each([
    ['engine/some-file.ts', '../dsl/text/parse-dsl', 'faces'],
    ['engine/some-file.ts', '../dsl/index', 'faces'],
    ['engine/some-file.ts', '../dsl/runtime/evaluator', 'faces'],
    ['engine/registry/some-file.ts', '../../dsl/runtime/fast', 'faces'],
    ['bench/some-file.ts', '../dsl/check', 'faces'],
    ['workflows/some-file.test.ts', '../dsl/ast/ast', 'faces'],
    ['workflows/some-file.ts', '../dsl', 'not the dsl face'],
    ['workflows/some-file.ts', '../dsl/runtime/fast', 'new Function'],
    ['workflows/some-file.ts', 'node:fs', 'no Node APIs'],
    ['workflows/testing/some-file.ts', '../../dsl/check/compile', 'faces'],
    ['dsl/runtime/some-file.ts', '../text/parse-dsl', 'only dsl/core'],
    ['dsl/runtime/some-file.ts', './fast', 'fast tier'],
    ['dsl/runtime/some-file.ts', 'node:crypto', 'no Node APIs'],
    ['dsl/runtime/fast/some-file.ts', '../../check', 'only dsl/runtime and dsl/core'],
    ['dsl/core/some-file.ts', '../runtime/ir', 'no other stage'],
    ['api/runs/some-file.ts', '../../engine/router/manual', 'through engine/router'],
    ['api/test/some-file.ts', '../../engine/router/testing/engine-harness', 'through engine/router'],
    ['api/some-file.ts', '../dsl/core', 'faces'],
    ['lsp/some-file.ts', '../dsl/runtime', 'the `dsl` face'],
    ['lsp/some-file.ts', '../engine/paths', 'only the `dsl` face'],
    ['engine/commands/some-file.ts', '../../lsp/server', 'through its face'],
  ])('%s may not import %s', async (path, spec, why) => {
    const messages = await restricted(path, use(spec));
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain(why);
  });

  it('applies to re-exports and type-only imports too', async () => {
    expect(await restricted('api/some-file.ts', "export { parseDsl } from '../dsl/text';\n")).toHaveLength(1);
    expect(
      await restricted(
        'engine/some-file.ts',
        "import type { Span } from '../dsl/core/span';\nexport type S = Span;\n",
      ),
    ).toHaveLength(1);
  });
});
