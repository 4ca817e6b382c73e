import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { Codes, type Diagnostic, error, fileSpan } from '../dsl';

/** A file of a rule set, named relative to where it was loaded from (never an absolute path). */
export interface RuleSetFile {
  readonly path: string;
  readonly content: string;
}

export interface ReadRuleSetResult {
  readonly files: RuleSetFile[];
  /** Paths that do not exist, unreadable or oversized files: each a located diagnostic. */
  readonly diagnostics: Diagnostic[];
  /** Files in a rule folder that are not rule set files (shown with `--verbose`). */
  readonly ignored: string[];
}

/** Files larger than this are refused: a rule file this big is a mistake, not a rule set. */
export const MAX_RULE_FILE_BYTES = 4 * 1024 * 1024;

const RULE_SET_FILE = /(\.rule|\.rule\.ya?ml|\.connector\.ya?ml|\.test\.ya?ml)$/;
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist', 'data', 'coverage']);

/** Whether a file name is one opsflow loads from a rule folder. */
export function isRuleSetFile(name: string): boolean {
  return RULE_SET_FILE.test(name);
}

/**
 * Reads the rule set files under `paths` (folders are walked, skipping hidden folders and
 * `node_modules`; a file named explicitly is read whatever its name). Names are relative to
 * `base`, with `/` separators, so they are the same on every machine.
 */
export function readRuleSet(paths: readonly string[], base: string): ReadRuleSetResult {
  const files: RuleSetFile[] = [];
  const diagnostics: Diagnostic[] = [];
  const ignored: string[] = [];
  const seen = new Set<string>();

  const add = (absolute: string): void => {
    const name = displayName(absolute, base);
    if (seen.has(name)) return;
    seen.add(name);
    try {
      const size = statSync(absolute).size;
      if (size > MAX_RULE_FILE_BYTES) {
        diagnostics.push(
          error(
            Codes.fileTooLarge,
            `file is ${size} bytes; rule set files are limited to ${MAX_RULE_FILE_BYTES}`,
            fileSpan(name),
          ),
        );
        return;
      }
      files.push({ path: name, content: readFileSync(absolute, 'utf8') });
    } catch (err) {
      diagnostics.push(error(Codes.fileUnreadable, `cannot read this file: ${reason(err)}`, fileSpan(name)));
    }
  };

  const walk = (folder: string): void => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch (err) {
      diagnostics.push(
        error(
          Codes.fileUnreadable,
          `cannot read this folder: ${reason(err)}`,
          fileSpan(displayName(folder, base)),
        ),
      );
      return;
    }
    for (const entry of entries) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith('.') && !SKIPPED_FOLDERS.has(entry.name)) walk(full);
      } else if (isRuleSetFile(entry.name)) {
        add(full);
      } else {
        ignored.push(displayName(full, base));
      }
    }
  };

  for (const path of paths) {
    const absolute = resolve(base, path);
    let isFolder: boolean;
    try {
      isFolder = statSync(absolute).isDirectory();
    } catch {
      diagnostics.push(error(Codes.fileNotFound, `no such file or folder: ${path}`, fileSpan(path)));
      continue;
    }
    if (isFolder) walk(absolute);
    else add(absolute);
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, diagnostics, ignored };
}

function displayName(absolute: string, base: string): string {
  const rel = relative(base, absolute);
  const name = rel === '' ? '.' : rel.startsWith('..') || isAbsolute(rel) ? absolute : rel;
  return name.split(sep).join('/');
}

function reason(err: unknown): string {
  if (err && typeof err === 'object' && 'code' in err && typeof err.code === 'string') {
    return (
      { EACCES: 'permission denied', EISDIR: 'it is a folder', ENOENT: 'it does not exist' }[err.code] ??
      err.code
    );
  }
  return err instanceof Error ? err.message : String(err);
}
