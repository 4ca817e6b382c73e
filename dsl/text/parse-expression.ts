/**
 * Parsing of single expressions and templates, for the YAML front end (and the DSL's own string
 * interpolations). Spans are computed through a caller-supplied `locate`, so a YAML front end can
 * map offsets inside a YAML scalar to its own lines and columns.
 */
import type { Expr, StringPart } from '../ast/ast';
import type { LocatedComment } from '../ast/attach-comments';
import type { Locate } from './cst-access';
import { offsetSpan } from './cst-access';
import { interpolation } from './cst-to-ast';
import type { Diagnostic } from '../core/diagnostics';
import { Codes, error } from '../core/diagnostics';
import { scanNested } from './lexer';
import { makeContext, neverThrow, parseExpressionAt } from './parse-core';

export { parseDurationText } from '../core/duration-literal';
export type { Locate } from './cst-access';

/** The result of parsing an expression or a template: no `expr` when there were errors. */
export interface ExpressionResult {
  readonly expr?: Expr;
  readonly diagnostics: Diagnostic[];
  /** Comments inside the expression (`a > 3  # why`), when there are some. */
  readonly comments?: readonly LocatedComment[];
}

function result(
  expr: Expr | undefined,
  diagnostics: Diagnostic[],
  comments: LocatedComment[],
): ExpressionResult {
  const found = comments.length > 0 ? { comments } : {};
  return expr && diagnostics.length === 0 ? { expr, diagnostics, ...found } : { diagnostics, ...found };
}

/**
 * Parses `text` as one expression; the whole text must be consumed.
 *
 * @param text the expression source, e.g. `event.available < event.reorder_point`
 * @param file the file name to put in spans
 * @param locate maps an offset (UTF-16 index into `text`) to a 1-based line and column
 */
export function parseExpression(text: string, file: string, locate: Locate): ExpressionResult {
  const diagnostics: Diagnostic[] = [];
  const comments: LocatedComment[] = [];
  const expr = neverThrow(
    () => offsetSpan({ file, locate, diagnostics, interpolate: () => undefined, depthAt: () => 0 }, 0, 0),
    () => parseExpressionAt(text, file, locate, 0, diagnostics, comments),
    () => undefined,
    diagnostics,
  );
  return result(expr, diagnostics, comments);
}

/**
 * Parses a YAML template: literal text with `${expr}` interpolations. `\$` is a literal `$`; any
 * other backslash is literal text. A template that is exactly one `${expr}` is that expression
 * (so it keeps its type); otherwise the result is a `string` expression whose parts alternate
 * text and interpolations (adjacent text merged, empty text dropped).
 */
export function parseTemplate(text: string, file: string, locate: Locate): ExpressionResult {
  const diagnostics: Diagnostic[] = [];
  const comments: LocatedComment[] = [];
  const ctx = makeContext(text, file, locate, diagnostics, new Map(), comments);
  const expr = neverThrow(
    () => offsetSpan(ctx, 0, 0),
    () => {
      const parts: StringPart[] = [];
      let buf = '';
      let i = 0;
      while (i < text.length) {
        if (text[i] === '\\' && text[i + 1] === '$') {
          buf += '$';
          i += 2;
        } else if (text[i] === '$' && text[i + 1] === '{') {
          const scan = scanNested(text, i + 2, false, true);
          if (!scan.closed) {
            diagnostics.push(
              error(
                Codes.unexpectedEnd,
                '`${` is not closed: add a `}` after the expression',
                offsetSpan(ctx, i, i + 2),
              ),
            );
            return undefined;
          }
          const inner = interpolation(ctx, i, i + 2, scan.end - 1, text.slice(i + 2, scan.end - 1), 0);
          if (inner) {
            if (i === 0 && scan.end === text.length) return inner;
            if (buf) parts.push({ kind: 'text', text: buf });
            buf = '';
            parts.push({ kind: 'interp', expr: inner });
          }
          i = scan.end;
        } else {
          buf += text[i];
          i++;
        }
      }
      if (buf) parts.push({ kind: 'text', text: buf });
      const result: Expr = { kind: 'string', parts, span: offsetSpan(ctx, 0, text.length) };
      return result;
    },
    () => undefined,
    diagnostics,
  );
  return result(expr, diagnostics, comments);
}
