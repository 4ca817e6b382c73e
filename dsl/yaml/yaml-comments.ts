/**
 * Comments of the YAML form, placed on the AST by position (see `ast/attach-comments.ts`).
 *
 * The comments come from the `yaml` package's concrete syntax tree, with their offsets. The nodes'
 * own `commentBefore` / `comment` are not used: `yaml` folds every comment after the end of a
 * nested list into that list's `comment`, whatever its indentation, so a comment closing a `then:`
 * list, one before `else:` and one closing the rule's `do:` would become indistinguishable.
 *
 * YAML has no `end`: a comment after the last entry of a list or mapping belongs to the innermost
 * entry it is indented further than (the extent of an entry runs to the first later line that starts
 * at or left of the entry's key or dash). So `# done` under the steps of `then:` closes that list,
 * and a comment at column 0 after a document's last line belongs to what follows the document.
 */
import { isMap, isNode, isScalar, isSeq, Parser } from 'yaml';
import type { Document, Pair, YAMLMap, YAMLSeq } from 'yaml';
import type { Clause, Decl, RuleDecl, Stmt } from '../ast/ast';
import { attachComments, block, branchLinesOf, LineTable, linesOf, trailOf } from '../ast/attach-comments';
import type {
  LayoutBlock,
  LayoutItem,
  LineSink,
  LocatedComment,
  SourceComment,
} from '../ast/attach-comments';

/** A declaration and the document it was read from. */
export interface YamlDecl {
  readonly doc: Document.Parsed;
  readonly decl: Decl;
}

/**
 * Places the comments of a YAML text on its declarations (in place) and returns the comments left
 * after the last declaration.
 *
 * @param inExpressions comments found inside expression scalars (`when: "a > 3  # why"`)
 */
export function attachYamlComments(
  text: string,
  decls: readonly YamlDecl[],
  inExpressions: readonly LocatedComment[],
): string[] | undefined {
  // A YAML comment starts a line or follows a blank; `channel: "#ops"` alone costs no second parse.
  if (!/(^|[ \t])#/m.test(text) && inExpressions.length === 0) return undefined;
  const lines = new LineTable(text);
  const found = [...sourceComments(text, lines), ...inExpressions.map((c) => lines.located(c))];
  if (found.length === 0) return undefined;
  const trailing: string[] = [];
  const layout = new YamlLayout(lines);
  const items = decls.flatMap(({ doc, decl }) => layout.decl(doc, decl) ?? []);
  attachComments(
    block(0, Infinity, items, (c) => trailing.push(c)),
    found,
    lines,
  );
  return trailing.length > 0 ? trailing : undefined;
}

/** Every comment token of the text, in any order (walked without recursion: input may nest deeply). */
function sourceComments(text: string, lines: LineTable): SourceComment[] {
  const out: SourceComment[] = [];
  const stack: unknown[] = [];
  for (const token of new Parser().parse(text)) stack.push(token);
  while (stack.length > 0) {
    const t = stack.pop();
    if (t === null || typeof t !== 'object') continue;
    if (Array.isArray(t)) {
      for (const x of t) stack.push(x);
      continue;
    }
    const token = t as Record<string, unknown>;
    if (token.type === 'comment' && typeof token.offset === 'number' && typeof token.source === 'string') {
      out.push(lines.comment(token.offset, token.source));
      continue;
    }
    for (const v of Object.values(token)) if (typeof v === 'object') stack.push(v);
  }
  return out;
}

const clauseKey = (c: Clause): string =>
  c.kind === 'every_interval' || c.kind === 'every_cron' ? 'every' : c.kind;

class YamlLayout {
  private readonly text: string;

  constructor(private readonly lines: LineTable) {
    this.text = lines.text;
  }

  decl(doc: Document.Parsed, d: Decl): LayoutItem | undefined {
    const root = doc.contents;
    if (!isMap(root) || !root.range) return undefined;
    const start = root.range[0];
    // Not the map's own range: `yaml` counts the comments after a document as part of its root.
    const ends = root.items.flatMap((pair) => this.pairEnd(pair) ?? []);
    const end = ends.length > 0 ? Math.max(...ends) : root.range[1];
    let content: LayoutBlock | undefined;
    if (d.kind === 'rule') content = block(start, end, this.ruleItems(root, d), linesOf(d, 'endComments'));
    if (d.kind === 'event') {
      const pair = this.pairOf(root, 'fields');
      const fields =
        pair &&
        this.around(pair, linesOf(d, 'comments'), (s, e) => {
          const value = pair.value;
          const items =
            isMap(value) && value.items.length === d.fields.length
              ? value.items.flatMap((p, i) => this.entry(p, d.fields[i]) ?? [])
              : [];
          return [block(s, e, items, linesOf(d, 'endComments'))];
        });
      content = block(start, end, fields ? [fields] : [], linesOf(d, 'endComments'));
    }
    return this.item(d, start, end, content ? [content] : []);
  }

  private ruleItems(root: YAMLMap, d: RuleDecl): LayoutItem[] {
    const items: LayoutItem[] = [];
    for (const pair of root.items) {
      const key = this.keyOf(pair);
      let found: LayoutItem | undefined;
      if (key === 'do') found = this.steps(pair, linesOf(d, 'doComments'), d.body);
      else if (key === 'compensate' && d.compensate) {
        found = this.steps(pair, linesOf(d, 'compensateComments'), d.compensate);
      } else {
        const clause = d.clauses.find((c) => clauseKey(c) === key);
        found = clause && this.entry(pair, clause);
      }
      if (found) items.push(found);
    }
    return items;
  }

  /** A step: the `- ` entry of a list, and its nested blocks. */
  private step(seq: YAMLSeq, index: number, s: Stmt): LayoutItem | undefined {
    const node = seq.items[index];
    const start = this.dashOf(seq, index) ?? (isNode(node) ? node.range?.[0] : undefined);
    if (start === undefined) return undefined;
    const end = this.reach(start);
    const blocks = isMap(node) ? this.stmtBlocks(node, s, start, end) : [];
    return this.item(s, start, end, blocks);
  }

  private stmtBlocks(node: YAMLMap, s: Stmt, start: number, end: number): LayoutBlock[] {
    const content = (items: LayoutItem[]): LayoutBlock[] => [
      block(start, end, items, linesOf(s, 'endComments')),
    ];
    switch (s.kind) {
      case 'if':
        return content(this.chain(node, s, 0));
      case 'wait':
      case 'approve': {
        const pair = this.pairOf(node, 'on_timeout');
        const found = s.onTimeout && pair && this.steps(pair, linesOf(s, 'onTimeoutComments'), s.onTimeout);
        return found ? content([found]) : [];
      }
      case 'parallel': {
        const value = this.pairOf(node, 'parallel')?.value;
        if (!isSeq(value) || value.items.length !== s.branches.length) return [];
        return content(
          s.branches.flatMap((body, k) => {
            const at = value.items[k];
            const from = this.dashOf(value, k) ?? (isNode(at) ? at.range?.[0] : undefined);
            if (from === undefined) return [];
            const to = this.reach(from);
            const lead = branchLinesOf(s, k, s.branches.length);
            return [{ start: from, end: to, line: this.lines.lineOf(from), lead, blocks: [block(from, to, this.stepsOf(at, body))] }]; // prettier-ignore
          }),
        );
      }
      case 'wait_first':
        return content(this.waitFirstItems(node, s));
      case 'for_each': {
        const pair = this.pairOf(node, 'do');
        const found = pair && this.steps(pair, linesOf(s, 'comments'), s.body);
        return found ? content([found]) : [];
      }
      default:
        return [];
    }
  }

  /** The cases of a `wait_first` (each a list item with its `do:`), then `within:` and `on_timeout:`. */
  private waitFirstItems(node: YAMLMap, s: Extract<Stmt, { kind: 'wait_first' }>): LayoutItem[] {
    const items: LayoutItem[] = [];
    const value = this.pairOf(node, 'wait_first')?.value;
    if (isSeq(value) && value.items.length === s.cases.length) {
      s.cases.forEach((c, k) => {
        const at = value.items[k];
        const from = this.dashOf(value, k) ?? (isNode(at) ? at.range?.[0] : undefined);
        if (from === undefined) return;
        const to = this.reach(from);
        const doPair = isMap(at) ? this.pairOf(at, 'do') : undefined;
        const body = doPair && this.steps(doPair, linesOf(c, 'comments'), c.body);
        items.push(this.item(c, from, to, body ? [block(from, to, [body])] : []));
      });
    }
    const withinPair = this.pairOf(node, 'within');
    const within = withinPair && this.around(withinPair, linesOf(s, 'onTimeoutComments'), () => []);
    if (within) items.push(within);
    const timeoutPair = this.pairOf(node, 'on_timeout');
    const timeout =
      timeoutPair && s.onTimeout && this.steps(timeoutPair, linesOf(s, 'onTimeoutComments'), s.onTimeout);
    if (timeout) items.push(timeout);
    return items;
  }

  /** `then:` and `else:` of one `if` map; an `else:` holding the next `if` of the chain nests. */
  private chain(node: YAMLMap, s: Extract<Stmt, { kind: 'if' }>, i: number): LayoutItem[] {
    const items: LayoutItem[] = [];
    const branch = s.branches[i];
    const thenPair = this.pairOf(node, 'then');
    const then = thenPair && this.steps(thenPair, linesOf(i === 0 ? s : branch, 'comments'), branch.body);
    if (then) items.push(then);
    const elsePair = this.pairOf(node, 'else');
    const next = s.branches[i + 1];
    if (elsePair && next) {
      const inner = this.around(elsePair, linesOf(next, 'comments'), (from, to) => {
        const seq = elsePair.value;
        const only = isSeq(seq) ? seq.items[0] : undefined;
        const start = isSeq(seq) && isMap(only) ? (this.dashOf(seq, 0) ?? only.range?.[0]) : undefined;
        if (start === undefined || !isMap(only)) return [];
        const end = this.reach(start);
        const nested = this.item(next, start, end, [block(start, end, this.chain(only, s, i + 1))]);
        return [block(from, to, [nested])];
      });
      if (inner) items.push(inner);
    } else if (elsePair && s.else) {
      const found = this.steps(elsePair, linesOf(s, 'elseComments'), s.else);
      if (found) items.push(found);
    }
    return items;
  }

  /** A `key:` holding a list of steps, as an item whose leading comments go to `lead`. */
  private steps(pair: Pair, lead: LineSink, stmts: readonly Stmt[]): LayoutItem | undefined {
    return this.around(pair, lead, (s, e) => [block(s, e, this.stepsOf(pair.value, stmts))]);
  }

  private stepsOf(node: unknown, stmts: readonly Stmt[]): LayoutItem[] {
    if (!isSeq(node) || node.items.length !== stmts.length) return [];
    return stmts.flatMap((s, i) => this.step(node, i, s) ?? []);
  }

  /** An entry `key: ...` as an item without slots of its own, holding `blocks(start, end)`. */
  private around(
    pair: Pair,
    lead: LineSink,
    blocks: (start: number, end: number) => LayoutBlock[],
  ): LayoutItem | undefined {
    const start = this.keyStart(pair);
    const end = this.pairEnd(pair);
    if (start === undefined || end === undefined) return undefined;
    return { start, end, line: this.lines.lineOf(start), lead, blocks: blocks(start, end) };
  }

  /** An entry that is a node of its own (a clause, an event field). */
  private entry(pair: Pair, node: object): LayoutItem | undefined {
    const start = this.keyStart(pair);
    const end = this.pairEnd(pair);
    return start === undefined || end === undefined ? undefined : this.item(node, start, end, []);
  }

  private item(node: object, start: number, end: number, blocks: LayoutBlock[]): LayoutItem {
    const line = this.lines.lineOf(start);
    return { start, end, line, lead: linesOf(node, 'comments'), trail: trailOf(node), blocks };
  }

  // ------------------------------------------------------------ positions

  private keyOf(pair: Pair): string | undefined {
    return isScalar(pair.key) ? String(pair.key.value) : undefined;
  }

  private pairOf(map: YAMLMap, key: string): Pair | undefined {
    return map.items.find((p) => this.keyOf(p) === key);
  }

  private keyStart(pair: Pair): number | undefined {
    return isScalar(pair.key) ? pair.key.range?.[0] : undefined;
  }

  private pairEnd(pair: Pair): number | undefined {
    const start = this.keyStart(pair);
    return start === undefined ? undefined : this.reach(start);
  }

  /** The offset of the `-` of item `index` of a block list. */
  private dashOf(seq: YAMLSeq, index: number): number | undefined {
    const src = seq.srcToken;
    if (src?.type !== 'block-seq') return undefined;
    return src.items[index]?.start.find((t) => t.type === 'seq-item-ind')?.offset;
  }

  /**
   * Where an entry or list item starting at `start` ends: at the first later line that starts at
   * or left of its column (blank lines and further-indented comments are still part of it).
   */
  private reach(start: number): number {
    const column = this.lines.columnOf(start);
    const text = this.text;
    for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', nl + 1)) {
      let j = nl + 1;
      while (text[j] === ' ' || text[j] === '\t') j++;
      if (j < text.length && text[j] !== '\n' && text[j] !== '\r' && j - nl - 1 <= column) return nl + 1;
    }
    return text.length;
  }
}
