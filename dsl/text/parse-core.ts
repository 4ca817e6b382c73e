/**
 * The parsing pipeline shared by `parseDsl`, `parseExpression` and `parseTemplate`: lexing, the
 * nesting guard, running the chevrotain parser, and turning its errors into diagnostics.
 *
 * Nothing here throws on bad input. Pathological nesting is cut off *before* the recursive-descent
 * parser sees it (`nesting-guard.ts`), and a last-resort catch turns any surprise into a diagnostic
 * rather than an exception.
 */
import { EOF } from 'chevrotain';
import type { CstNode, IRecognitionException, IToken } from 'chevrotain';
import type { Expr } from '../ast/ast';
import { commentText } from '../ast/attach-comments';
import type { LocatedComment } from '../ast/attach-comments';
import type { ConvertContext, Locate } from './cst-access';
import { offsetSpan, tokenEnd } from './cst-access';
import { toExpr } from './cst-to-ast';
import { Codes, error } from '../core/diagnostics';
import type { Diagnostic, DiagnosticCode } from '../core/diagnostics';
import * as T from './lexer';
import type { OffsetDiagnostic } from './lexer';
import { guardNesting } from './nesting-guard';
import type { EncodedError } from './parser';
import { chainHint, getParser } from './parser';
import type { Span } from '../core/span';

/** Syntax errors reported per parse at most; past this they are cascades of the first ones. */
const MAX_SYNTAX_ERRORS = 50;

// ---------------------------------------------------------------- running the parser

/** Where the end of the input is, and how to name it in messages. */
export interface InputEnd {
  /** The range a problem "at the end" is reported at (empty at the end of a file). */
  readonly start: number;
  readonly end: number;
  readonly description: string;
}

/** Runs one top-level grammar rule over `tokens`; syntax errors come back as offset diagnostics. */
export function runParser(
  text: string,
  tokens: IToken[],
  rule: 'declarations' | 'expression',
  lineOf: (offset: number) => number,
  end: InputEnd,
): { cst: CstNode; problems: OffsetDiagnostic[] } {
  const parser = getParser();
  parser.setContext({
    lineOf,
    columnOf: (offset) => offset - (text.lastIndexOf('\n', offset - 1) + 1),
    endDescription: end.description,
    lineStarts: lineStartTokens(text, tokens),
  });
  parser.input = tokens;
  const cst = rule === 'declarations' ? parser.declarations() : parser.expression();
  const problems: OffsetDiagnostic[] = [];
  const seen = new Set<number>();
  const junk = parser.skipped.map(({ token: t, expected }): OffsetDiagnostic => ({
    code: Codes.unexpectedToken,
    message: `unexpected ${t.tokenType === T.StringLit ? 'string' : `\`${t.image}\``}: expected ${expected}${chainHint(t)}`,
    start: t.startOffset,
    end: tokenEnd(t),
  }));
  // One diagnostic per position: recovery often trips over the same token more than once.
  for (const p of [...parser.errors.map((e) => toProblem(e, end)), ...junk]) {
    if (seen.has(p.start)) continue;
    seen.add(p.start);
    problems.push(p);
    if (problems.length >= MAX_SYNTAX_ERRORS) break;
  }
  return { cst, problems };
}

/**
 * Drops syntax errors that merely repeat an invalid-character error: the parser never saw the
 * skipped characters, so it complains about the very next token.
 */
export function withoutCascades(
  text: string,
  lexical: readonly OffsetDiagnostic[],
  syntax: readonly OffsetDiagnostic[],
): OffsetDiagnostic[] {
  const shadowed = new Set<number>();
  for (const p of lexical) {
    if (p.code !== Codes.invalidCharacter) continue;
    let next = p.end;
    while (next < text.length && /\s/.test(text[next])) next++;
    shadowed.add(p.start).add(p.end).add(next);
  }
  return syntax.filter((p) => !shadowed.has(p.start));
}

/** Start offsets of the tokens that begin a line (only a comment or blank may precede them). */
export function lineStartTokens(text: string, tokens: readonly IToken[]): Set<number> {
  const out = new Set<number>();
  tokens.forEach((t, i) => {
    const prev = tokens[i - 1];
    if (prev && text.slice(tokenEnd(prev), t.startOffset).includes('\n')) out.add(t.startOffset);
  });
  return out;
}

function toProblem(e: IRecognitionException, end: InputEnd): OffsetDiagnostic {
  let code: DiagnosticCode = Codes.unexpectedToken;
  let message = e.message;
  try {
    const decoded = JSON.parse(e.message) as EncodedError;
    code = decoded.code;
    message = decoded.message;
  } catch {
    // A message chevrotain built itself: keep it as it is.
  }
  const t = e.token;
  if (t.tokenType === EOF || !Number.isFinite(t.startOffset)) {
    return { code, message, start: end.start, end: end.end };
  }
  return { code, message, start: t.startOffset, end: tokenEnd(t) };
}

// ---------------------------------------------------------------- expressions

/** Converts offset diagnostics of a text to located ones. */
export function locateProblems(ctx: ConvertContext, problems: readonly OffsetDiagnostic[]): void {
  for (const p of problems) ctx.diagnostics.push(error(p.code, p.message, offsetSpan(ctx, p.start, p.end)));
}

/**
 * A context for converting `text`, whose interpolations are parsed by {@link parseExpressionAt};
 * comments found inside them are added to `comments`.
 */
export function makeContext(
  text: string,
  file: string,
  locate: Locate,
  diagnostics: Diagnostic[],
  stringDepth: ReadonlyMap<number, number>,
  comments?: LocatedComment[],
): ConvertContext {
  return {
    file,
    locate,
    diagnostics,
    depthAt: (offset) => stringDepth.get(offset) ?? 0,
    interpolate: (start, end, depth) =>
      parseExpressionAt(text.slice(start, end), file, (o) => locate(start + o), depth, diagnostics, comments),
  };
}

/**
 * Parses `text` as exactly one expression, `depth` nesting levels deep, adding diagnostics to
 * `diagnostics` and the comments found in it (`a # why`) to `comments`. Returns `undefined` when no
 * expression could be built.
 */
export function parseExpressionAt(
  text: string,
  file: string,
  locate: Locate,
  depth: number,
  diagnostics: Diagnostic[],
  comments?: LocatedComment[],
): Expr | undefined {
  const before = diagnostics.length;
  const lexed = T.lex(text);
  if (comments) {
    for (const t of lexed.comments) comments.push({ ...locate(t.startOffset), text: commentText(t.image) });
  }
  const guarded = guardNesting(lexed.tokens, depth);
  const ctx = makeContext(text, file, locate, diagnostics, guarded.stringDepth, comments);
  locateProblems(ctx, lexed.problems);
  locateProblems(ctx, guarded.problems);
  if (guarded.tokens.length === 0) {
    if (diagnostics.length === before) {
      locateProblems(ctx, [
        { code: Codes.unexpectedEnd, message: 'expected an expression', start: 0, end: text.length },
      ]);
    }
    return undefined;
  }
  const lastToken = guarded.tokens[guarded.tokens.length - 1];
  const end: InputEnd = {
    start: tokenEnd(lastToken),
    end: tokenEnd(lastToken),
    description: 'the end of the expression',
  };
  const { cst, problems } = runParser(text, guarded.tokens, 'expression', (o) => locate(o).line, end);
  locateProblems(ctx, withoutCascades(text, lexed.problems, problems));
  const expr = toExpr(ctx, cst);
  // A partly recovered expression would mislead the checker; the diagnostics say what is wrong.
  return diagnostics.length === before ? expr : undefined;
}

/**
 * Runs `body`, turning an unexpected exception into a diagnostic: the front end must never throw.
 * The nesting guard keeps the parser far from the end of the stack, but a caller may already be
 * deep in its own; a stack overflow is then reported as nesting, anything else as a bug.
 */
export function neverThrow<R>(at: () => Span, body: () => R, fallback: () => R, out: Diagnostic[]): R {
  try {
    return body();
  } catch (e) {
    const overflow = e instanceof RangeError;
    out.push(
      overflow
        ? error(Codes.nestingTooDeep, 'this input is nested too deeply to parse', at())
        : error(Codes.internalError, `the parser failed on this input (a bug): ${String(e)}`, at()),
    );
    return fallback();
  }
}
