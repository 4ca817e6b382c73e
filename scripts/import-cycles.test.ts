import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { findCycles } from './import-cycles';

const run = promisify(execFile);

/** A throwaway project with the given files. */
function project(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'opsflow-cycles-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('the import-cycle check', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));
  const make = (files: Record<string, string>): string => {
    const root = project(files);
    roots.push(root);
    return root;
  };

  it('finds a cycle through type-only imports, folder faces and re-exports', () => {
    const root = make({
      'a/index.ts': "export { b } from './b';\n",
      'a/b.ts': "import type { C } from '../c';\nexport const b = 1 as C;\n",
      'c.ts': "import { b } from './a';\nexport type C = typeof b;\n",
      'd.ts': "import { b } from './a';\nexport const d = b;\n",
    });
    const cycles = findCycles(root);
    expect(cycles).toHaveLength(1);
    expect(cycles[0].files).toEqual(['a/b.ts', 'a/index.ts', 'c.ts']);
    expect(cycles[0].loop[0]).toBe(cycles[0].loop[cycles[0].loop.length - 1]);
    expect(cycles[0].loop).toHaveLength(4);
  });

  it('accepts a graph without cycles, and skips node_modules and dist', () => {
    const root = make({
      'a.ts': "import { b } from './b';\nexport const a = b;\n",
      'b.ts': 'export const b = 1;\n',
      'node_modules/x/a.ts': "import './b';\n",
      'node_modules/x/b.ts': "import './a';\n",
      'dist/a.ts': "import './b';\n",
      'dist/b.ts': "import './a';\n",
    });
    expect(findCycles(root)).toEqual([]);
  });

  it('exits non-zero and names the loop when run as the lint step', async () => {
    const root = make({ 'x.ts': "import './y';\n", 'y.ts': "import './x';\n" });
    const script = join(__dirname, 'import-cycles.ts');
    const failed = await run(process.execPath, ['-r', '@swc-node/register', script, root]).then(
      () => undefined,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toContain('x.ts → y.ts → x.ts');
  });

  it('finds none in this project', () => {
    expect(findCycles(join(__dirname, '..'))).toEqual([]);
  });
});
