/**
 * The import-cycle check of `npm run lint`: reads every TypeScript file of the project, follows its
 * relative imports (type-only ones too: a cycle of types still ties two modules together) and
 * fails when any group of files imports itself round. Prints one cycle per group, shortest first,
 * so the message shows which edge to cut.
 *
 * Run: `node -r @swc-node/register scripts/import-cycles.ts [ROOT]` (ROOT defaults to the project).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** Folders never read: dependencies, build output, caches, data. */
const SKIPPED = new Set(['node_modules', 'dist', 'data', 'coverage', '.cache', '.git']);
const EXTENSIONS = ['.ts', '.tsx'];

/** Every `.ts` / `.tsx` file under `root`, as absolute paths. */
export function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) {
        if (!SKIPPED.has(entry.name)) walk(join(dir, entry.name));
      } else if (EXTENSIONS.some((e) => entry.name.endsWith(e)) && !entry.name.endsWith('.d.ts')) {
        out.push(join(dir, entry.name));
      }
    }
  };
  walk(root);
  return out.sort();
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** The file a relative specifier names, as TypeScript resolves it (file, then folder index). */
function resolveImport(from: string, spec: string): string | undefined {
  const base = resolve(dirname(from), spec);
  const candidates = [...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => join(base, 'index' + e))];
  return candidates.find(isFile);
}

/** The import graph: each file to the project files it imports (imports, re-exports, `require`). */
export function importGraph(files: readonly string[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = new Set<string>();
    for (const { fileName } of info.importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const target = resolveImport(file, fileName);
      if (target !== undefined && target !== file) targets.add(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected groups of more than one file (Tarjan's algorithm, iterative). */
function cyclicGroups(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const groups: string[][] = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; edges: Iterator<string> }[] = [];
    const open = (node: string): void => {
      index.set(node, next);
      low.set(node, next++);
      stack.push(node);
      onStack.add(node);
      work.push({ node, edges: (graph.get(node) ?? new Set()).values() });
    };
    open(start);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const step = top.edges.next();
      if (!step.done) {
        const w = step.value;
        if (!index.has(w)) open(w);
        else if (onStack.has(w)) low.set(top.node, Math.min(low.get(top.node)!, index.get(w)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const group: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          group.push(w);
        } while (w !== top.node);
        if (group.length > 1) groups.push(group.sort());
      }
    }
  }
  return groups;
}

/** A shortest cycle through `start` inside `group` (breadth-first), closed: first = last. */
function shortestCycle(graph: Map<string, Set<string>>, group: readonly string[], start: string): string[] {
  const members = new Set(group);
  const parent = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const w of graph.get(at) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [at];
        while (path[0] !== start) path.unshift(parent.get(path[0])!);
        return [...path, start];
      }
      if (!parent.has(w)) {
        parent.set(w, at);
        queue.push(w);
      }
    }
  }
  return [start];
}

/** One import cycle: the files of its group and one concrete loop through them. */
export interface ImportCycle {
  readonly files: readonly string[];
  readonly loop: readonly string[];
}

/** The import cycles among the TypeScript files under `root`, with paths relative to it. */
export function findCycles(root: string): ImportCycle[] {
  const graph = importGraph(sourceFiles(root));
  const rel = (p: string): string => relative(root, p).split(sep).join('/');
  return cyclicGroups(graph).map((group) => {
    const loops = group.map((f) => shortestCycle(graph, group, f));
    const loop = loops.reduce((a, b) => (b.length < a.length ? b : a));
    return { files: group.map(rel), loop: loop.map(rel) };
  });
}

if (require.main === module) {
  const root = resolve(process.argv[2] ?? join(__dirname, '..'));
  const cycles = findCycles(root);
  for (const c of cycles) {
    process.stderr.write(`import cycle among ${c.files.length} files: ${c.loop.join(' → ')}\n`);
    if (c.files.length > c.loop.length - 1) process.stderr.write(`  group: ${c.files.join(', ')}\n`);
  }
  if (cycles.length > 0) {
    process.stderr.write(`${cycles.length} import cycle(s): break each by moving what both sides share\n`);
    process.exitCode = 1;
  }
}
