/**
 * The answers that read the rule set's index: hover, definition, references, rename, document
 * symbols, semantic tokens, the "did you mean" quick fixes and formatting (`opsflow fmt`'s
 * printers). Each takes a file by its name in the rule set and a position in it.
 */
import {
  CodeActionKind,
  SymbolKind,
  type CodeAction,
  type Diagnostic as LspDiagnostic,
  type DocumentSymbol,
  type Hover,
  type Position,
  type SemanticTokensLegend,
  type TextEdit,
} from 'vscode-languageserver';
import { fileKind, parseSource, printDsl, printYaml, type Span } from '../dsl';
import type { Occurrence } from './analysis';
import { hoverText } from './hover';
import { spanContains, toRange } from './ranges';
import type { Analysis } from './rule-set';

/** A place in a file of the rule set. */
export interface Place {
  readonly file: string;
  readonly span: Span;
}

export function occurrenceAt(analysis: Analysis, file: string, pos: Position): Occurrence | undefined {
  const list = analysis.occurrences.get(file) ?? [];
  let found: Occurrence | undefined;
  for (const o of list) {
    if (o.span.line > pos.line + 1) break;
    if (spanContains(o.span, pos) && (!found || o.span.endColumn - o.span.column < found.span.endColumn - found.span.column)) found = o; // prettier-ignore
  }
  return found;
}

export function hover(analysis: Analysis, file: string, pos: Position): Hover | null {
  const o = occurrenceAt(analysis, file, pos);
  if (!o) return null;
  const value = hoverText(o, analysis);
  return value ? { contents: { kind: 'markdown', value }, range: toRange(o.span) } : null;
}

export function definition(analysis: Analysis, file: string, pos: Position): Place[] {
  const o = occurrenceAt(analysis, file, pos);
  if (!o) return [];
  return (analysis.byKey.get(o.key) ?? [])
    .filter((x) => x.decl)
    .map((x) => ({ file: x.span.file, span: x.span }));
}

export function references(
  analysis: Analysis,
  file: string,
  pos: Position,
  includeDeclaration: boolean,
): Place[] {
  const o = occurrenceAt(analysis, file, pos);
  if (!o) return [];
  return (analysis.byKey.get(o.key) ?? [])
    .filter((x) => includeDeclaration || !x.decl)
    .map((x) => ({ file: x.span.file, span: x.span }));
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** What may be renamed: a `let` (or other bound) name, and a rule (with the tests naming it). */
export function renameTarget(analysis: Analysis, file: string, pos: Position): Occurrence | undefined {
  const o = occurrenceAt(analysis, file, pos);
  if (!o) return undefined;
  if (o.kind === 'rule' && analysis.rules.has(o.name)) return o;
  if (o.kind === 'binding' && o.key.startsWith('bind:')) return o;
  return undefined;
}

export class RenameError extends Error {}

export function rename(
  analysis: Analysis,
  file: string,
  pos: Position,
  newName: string,
): Map<string, TextEdit[]> {
  const target = renameTarget(analysis, file, pos);
  if (!target)
    throw new RenameError('only a rule or a name bound in a rule (let, as, for each) can be renamed');
  if (!NAME.test(newName)) throw new RenameError(`'${newName}' is not a name: letters, digits and '_', not starting with a digit`); // prettier-ignore
  if (target.kind === 'rule' && newName !== target.name && analysis.rules.has(newName)) throw new RenameError(`a rule named '${newName}' already exists`); // prettier-ignore
  const edits = new Map<string, TextEdit[]>();
  for (const o of analysis.byKey.get(target.key) ?? []) {
    const list = edits.get(o.span.file) ?? [];
    list.push({ range: toRange(o.span), newText: newName });
    edits.set(o.span.file, list);
  }
  return edits;
}

export function documentSymbols(analysis: Analysis, file: string): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  const source = analysis.sources.get(file);
  for (const decl of source?.decls ?? []) {
    const children: DocumentSymbol[] = [];
    if (decl.kind === 'event') for (const f of decl.fields) children.push(symbol(f.name, SymbolKind.Field, f.span, f.nameSpan)); // prettier-ignore
    if (decl.kind === 'action') for (const p of decl.params) children.push(symbol(p.name, SymbolKind.Property, p.span, p.nameSpan)); // prettier-ignore
    const kind =
      decl.kind === 'rule'
        ? SymbolKind.Class
        : decl.kind === 'event'
          ? SymbolKind.Event
          : SymbolKind.Function;
    const s = symbol(decl.name, kind, decl.span, decl.nameSpan, decl.kind);
    if (children.length > 0) s.children = children;
    out.push(s);
  }
  for (const c of analysis.connectors) {
    if (c.span.file !== file) continue;
    for (const a of c.actions) out.push(symbol(a.name, SymbolKind.Function, a.span, a.span, 'action'));
  }
  for (const t of analysis.tests.get(file) ?? []) out.push(symbol(t.name || '(test)', SymbolKind.Method, t.span, t.span, `test of ${t.rule}`)); // prettier-ignore
  return out;
}

function symbol(name: string, kind: SymbolKind, span: Span, nameSpan: Span, detail?: string): DocumentSymbol {
  const range = toRange(span);
  let selectionRange = toRange(nameSpan);
  const inside =
    (selectionRange.start.line > range.start.line || (selectionRange.start.line === range.start.line && selectionRange.start.character >= range.start.character)) && // prettier-ignore
    (selectionRange.end.line < range.end.line || (selectionRange.end.line === range.end.line && selectionRange.end.character <= range.end.character)); // prettier-ignore
  if (!inside) selectionRange = range;
  return { name, kind, range, selectionRange, ...(detail !== undefined && { detail }) };
}

export const TOKEN_TYPES = ['type', 'property', 'function', 'parameter', 'class', 'variable', 'event'];
export const TOKEN_MODIFIERS = ['declaration', 'defaultLibrary', 'readonly'];
export const LEGEND: SemanticTokensLegend = { tokenTypes: TOKEN_TYPES, tokenModifiers: TOKEN_MODIFIERS };

const TOKEN_OF: Record<Occurrence['kind'], number> = {
  event: 6,
  field: 1,
  action: 2,
  function: 2,
  param: 3,
  rule: 4,
  binding: 5,
};

/** Semantic tokens in the LSP's relative encoding, for the names the index knows. */
export function semanticTokens(analysis: Analysis, file: string): number[] {
  const data: number[] = [];
  let lastLine = 0;
  let lastChar = 0;
  let lastEnd = -1;
  let lastEndLine = -1;
  for (const o of analysis.occurrences.get(file) ?? []) {
    if (o.span.line !== o.span.endLine || o.span.endColumn <= o.span.column) continue;
    const line = o.span.line - 1;
    const char = o.span.column - 1;
    if (line === lastEndLine && char < lastEnd) continue;
    let modifiers = o.decl ? 1 : 0;
    if (o.kind === 'function' || o.key.startsWith('implicit:')) modifiers |= 2;
    data.push(line - lastLine, line === lastLine ? char - lastChar : char, o.span.endColumn - o.span.column, TOKEN_OF[o.kind], modifiers); // prettier-ignore
    lastLine = line;
    lastChar = char;
    lastEnd = o.span.endColumn - 1;
    lastEndLine = line;
  }
  return data;
}

const DID_YOU_MEAN = /did you mean '([^']+)'\?/;

/** A quick fix for every diagnostic that suggests a name: replace the range with the suggestion. */
export function quickFixes(uri: string, diagnostics: readonly LspDiagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of diagnostics) {
    const m = DID_YOU_MEAN.exec(d.message);
    if (!m) continue;
    out.push({
      title: `Change to '${m[1]}'`,
      kind: CodeActionKind.QuickFix,
      diagnostics: [d],
      isPreferred: true,
      edit: { changes: { [uri]: [{ range: d.range, newText: m[1] }] } },
    });
  }
  return out;
}

/** The whole file as `opsflow fmt` prints it; nothing when it does not parse or is not a rule file. */
export function format(file: string, text: string): TextEdit[] {
  const kind = fileKind(file);
  if (kind !== 'dsl' && kind !== 'yaml') return [];
  const parsed = parseSource({ path: file, content: text });
  if (!parsed.file || parsed.diagnostics.some((d) => d.severity === 'error')) return [];
  const printed = kind === 'dsl' ? printDsl(parsed.file) : printYaml(parsed.file);
  if (printed === text) return [];
  const lines = text.split('\n');
  const end = { line: lines.length - 1, character: lines[lines.length - 1].length };
  return [{ range: { start: { line: 0, character: 0 }, end }, newText: printed }];
}
