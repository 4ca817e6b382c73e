/**
 * Comments of the textual DSL: the lexer sets them aside (the `comments` token group), and once
 * the declarations are parsed they are placed on the AST by position (see `ast/attach-comments.ts`).
 *
 * The layout is read off the AST's spans and the tokens between them: the words that open and
 * close blocks (`do`, `compensate`, `else`, `branch`, `on timeout`, `end`, `{ }`) are found as the
 * tokens right after the spans that precede them (never by searching a span's inside: those words
 * are also member names, as in `event.end`).
 */
import type { IToken, TokenType } from 'chevrotain';
import type { Clause, Decl, FieldDecl, IfBranch, RuleDecl, Stmt, WaitCase } from '../ast/ast';
import { attachComments, block, branchLinesOf, LineTable, linesOf, trailOf } from '../ast/attach-comments';
import type { LayoutBlock, LayoutItem, LineSink, LocatedComment } from '../ast/attach-comments';
import { tokenEnd } from './cst-access';
import * as T from './lexer';
import type { Span } from '../core/span';

/**
 * Places the comments of a DSL text on its declarations (in place) and returns the comments left
 * after the last declaration.
 *
 * @param tokens the text's tokens, comments excluded, in source order
 * @param comments the comment tokens
 * @param inExpressions comments found inside `${...}` interpolations
 */
export function attachDslComments(
  decls: readonly Decl[],
  text: string,
  tokens: readonly IToken[],
  comments: readonly IToken[],
  inExpressions: readonly LocatedComment[],
): string[] | undefined {
  if (comments.length === 0 && inExpressions.length === 0) return undefined;
  const lines = new LineTable(text);
  const trailing: string[] = [];
  const layout = new DslLayout(lines, tokens);
  const root = block(
    0,
    Infinity,
    decls.map((d) => layout.decl(d)),
    (c) => trailing.push(c),
  );
  attachComments(
    root,
    [
      ...comments.map((t) => lines.comment(t.startOffset, t.image)),
      ...inExpressions.map((c) => lines.located(c)),
    ],
    lines,
  );
  return trailing.length > 0 ? trailing : undefined;
}

class DslLayout {
  constructor(
    private readonly lines: LineTable,
    private readonly tokens: readonly IToken[],
  ) {}

  decl(d: Decl): LayoutItem {
    switch (d.kind) {
      case 'rule':
        return this.item(d, d.span, [this.ruleContent(d)]);
      case 'event': {
        const open = this.firstFrom(this.end(d.nameSpan));
        const from = open?.tokenType === T.LCurly ? tokenEnd(open) : this.end(d.nameSpan);
        const fields = d.fields.map((f) => this.simple(f, f.span));
        return this.item(d, d.span, [block(from, this.closer(d.span), fields, linesOf(d, 'endComments'))]);
      }
      case 'action':
        return this.simple(d, d.span);
    }
  }

  private ruleContent(d: RuleDecl): LayoutBlock {
    const open = this.end(d.nameSpan);
    const close = this.closer(d.span);
    const items = d.clauses.map((c: Clause) => this.simple(c, c.span));
    // Block words may also be member names (`event.do`): look only past the clauses.
    const lastClause = d.clauses[d.clauses.length - 1];
    const doWord = this.find(Math.max(open, lastClause ? this.end(lastClause.span) : 0), close, T.Do);
    items.push(...this.marked(doWord, d.body, linesOf(d, 'doComments')));
    if (d.compensate) {
      const from = doWord ? Math.max(tokenEnd(doWord), this.lastEnd(d.body)) : open;
      const word = this.find(from, close, T.Compensate);
      items.push(...this.marked(word, d.compensate, linesOf(d, 'compensateComments')));
    }
    return block(open, close, items, linesOf(d, 'endComments'));
  }

  private stmt(s: Stmt): LayoutItem {
    switch (s.kind) {
      case 'if':
        return this.item(s, s.span, [this.ifContent(s)]);
      case 'wait':
      case 'approve': {
        if (!s.onTimeout) return this.simple(s, s.span);
        const parts = s.kind === 'wait' ? [s.event.span, s.where?.span] : [s.description.span, s.by?.span];
        const headerEnd = Math.max(
          ...[...parts, s.as?.span, s.within?.span].map((p) => (p ? this.end(p) : 0)),
        );
        const on = this.firstFrom(headerEnd);
        const word = on?.tokenType === T.On ? this.firstFrom(tokenEnd(on)) : undefined;
        const marker =
          on && word?.tokenType === T.Timeout
            ? [this.marker(on, tokenEnd(word), s.onTimeout, linesOf(s, 'onTimeoutComments'))]
            : s.onTimeout.map((x) => this.stmt(x));
        return this.item(s, s.span, [
          block(headerEnd, this.closer(s.span), marker, linesOf(s, 'endComments')),
        ]);
      }
      case 'parallel': {
        const start = this.start(s.span);
        const first = this.firstFrom(start);
        let from = first ? tokenEnd(first) : start;
        const close = this.closer(s.span);
        const items: LayoutItem[] = [];
        s.branches.forEach((body, k) => {
          const word = this.find(from, close, T.Branch);
          const lead = branchLinesOf(s, k, s.branches.length);
          items.push(...this.marked(word, body, lead));
          from = Math.max(from, word ? tokenEnd(word) : from, this.lastEnd(body));
        });
        const open = first ? tokenEnd(first) : start;
        return this.item(s, s.span, [block(open, close, items, linesOf(s, 'endComments'))]);
      }
      case 'wait_first':
        return this.item(s, s.span, [this.waitFirstContent(s)]);
      case 'for_each': {
        const body = s.body.map((x) => this.stmt(x));
        const content = block(this.end(s.list.span), this.closer(s.span), body, linesOf(s, 'endComments'));
        return this.item(s, s.span, [content]);
      }
      default:
        return this.simple(s, s.span);
    }
  }

  /** The cases of a `wait for first` (each with its statements), then `within` and its statements. */
  private waitFirstContent(s: Extract<Stmt, { kind: 'wait_first' }>): LayoutBlock {
    const close = this.closer(s.span);
    const start = this.start(s.span);
    const first = this.find(start, close, T.First);
    const items = s.cases.map((c): LayoutItem => {
      const header = Math.max(...[c.event.span, c.as?.span, c.where?.span].map((p) => (p ? this.end(p) : 0)));
      const body = block(
        header,
        this.end(c.span),
        c.body.map((x) => this.stmt(x)),
      );
      return this.item(c, c.span, [body]);
    });
    const lastCase = s.cases[s.cases.length - 1];
    if (s.within && s.onTimeout) {
      const word = this.find(lastCase ? this.end(lastCase.span) : start, close, T.Within);
      const open = this.end(s.within.span);
      const lead = linesOf(s, 'onTimeoutComments');
      items.push(
        ...(word ? [this.marker(word, open, s.onTimeout, lead)] : s.onTimeout.map((x) => this.stmt(x))),
      );
    }
    return block(first ? tokenEnd(first) : start, close, items, linesOf(s, 'endComments'));
  }

  private ifContent(s: Extract<Stmt, { kind: 'if' }>): LayoutBlock {
    const [first, ...rest] = s.branches;
    const close = this.closer(s.span);
    const items = first.body.map((x) => this.stmt(x));
    for (const b of rest) items.push(this.branch(b));
    if (s.else) {
      const last = s.branches[s.branches.length - 1];
      const word = this.firstFrom(this.end(last.span));
      const elseWord = word?.tokenType === T.Else && word.startOffset < close ? word : undefined;
      items.push(...this.marked(elseWord, s.else, linesOf(s, 'elseComments')));
    }
    return block(this.end(first.cond.span), close, items, linesOf(s, 'endComments'));
  }

  private branch(b: IfBranch): LayoutItem {
    const end = this.end(b.span);
    const body = block(
      this.end(b.cond.span),
      end,
      b.body.map((x) => this.stmt(x)),
    );
    return this.item(b, b.span, [body]);
  }

  /** The item of a word opening `body` (`do`, `else`, `branch`), or the body's own items without it. */
  private marked(word: IToken | undefined, body: readonly Stmt[], lead: LineSink): LayoutItem[] {
    return word ? [this.marker(word, tokenEnd(word), body, lead)] : body.map((x) => this.stmt(x));
  }

  /** A word (from `word` to `open`) and the statements after it. */
  private marker(word: IToken, open: number, body: readonly Stmt[], lead: LineSink): LayoutItem {
    const end = Math.max(open, this.lastEnd(body));
    const start = word.startOffset;
    const stmts = block(
      open,
      end,
      body.map((x) => this.stmt(x)),
    );
    return { start, end, line: this.lines.lineOf(start), lead, blocks: [stmts] };
  }

  private simple(node: Decl | Clause | Stmt | FieldDecl | WaitCase, span: Span): LayoutItem {
    return this.item(node, span, []);
  }

  private item(node: object, span: Span, blocks: LayoutBlock[]): LayoutItem {
    return {
      start: this.start(span),
      end: this.end(span),
      line: span.line,
      lead: linesOf(node, 'comments'),
      trail: trailOf(node),
      blocks,
    };
  }

  // ------------------------------------------------------------ positions and tokens

  private start(span: Span): number {
    return this.lines.offsetAt(span.line, span.column);
  }

  private end(span: Span): number {
    return this.lines.offsetAt(span.endLine, span.endColumn);
  }

  private lastEnd(stmts: readonly Stmt[]): number {
    const last = stmts[stmts.length - 1];
    return last ? this.end(last.span) : 0;
  }

  /** The index of the first token starting at or after `offset`. */
  private indexFrom(offset: number): number {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid].startOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private firstFrom(offset: number): IToken | undefined {
    return this.tokens[this.indexFrom(offset)];
  }

  /** The first token of `type` starting in `[from, to)`. */
  private find(from: number, to: number, type: TokenType): IToken | undefined {
    for (let i = this.indexFrom(from); i < this.tokens.length; i++) {
      const t = this.tokens[i];
      if (t.startOffset >= to) return undefined;
      if (t.tokenType === type) return t;
    }
    return undefined;
  }

  /** Where the `end` or `}` that closes the node of `span` starts (the node's end without one). */
  private closer(span: Span): number {
    const end = this.end(span);
    const last = this.tokens[this.indexFrom(end) - 1];
    const closes = last !== undefined && (last.tokenType === T.End || last.tokenType === T.RCurly);
    return closes && tokenEnd(last) === end ? last.startOffset : end;
  }
}
