/** Spans (1-based, end exclusive) and the editor's ranges (0-based, end exclusive). */
import type { Position, Range } from 'vscode-languageserver';
import type { Span } from '../dsl';

export function toRange(span: Span): Range {
  return {
    start: { line: Math.max(0, span.line - 1), character: Math.max(0, span.column - 1) },
    end: { line: Math.max(0, span.endLine - 1), character: Math.max(0, span.endColumn - 1) },
  };
}

/** Whether the position is inside the span or just at its end (where the cursor is after typing). */
export function spanContains(span: Span, pos: Position): boolean {
  const line = pos.line + 1;
  const column = pos.character + 1;
  if (line < span.line || line > span.endLine) return false;
  if (line === span.line && column < span.column) return false;
  if (line === span.endLine && column > span.endColumn) return false;
  return true;
}

/** The offset of a position in a text. */
export function offsetAt(text: string, pos: Position): number {
  let line = 0;
  let i = 0;
  while (line < pos.line) {
    const next = text.indexOf('\n', i);
    if (next < 0) return text.length;
    i = next + 1;
    line++;
  }
  const end = text.indexOf('\n', i);
  const lineEnd = end < 0 ? text.length : end;
  return Math.min(i + pos.character, lineEnd);
}
