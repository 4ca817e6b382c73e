/**
 * The textual DSL front end: `parseDsl(file, text)` → AST + diagnostics.
 *
 * The token stream is split into chunks before parsing: a `rule`, `event` or `action` that starts a
 * line and is followed by a name starts a new chunk. Each chunk is parsed on its own, so a missing
 * `end` or a stray token in one rule cannot swallow the rules after it, and every declaration that
 * parses (even partly, after recovery) is returned for the checker.
 */
import type { IToken } from 'chevrotain';
import { tokenMatcher } from 'chevrotain';
import type { Decl, SourceFile } from '../ast/ast';
import type { LocatedComment } from '../ast/attach-comments';
import { attachDslComments } from './dsl-comments';
import type { Locate } from './cst-access';
import { nodes, tokenEnd } from './cst-access';
import { toDecl } from './cst-to-ast-decls';
import { Codes, sortDiagnostics } from '../core/diagnostics';
import type { Diagnostic } from '../core/diagnostics';
import * as T from './lexer';
import { guardNesting } from './nesting-guard';
import {
  lineStartTokens,
  locateProblems,
  makeContext,
  neverThrow,
  runParser,
  withoutCascades,
} from './parse-core';
import type { InputEnd } from './parse-core';
import { fileSpan } from '../core/span';

const MAX_DIAGNOSTICS = 200;

/** The outcome of parsing one DSL file. */
export interface ParseDslResult {
  readonly file: SourceFile;
  readonly diagnostics: Diagnostic[];
}

/**
 * Parses the text of one `*.rule` file. Never throws and always terminates, whatever the input;
 * every problem is a located diagnostic. Declarations with syntax errors are still returned as far
 * as they could be recovered. Comments are attached to the declarations' nodes (see `ast/ast.ts`).
 *
 * @param file the file name as the user should see it (put into every span)
 * @param text the file's content
 */
export function parseDsl(file: string, text: string): ParseDslResult {
  const diagnostics: Diagnostic[] = [];
  const { decls, trailingComments } = neverThrow(
    () => fileSpan(file),
    () => parseDecls(file, text, diagnostics),
    (): Parsed => ({ decls: [] }),
    diagnostics,
  );
  // Past a few hundred, diagnostics are cascades and noise (a binary file, a wrong file type).
  const sorted = sortDiagnostics(diagnostics).slice(0, MAX_DIAGNOSTICS);
  return {
    file: { file, form: 'dsl', decls, ...(trailingComments && { trailingComments }) },
    diagnostics: sorted,
  };
}

/** A `locate` for a whole text: lines end at `\n` (a `\r` before it is part of the line). */
export function textLocator(text: string): Locate {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  };
}

/**
 * Tokens one declaration may have. Every token of a rule adds at least a few bytes to its IR, so a
 * rule this long is past the IR limit (`MAX_RULE_IR_BYTES`); refusing it before parsing keeps a
 * 4 MiB file from taking minutes and gigabytes to parse.
 */
export const MAX_DECL_TOKENS = 100_000;

interface Parsed {
  readonly decls: Decl[];
  readonly trailingComments?: string[];
}

function parseDecls(file: string, text: string, diagnostics: Diagnostic[]): Parsed {
  const locate = textLocator(text);
  const lineOf = (offset: number) => locate(offset).line;
  const lexed = T.lex(text);
  const guarded = guardNesting(lexed.tokens, 0);
  const inStrings: LocatedComment[] = [];
  const ctx = makeContext(text, file, locate, diagnostics, guarded.stringDepth, inStrings);
  locateProblems(ctx, lexed.problems);
  locateProblems(ctx, guarded.problems);

  const chunks = splitDeclarations(text, guarded.tokens);
  const decls: Decl[] = [];
  chunks.forEach((chunk, i) => {
    const first = chunk[0];
    const next = chunks[i + 1]?.[0];
    if (!isDeclarationKeyword(first)) {
      const found = first.tokenType === T.StringLit ? 'a string' : `\`${first.image}\``;
      locateProblems(ctx, [
        {
          code: Codes.unexpectedToken,
          message: `expected \`rule\`, \`event\` or \`action\`, found ${found}`,
          start: first.startOffset,
          end: tokenEnd(first),
        },
      ]);
      return;
    }
    if (chunk.length > MAX_DECL_TOKENS) {
      // Parsing it would take minutes and gigabytes, for a rule far over its IR limit anyway.
      const name = chunk[1]?.image ?? '';
      locateProblems(ctx, [
        {
          code: Codes.ruleTooLarge,
          message: `\`${first.image} ${name}\` has more than ${MAX_DECL_TOKENS} tokens, far more than fits in a rule's compiled IR (256 KiB); split it into smaller rules`,
          start: first.startOffset,
          end: tokenEnd(chunk[1] ?? first),
        },
      ]);
      return;
    }
    const end: InputEnd = next
      ? { start: next.startOffset, end: tokenEnd(next), description: `the \`${next.image}\` at line ${lineOf(next.startOffset)}` }
      : { start: tokenEnd(chunk[chunk.length - 1]), end: tokenEnd(chunk[chunk.length - 1]), description: 'the end of the file' }; // prettier-ignore
    const { cst, problems } = runParser(text, chunk, 'declarations', lineOf, end);
    locateProblems(ctx, withoutCascades(text, lexed.problems, problems));
    for (const n of nodes(cst, 'declaration')) {
      const decl = toDecl(ctx, n);
      if (decl) decls.push(decl);
    }
  });
  const trailingComments = attachDslComments(decls, text, lexed.tokens, lexed.comments, inStrings);
  return { decls, ...(trailingComments && { trailingComments }) };
}

function isDeclarationKeyword(t: IToken): boolean {
  return t.tokenType === T.Rule || t.tokenType === T.Event || t.tokenType === T.Action;
}

/** Splits tokens where a declaration keyword starts a line and is followed by a name. */
function splitDeclarations(text: string, tokens: readonly IToken[]): IToken[][] {
  const chunks: IToken[][] = [];
  const lineStarts = lineStartTokens(text, tokens);
  let current: IToken[] = [];
  tokens.forEach((t, i) => {
    const next = tokens[i + 1];
    if (
      current.length > 0 &&
      isDeclarationKeyword(t) &&
      lineStarts.has(t.startOffset) &&
      next &&
      tokenMatcher(next, T.Name)
    ) {
      chunks.push(current);
      current = [];
    }
    current.push(t);
  });
  if (current.length > 0) chunks.push(current);
  return chunks;
}
