/**
 * Files and folders: which files belong to a rule set, where a rule set's folder is, and the
 * conversion between the editor's URIs and paths. A rule set is named by its folder; its files
 * are named relative to it with `/`, as `opsflow check` names them in diagnostics.
 */
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The files the language server reads: rules in both forms, connectors, sources, tests. */
const RULE_SET_FILE = /(\.rule|\.rule\.ya?ml|\.connector\.ya?ml|\.source\.ya?ml|\.test\.ya?ml)$/;
const SKIPPED = new Set(['node_modules', 'dist', 'data', 'coverage']);
/** A rule file larger than this is a mistake; it is not read from disk. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** A folder tree with more rule set files than this is not walked further. */
const MAX_FILES = 5000;

export function isRuleSetFile(path: string): boolean {
  return RULE_SET_FILE.test(path);
}

export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return resolve(fileURLToPath(uri));
  } catch {
    return undefined;
  }
}

export function pathToUri(path: string): string {
  return pathToFileURL(path).href;
}

/** `a/b.rule` relative to `root`, with `/` on every platform. */
export function relativeName(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

export function isInside(root: string, path: string): boolean {
  const r = relative(root, path);
  return r !== '' && !r.startsWith('..') && !r.startsWith(sep) && !/^[a-zA-Z]:/.test(r);
}

function hasRuleSetFiles(dir: string): boolean {
  try {
    return readdirSync(dir).some((name) => isRuleSetFile(name));
  } catch {
    return false;
  }
}

/**
 * The folder of the rule set a file belongs to: its own folder, widened to each parent folder
 * that holds rule set files itself (so `rules/inventory/a.rule` belongs to `rules/`), never above
 * the workspace folder (and not at all for a file outside every workspace folder). `configured` folders (the client's `rulesPath`) win when they hold the file.
 */
export function ruleSetRoot(
  file: string,
  workspace: readonly string[],
  configured: readonly string[],
): string {
  for (const folder of configured) if (isInside(folder, file)) return folder;
  let dir = dirname(file);
  const limit = workspace.find((w) => w === dir || isInside(w, dir));
  // Outside every workspace folder a file is a rule set with its own folder: climbing from /tmp
  // would take in whatever else lies there.
  if (limit === undefined) return dir;
  for (let i = 0; i < 32; i++) {
    const parent = dirname(dir);
    if (parent === dir) break;
    if (parent !== limit && !isInside(limit, parent)) break;
    if (!hasRuleSetFiles(parent)) break;
    dir = parent;
  }
  return dir;
}

/** The rule set files under a folder, by name relative to it, with their content. */
export function readRuleSetFolder(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string, depth: number): void => {
    if (depth > 16 || out.size >= MAX_FILES) return;
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const name of names) {
      if (out.size >= MAX_FILES) return;
      if (name.startsWith('.') || SKIPPED.has(name)) continue;
      const path = join(dir, name);
      let stat;
      try {
        stat = statSync(path);
      } catch {
        continue;
      }
      if (stat.isDirectory()) walk(path, depth + 1);
      else if (stat.isFile() && isRuleSetFile(name) && stat.size <= MAX_FILE_BYTES) {
        const content = readText(path);
        if (content !== undefined) out.set(relativeName(root, path), content);
      }
    }
  };
  walk(root, 0);
  return out;
}

export function readText(path: string): string | undefined {
  try {
    if (!existsSync(path) || statSync(path).size > MAX_FILE_BYTES) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
