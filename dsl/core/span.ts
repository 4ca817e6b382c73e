/**
 * A range of source text. Lines and columns start at 1; columns count UTF-16 code units (what
 * editors and the `yaml` package report). `endLine`/`endColumn` point one past the last character
 * of the range, so an empty span has `endColumn === column`.
 */
export interface Span {
  /** The file as the user named it, relative to the rule set root: never an absolute path. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** A span that covers both `a` and `b` (which must be in the same file, `a` first). */
export function joinSpans(a: Span, b: Span): Span {
  return { file: a.file, line: a.line, column: a.column, endLine: b.endLine, endColumn: b.endColumn };
}

/** A zero-width span at the start of a file, for problems with the file as a whole. */
export function fileSpan(file: string): Span {
  return { file, line: 1, column: 1, endLine: 1, endColumn: 1 };
}
