/**
 * A small block-style YAML writer for the YAML printer: mappings and lists in block style, empty
 * ones as `{}` / `[]`, scalars on one line, plain when that reads back exactly, else double-quoted.
 *
 * Whether a plain scalar is safe is decided by asking the `yaml` package to read it back, not by
 * re-implementing YAML's plain-scalar rules: that way a printed file always means what the AST says.
 *
 * Comments are notes on nodes ({@link Notes}), written where `yaml/yaml-comments.ts` reads them
 * back from: before an entry or item at its indentation, after its first line, or after the last
 * line of a collection at the indentation of its items (further in than the entry holding it).
 */
import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { commentSource } from '../ast/attach-comments';

/** Comments around a node, by where the emitter writes them. */
export interface Notes {
  /** Comment lines before the entry or list item holding the node, at its indentation. */
  readonly before?: readonly string[];
  /** A comment at the end of the first line of the entry or list item holding the node. */
  readonly trailing?: string;
  /**
   * Comment lines after the node: at the indentation of its items, or, for a scalar or an empty
   * collection, two spaces further in than the entry or item holding it. Not for a document's root.
   */
  readonly after?: readonly string[];
}

/** What the printer builds: a tree of already-rendered scalars, with comments. */
export type YNode = (
  | { readonly t: 'scalar'; readonly text: string }
  | { readonly t: 'map'; readonly entries: readonly (readonly [string, YNode])[] }
  | { readonly t: 'seq'; readonly items: readonly YNode[] }
) &
  Notes;

/** `node` with more comments: `before` and `after` lines are added, `trailing` set if absent. */
export function withNotes(node: YNode, notes: Notes): YNode {
  const before = [...(node.before ?? []), ...(notes.before ?? [])];
  const after = [...(node.after ?? []), ...(notes.after ?? [])];
  const trailing = node.trailing ?? notes.trailing;
  return {
    ...node,
    ...(before.length > 0 && { before }),
    ...(after.length > 0 && { after }),
    ...(trailing !== undefined && { trailing }),
  };
}

/** Comment lines at `indent` spaces. */
export function commentBlock(comments: readonly string[] | undefined, indent = 0): string[] {
  const pad = ' '.repeat(indent);
  return (comments ?? []).map((c) => pad + commentSource(c));
}

function trailed(line: string, comment: string | undefined): string {
  return comment === undefined ? line : `${line}  ${commentSource(comment)}`;
}

const isComment = (line: string): boolean => line.trimStart().startsWith('#');

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

/** Lines of a non-empty collection, each indented by `indent` spaces, then its `after` comments. */
function block(node: YNode, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const out: string[] = [];
  if (node.t === 'map') {
    for (const [key, value] of node.entries) {
      const k = SIMPLE_KEY.test(key) ? key : doubleQuoted(key);
      out.push(...commentBlock(value.before, indent));
      const one = inline(value);
      if (one !== undefined) {
        out.push(trailed(`${pad}${k}: ${one}`, value.trailing), ...commentBlock(value.after, indent + 2));
      } else {
        out.push(trailed(`${pad}${k}:`, value.trailing), ...block(value, indent + 2));
      }
    }
  } else if (node.t === 'seq') {
    for (const item of node.items) out.push(...seqItem(item, indent));
  }
  out.push(...commentBlock(node.after, indent));
  return out;
}

function seqItem(item: YNode, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const out = commentBlock(item.before, indent);
  const one = inline(item);
  if (one !== undefined) {
    out.push(trailed(`${pad}- ${one}`, item.trailing), ...commentBlock(item.after, indent + 2));
    return out;
  }
  const lines = block(item, indent + 2);
  if (isComment(lines[0])) {
    // Comments before the item's first entry stay inside the item: the dash gets a line of its own.
    out.push(trailed(`${pad}-`, item.trailing), ...lines);
    return out;
  }
  // The item's first line moves up next to the dash: `- key: value` / `- - step`.
  const first = `${pad}- ${lines[0].slice(indent + 2)}`;
  const firstTrailing = item.t === 'map' ? item.entries[0]?.[1].trailing : item.t === 'seq' ? item.items[0]?.trailing : undefined; // prettier-ignore
  if (item.trailing !== undefined && firstTrailing !== undefined) {
    // Both the item and its first entry want the end of the same line: the item's comment goes first.
    out.push(...commentBlock([item.trailing], indent), first);
  } else {
    out.push(trailed(first, item.trailing));
  }
  out.push(...lines.slice(1));
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
