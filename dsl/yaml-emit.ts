/**
 * A small block-style YAML writer for the YAML printer: mappings and lists in block style, empty
 * ones as `{}` / `[]`, scalars on one line, plain when that reads back exactly, else double-quoted.
 *
 * Whether a plain scalar is safe is decided by asking the `yaml` package to read it back, not by
 * re-implementing YAML's plain-scalar rules: that way a printed file always means what the AST says.
 */
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';

/** What the printer builds: a tree of already-rendered scalars. */
export type YNode =
  | { readonly t: 'scalar'; readonly text: string }
  | { readonly t: 'map'; readonly entries: readonly (readonly [string, YNode])[] }
  | { readonly t: 'seq'; readonly items: readonly YNode[] };

const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Renders one YAML document whose root is a mapping or list. */
export function emitDocument(root: YNode): string {
  if (root.t === 'scalar') return `${root.text}\n`;
  if (isEmpty(root)) return `${root.t === 'map' ? '{}' : '[]'}\n`;
  return `${block(root, 0).join('\n')}\n`;
}

function isEmpty(node: YNode): boolean {
  return (node.t === 'map' && node.entries.length === 0) || (node.t === 'seq' && node.items.length === 0);
}

function inline(node: YNode): string | undefined {
  if (node.t === 'scalar') return node.text;
  if (isEmpty(node)) return node.t === 'map' ? '{}' : '[]';
  return undefined;
}

/** Lines of a non-empty collection, each indented by `indent` spaces. */
function block(node: YNode, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  if (node.t === 'map') {
    for (const [key, value] of node.entries) {
      const k = SIMPLE_KEY.test(key) ? key : doubleQuoted(key);
      const one = inline(value);
      if (one !== undefined) out.push(`${pad}${k}: ${one}`);
      else out.push(`${pad}${k}:`, ...block(value, indent + 2));
    }
  } else if (node.t === 'seq') {
    for (const item of node.items) {
      const one = inline(item);
      if (one !== undefined) {
        out.push(`${pad}- ${one}`);
        continue;
      }
      // The item's first line moves up next to the dash: `- key: value` / `- - step`.
      const lines = block(item, indent + 2);
      lines[0] = `${pad}- ${lines[0].slice(indent + 2)}`;
      out.push(...lines);
    }
  }
  return out;
}

/** A scalar whose value must read back as exactly `text` (a string). */
export function stringScalar(text: string): YNode {
  return { t: 'scalar', text: plainReadsBack(text, (v) => v === text) ? text : doubleQuoted(text) };
}

/**
 * A scalar read back by its *source text* (expression positions, numbers): plain whenever the
 * source reads back unchanged, whatever type YAML gives it (`42`, `true`, `a < b`), else quoted.
 */
export function sourceScalar(text: string): YNode {
  return { t: 'scalar', text: plainReadsBack(text, () => true) ? text : doubleQuoted(text) };
}

/** A plain scalar that YAML must read as a number with exactly this spelling, if it does. */
export function numberScalar(raw: string): YNode | undefined {
  return plainReadsBack(raw, (v) => typeof v === 'number') ? { t: 'scalar', text: raw } : undefined;
}

/** A scalar written as is (`true`, `null`, numbers the printer made). */
export function rawScalar(text: string): YNode {
  return { t: 'scalar', text };
}

/** Always double-quoted, for values conventionally quoted (cron expressions). */
export function quotedScalar(text: string): YNode {
  return { t: 'scalar', text: doubleQuoted(text) };
}

const cache = new Map<string, { value: unknown } | null>();
const CACHE_LIMIT = 10_000;

/**
 * True when `text` written plain after `key: ` and after `- ` reads back as one plain scalar
 * whose source is `text` and whose value satisfies `accept`.
 */
function plainReadsBack(text: string, accept: (value: unknown) => boolean): boolean {
  if (text === '' || /[\n\r]/.test(text) || text !== text.trim()) return false;
  let found = cache.get(text);
  if (found === undefined) {
    found = readPlain(text);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(text, found);
  }
  return found !== null && accept(found.value);
}

function readPlain(text: string): { value: unknown } | null {
  let value: unknown = null;
  for (const [prefix, inSeq] of [
    ['k: ', false],
    ['- ', true],
  ] as const) {
    const doc = parseDocument(prefix + text, { prettyErrors: false });
    if (doc.errors.length > 0 || doc.warnings.length > 0) return null;
    const root = doc.contents;
    let node: unknown;
    if (inSeq) {
      if (!isSeq(root) || root.items.length !== 1) return null;
      node = root.items[0];
    } else {
      if (!isMap(root) || root.items.length !== 1) return null;
      node = root.items[0].value;
    }
    if (!isScalar(node) || node.type !== 'PLAIN' || node.tag || node.anchor || node.comment || !node.range)
      return null;
    if (prefix.length + text.length !== node.range[1] || node.range[0] !== prefix.length) return null;
    value = node.value;
  }
  return { value };
}

/** `text` as a double-quoted YAML scalar, escaping everything YAML does not print as is. */
export function doubleQuoted(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ch = text[i];
    if (ch === '\\') out += '\\\\';
    else if (ch === '"') out += '\\"';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && isLow(text.charCodeAt(i + 1))) {
      out += ch + text[i + 1];
      i++;
    } else if (printable(c)) out += ch;
    else out += `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** YAML's printable set for a single UTF-16 unit (surrogate pairs are handled by the caller). */
function printable(c: number): boolean {
  return (
    (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff)
  );
}
