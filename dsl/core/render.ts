/**
 * Rendering diagnostics for people and for tools. Pure functions: the caller supplies the source
 * text of each file (a file that could not be read renders without a source line).
 */
import type { Diagnostic } from './diagnostics';

/** The JSON shape of `opsflow check --format json`: one object per diagnostic. */
export interface DiagnosticJson {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  readonly severity: 'error' | 'warning';
  readonly code: string;
  readonly message: string;
}

export function diagnosticToJson(d: Diagnostic): DiagnosticJson {
  const { file, line, column, endLine, endColumn } = d.span;
  return { file, line, column, endLine, endColumn, severity: d.severity, code: d.code, message: d.message };
}

/**
 * `FILE:LINE:COLUMN: error CODE: message`, then the source line and a caret under the span
 * (`^` for the first character, `~` for the rest of it on that line).
 */
export function renderDiagnostic(d: Diagnostic, source?: string): string {
  const { file, line, column } = d.span;
  const head = `${file}:${line}:${column}: ${d.severity} ${d.code}: ${d.message}`;
  const text = source === undefined ? undefined : sourceLine(source, line);
  if (text === undefined) return head;
  const shown = text.length > 300 ? text.slice(0, 300) + '…' : text;
  const before = shown.slice(0, Math.max(0, column - 1));
  const spanEnd = d.span.endLine === line ? d.span.endColumn : shown.length + 1;
  const inside = shown.slice(column - 1, Math.max(column, spanEnd - 1));
  const caret = padFor(before) + '^' + '~'.repeat(Math.max(0, displayWidth(inside) - 1));
  return `${head}\n  ${shown}\n  ${caret}`;
}

/** Renders all diagnostics, each followed by a blank line, with a closing count. */
export function renderDiagnostics(
  diagnostics: readonly Diagnostic[],
  sources: ReadonlyMap<string, string>,
): string {
  const parts = diagnostics.map((d) => renderDiagnostic(d, sources.get(d.span.file)));
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  parts.push(`${plural(errors, 'error')}, ${plural(warnings, 'warning')}`);
  return parts.join('\n\n') + '\n';
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function sourceLine(source: string, line: number): string | undefined {
  let start = 0;
  for (let i = 1; i < line; i++) {
    const next = source.indexOf('\n', start);
    if (next < 0) return undefined;
    start = next + 1;
  }
  let end = source.indexOf('\n', start);
  if (end < 0) end = source.length;
  return source.slice(start, end).replace(/\r$/, '');
}

/** Spaces (tabs kept as tabs) that line the caret up under `before` in a terminal. */
function padFor(before: string): string {
  let pad = '';
  for (const ch of before) pad += ch === '\t' ? '\t' : ' '.repeat(charWidth(ch));
  return pad;
}

function displayWidth(text: string): number {
  let width = 0;
  for (const ch of text) width += charWidth(ch);
  return width;
}

/** Terminal columns of one character: 2 for East Asian wide characters (Chinese text), else 1. */
function charWidth(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  const wide =
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd);
  return wide ? 2 : 1;
}
