/**
 * Placing comments on the AST by position, shared by both front ends.
 *
 * A front end describes where its nodes are in the source as a *layout*: a tree of blocks (a file,
 * a rule's clauses and body, the statements of an `if` ...) holding items (declarations, clauses,
 * statements, event fields, and the words that open blocks: `do`, `else`, `branch` ...). Each item
 * says where its comments go ({@link LineSink}, {@link TrailSink}). `attachComments` then places
 * every comment:
 * - a comment at the end of a line on which an item with a trailing slot starts is that item's
 *   trailing comment (the item starting last on the line wins);
 * - a comment inside an item goes into the innermost block of the item that holds it, or, outside
 *   its blocks (inside a multi-line expression, say), into the item's leading comments;
 * - a comment between items goes before the next item, or to the block's end after the last one.
 *   A block without an end of its own (the statements after `do`) passes such comments on to
 *   whatever follows the item that owns it.
 * Every comment lands somewhere: the file's block always has an end.
 */

/** A comment as a front end finds it. */
export interface SourceComment {
  /** Offset of the `#` in the file (for a comment inside an expression: of that comment's `#`). */
  readonly offset: number;
  /** 1-based line of `offset`. */
  readonly line: number;
  /** The comment's text (see {@link commentText}). */
  readonly text: string;
  /** Whether something other than blanks precedes the comment on its line. */
  readonly trailing: boolean;
}

/** A comment found inside an expression (a `${...}` or a YAML expression), located by line and column. */
export interface LocatedComment {
  readonly line: number;
  readonly column: number;
  readonly text: string;
}

/** Takes one comment line. */
export type LineSink = (text: string) => void;
/** Takes a trailing comment; `false` when the slot is already taken. */
export type TrailSink = (text: string) => boolean;

/** Something comments can attach to, spanning `[start, end)` of the file. */
export interface LayoutItem {
  readonly start: number;
  readonly end: number;
  /** 1-based line of `start`. */
  readonly line: number;
  /** Where comments before (and inside, outside any block) the item go. */
  readonly lead: LineSink;
  /** Where a comment at the end of the item's first line goes, if it can have one. */
  readonly trail?: TrailSink;
  /** Nested blocks, in source order. */
  readonly blocks: readonly LayoutBlock[];
}

/** A sequence of items; comments in `[open, close)` and not inside an item are placed here. */
export interface LayoutBlock {
  readonly open: number;
  readonly close: number;
  readonly items: readonly LayoutItem[];
  /** Where comments after the last item go; absent to pass them on (see the module comment). */
  readonly end?: LineSink;
}

// ---------------------------------------------------------------- comment text

/** Whether a code point can stand in a YAML comment (and is not a line break of either form). */
function printable(cp: number): boolean {
  return (
    cp === 0x09 ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff && cp !== 0x2028 && cp !== 0x2029) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) ||
    cp >= 0x10000
  );
}

/**
 * The canonical text of a comment as found in a source (`#` included): without the `#`, one
 * leading space and trailing whitespace; see {@link cleanComment}.
 */
export function commentText(source: string): string {
  const body = source.startsWith('#') ? source.slice(1) : source;
  return cleanComment(body.startsWith(' ') ? body.slice(1) : body);
}

/**
 * Comment text that both forms can print and read back unchanged: no trailing whitespace, and no
 * character that cannot stand in a YAML comment (such characters become U+FFFD).
 */
export function cleanComment(text: string): string {
  let out = '';
  // By code point: a lone surrogate is one unprintable unit, a pair one printable character. The
  // end is trimmed first, so a `\r` before a line break is dropped, not replaced.
  for (const ch of text.trimEnd()) out += printable(ch.codePointAt(0) ?? 0) ? ch : '\ufffd';
  return out;
}

/** A comment line as both printers write it: `# text`, or `#` for an empty comment. */
export function commentSource(text: string): string {
  const clean = cleanComment(text);
  return clean === '' ? '#' : `# ${clean}`;
}

// ---------------------------------------------------------------- positions

/** Lines of a text: offsets ⇄ 1-based lines and columns (lines end at `\n`). */
export class LineTable {
  private readonly starts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** The 1-based line holding `offset`. */
  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** The offset where 1-based `line` starts (the text's length past the last line). */
  lineStart(line: number): number {
    return line - 1 < this.starts.length ? this.starts[Math.max(0, line - 1)] : this.text.length;
  }

  /** The offset of a 1-based line and column. */
  offsetAt(line: number, column: number): number {
    return Math.min(this.text.length, this.lineStart(line) + column - 1);
  }

  /** The 0-based column of `offset`. */
  columnOf(offset: number): number {
    return offset - this.lineStart(this.lineOf(offset));
  }

  /** A comment whose `#` is at `offset`, with its source text (`#` included). */
  comment(offset: number, source: string): SourceComment {
    const line = this.lineOf(offset);
    const before = this.text.slice(this.lineStart(line), offset);
    return { offset, line, text: commentText(source), trailing: /\S/.test(before) };
  }

  /** A comment found inside an expression: it never trails a line, it moves before its node. */
  located(c: LocatedComment): SourceComment {
    return { offset: this.offsetAt(c.line, c.column), line: c.line, text: c.text, trailing: false };
  }
}

// ---------------------------------------------------------------- sinks

type CommentLists =
  | 'comments'
  | 'endComments'
  | 'elseComments'
  | 'onTimeoutComments'
  | 'doComments'
  | 'compensateComments'
  | 'trailingComments';

type Bag = Record<string, unknown>;

/**
 * A sink appending to the comment list `key` of an AST node. The front ends build their nodes
 * before comments are placed, so the (freshly built, not yet shared) nodes are completed in place.
 */
export function linesOf(node: object, key: CommentLists): LineSink {
  return (text) => {
    const bag = node as Bag;
    const list = bag[key];
    if (Array.isArray(list)) list.push(text);
    else bag[key] = [text];
  };
}

/** A sink setting the `trailingComment` of an AST node, once. */
export function trailOf(node: object): TrailSink {
  return (text) => {
    const bag = node as Bag;
    if (bag.trailingComment !== undefined) return false;
    bag.trailingComment = text;
    return true;
  };
}

/** A sink for the comments before branch `index` of a `parallel` with `count` branches. */
export function branchLinesOf(node: object, index: number, count: number): LineSink {
  return (text) => {
    const bag = node as Bag;
    let lists = bag.branchComments as string[][] | undefined;
    if (lists === undefined) {
      lists = Array.from({ length: count }, (): string[] => []);
      bag.branchComments = lists;
    }
    lists[index].push(text);
  };
}

// ---------------------------------------------------------------- building layouts

/** A block whose items are sorted and cut so that none overlaps the next or passes `close`. */
export function block(open: number, close: number, items: LayoutItem[], end?: LineSink): LayoutBlock {
  const sorted = [...items].sort((a, b) => a.start - b.start);
  const cut = sorted.map((item, i) => {
    const limit = Math.min(close, sorted[i + 1]?.start ?? Infinity);
    return item.end > limit ? { ...item, end: Math.max(item.start, limit) } : item;
  });
  return { open, close, items: cut, ...(end && { end }) };
}

// ---------------------------------------------------------------- placing comments

/** Places `comments` (in any order) in the layout under `root`, whose block must have an end. */
export function attachComments(
  root: LayoutBlock,
  comments: readonly SourceComment[],
  lines: LineTable,
): void {
  const byLine = new Map<number, LayoutItem[]>();
  const index = (b: LayoutBlock): void => {
    for (const item of b.items) {
      if (item.trail) {
        const list = byLine.get(item.line);
        if (list) list.push(item);
        else byLine.set(item.line, [item]);
      }
      item.blocks.forEach(index);
    }
  };
  index(root);
  const sorted = [...comments].sort((a, b) => a.offset - b.offset);
  for (const c of sorted) {
    if (c.trailing && trailOnLine(byLine.get(c.line), c)) continue;
    if (!route(root, c, lines)) root.end?.(c.text);
  }
}

function trailOnLine(candidates: readonly LayoutItem[] | undefined, c: SourceComment): boolean {
  let best: LayoutItem | undefined;
  for (const item of candidates ?? []) {
    if (item.start < c.offset && (best === undefined || item.start > best.start)) best = item;
  }
  return best?.trail?.(c.text) ?? false;
}

/** The index of the last item starting at or before `offset` (-1 if none). */
function lastStarting(items: readonly LayoutItem[], offset: number): number {
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].start <= offset) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

/** Places `c`, which lies in `b`; `false` when it falls after the last item of an end-less block. */
function route(b: LayoutBlock, c: SourceComment, lines: LineTable): boolean {
  const k = lastStarting(b.items, c.offset);
  const at = b.items[k];
  if (at !== undefined && c.offset < at.end) {
    return inside(at, c, lines) || before(b, k + 1, c);
  }
  // The end of a line that closes a multi-line item (`  quantity: 3)  # why`): keep it with the item.
  if (
    c.trailing &&
    at?.trail !== undefined &&
    at.blocks.length === 0 &&
    lines.lineOf(Math.max(at.start, at.end - 1)) === c.line
  ) {
    at.lead(c.text);
    return true;
  }
  return before(b, k + 1, c);
}

function inside(item: LayoutItem, c: SourceComment, lines: LineTable): boolean {
  for (const b of item.blocks) {
    if (b.open <= c.offset && c.offset < b.close) return route(b, c, lines);
  }
  item.lead(c.text);
  return true;
}

/** Puts `c` before item `next` of `b`, else at the end of `b`; `false` if `b` has no end. */
function before(b: LayoutBlock, next: number, c: SourceComment): boolean {
  const item = b.items[next];
  if (item !== undefined) {
    item.lead(c.text);
    return true;
  }
  if (b.end === undefined) return false;
  b.end(c.text);
  return true;
}
