/**
 * Which comments both printers write before a node: its own leading comments, plus those that
 * neither form has a place for where the AST holds them, so that no comment is ever dropped.
 * (The front ends never put comments in those places; a hand-built AST may.)
 */
import type { FieldDecl, Stmt, TypeExpr } from '../ast/ast';

/**
 * The comments of fields that print on one line in the DSL (an action's parameters, `manual(...)`,
 * object types) or as part of their parent's entry in YAML, and of their types' fields.
 */
export function fieldComments(fields: readonly FieldDecl[]): string[] {
  return fields.flatMap((f) => [
    ...(f.comments ?? []),
    ...(f.trailingComment !== undefined ? [f.trailingComment] : []),
    ...typeComments(f.type),
  ]);
}

/** The comments of the fields inside a type (see {@link fieldComments}). */
export function typeComments(t: TypeExpr | undefined): string[] {
  if (t === undefined) return [];
  if (t.kind === 'object') return fieldComments(t.fields);
  return t.kind === 'list' ? typeComments(t.element) : [];
}

/**
 * The comment lines before a statement: its own, the first branch's of an `if` (which are the
 * statement's), and those of an `on timeout` that is not there.
 */
export function stmtComments(s: Stmt): string[] {
  const lead = [...(s.comments ?? [])];
  if (s.kind === 'if') {
    const first = s.branches[0];
    lead.push(...(first.comments ?? []));
    if (first.trailingComment !== undefined && s.trailingComment !== undefined)
      lead.push(first.trailingComment);
  }
  if ((s.kind === 'wait' || s.kind === 'approve') && !s.onTimeout) {
    lead.push(...(s.onTimeoutComments ?? []), ...(s.endComments ?? []));
  }
  return lead;
}

/** The comment at the end of a statement's first line. */
export function stmtTrailingComment(s: Stmt): string | undefined {
  return s.trailingComment ?? (s.kind === 'if' ? s.branches[0].trailingComment : undefined);
}

/**
 * The comment lines before the `end` of an `if`: those before an `else` that is not there come
 * first. (A rule's `compensate` works the same way.)
 */
export function closingComments(
  present: boolean,
  before: readonly string[] | undefined,
  end: readonly string[] | undefined,
): string[] {
  return present ? [...(end ?? [])] : [...(before ?? []), ...(end ?? [])];
}
