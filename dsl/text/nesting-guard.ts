/**
 * The nesting guard: finds regions nested deeper than the parser may recurse and cuts them out
 * of the token stream *before* parsing, so no input can exhaust the stack of the recursive-descent
 * parser. It works on tokens alone, so it knows brackets and blocks only approximately; that is
 * enough, because the limit is far beyond any real rule.
 */
import { createTokenInstance } from 'chevrotain';
import type { IToken, TokenType } from 'chevrotain';
import { tokenEnd } from './cst-access';
import { Codes } from '../core/diagnostics';
import * as T from './lexer';
import type { OffsetDiagnostic } from './lexer';

/** Deepest nesting of brackets, `list<...>`, blocks and string interpolations the parser accepts. */
export const MAX_NESTING = 64;

/** What closes an open region. */
type Closer = ')' | ']' | '}' | '>' | 'end';

function is(t: IToken | undefined, type: TokenType): boolean {
  return t !== undefined && t.tokenType === type;
}

/** What will close the region token `i` opens, if it opens one. */
function opener(tokens: readonly IToken[], i: number): Closer | undefined {
  const t = tokens[i];
  const prev = tokens[i - 1];
  switch (t.tokenType) {
    case T.LParen:
      return ')';
    case T.LBracket:
      return ']';
    case T.LCurly:
      return '}';
    case T.Lt:
      return is(prev, T.List) ? '>' : undefined;
  }
  if (is(prev, T.Dot) || is(prev, T.QuestionDot)) return undefined;
  if (t.tokenType === T.If) return is(prev, T.Else) ? undefined : 'end';
  if (t.tokenType === T.For) return is(tokens[i + 1], T.Each) ? 'end' : undefined;
  if (t.tokenType === T.Parallel) return is(prev, T.Concurrency) ? undefined : 'end';
  if (t.tokenType === T.On) return is(tokens[i + 1], T.Timeout) ? 'end' : undefined;
  if (t.tokenType === T.First) return is(prev, T.For) && is(tokens[i + 1], T.Case) ? 'end' : undefined;
  return undefined;
}

function closer(tokens: readonly IToken[], i: number): Closer | undefined {
  switch (tokens[i].tokenType) {
    case T.RParen:
      return ')';
    case T.RBracket:
      return ']';
    case T.RCurly:
      return '}';
    case T.Gt:
      return '>';
    case T.End:
      return is(tokens[i - 1], T.Dot) || is(tokens[i - 1], T.QuestionDot) ? undefined : 'end';
  }
  return undefined;
}

/** Closes the innermost region `c` closes; a `>` only closes a `list<` that is innermost. */
function close(stack: Closer[], c: Closer): void {
  if (c === '>') {
    if (stack[stack.length - 1] === '>') stack.pop();
    return;
  }
  const at = stack.lastIndexOf(c);
  if (at >= 0) stack.length = at;
}

/** The outcome of the nesting guard. */
export interface Guarded {
  readonly tokens: IToken[];
  readonly problems: OffsetDiagnostic[];
  /** Nesting depth of every string token, by start offset (its interpolations are one deeper). */
  readonly stringDepth: Map<number, number>;
}

/**
 * Cuts out every region nested deeper than `MAX_NESTING - depth` levels: a bracketed region
 * becomes a `null` literal (`any` for a type), a statement block disappears, and a
 * `nesting-too-deep` diagnostic marks where it began.
 */
export function guardNesting(tokens: readonly IToken[], depth: number): Guarded {
  const budget = MAX_NESTING - depth;
  const out: IToken[] = [];
  const problems: OffsetDiagnostic[] = [];
  const stringDepth = new Map<number, number>();
  const stack: Closer[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    const opens = opener(tokens, i);
    if (opens && stack.length + 1 > budget) {
      const j = regionEnd(tokens, i, opens);
      problems.push({
        code: Codes.nestingTooDeep,
        message: `this is nested too deeply (more than ${MAX_NESTING} levels); split it up`,
        start: t.startOffset,
        end: tokenEnd(t),
      });
      const stop = tokenEnd(tokens[j]) - 1;
      if (opens === '>') {
        const list = out.pop() ?? t;
        out.push(createTokenInstance(T.Identifier, 'any', list.startOffset, stop, NaN, NaN, NaN, NaN));
      } else if (opens !== 'end') {
        out.push(createTokenInstance(T.Null, 'null', t.startOffset, stop, NaN, NaN, NaN, NaN));
      }
      i = j;
      continue;
    }
    if (opens) {
      stack.push(opens);
    } else {
      const closes = closer(tokens, i);
      if (closes) close(stack, closes);
      else if (t.tokenType === T.StringLit) stringDepth.set(t.startOffset, depth + stack.length);
    }
    out.push(t);
  }
  return { tokens: out, problems, stringDepth };
}

/** Index of the token closing the region opened at `i` (or the last token if it is never closed). */
function regionEnd(tokens: readonly IToken[], i: number, opens: Closer): number {
  const stack: Closer[] = [opens];
  let j = i + 1;
  for (; j < tokens.length; j++) {
    const o = opener(tokens, j);
    if (o) {
      stack.push(o);
      continue;
    }
    const c = closer(tokens, j);
    if (c) close(stack, c);
    if (stack.length === 0) return j;
  }
  return tokens.length - 1;
}
