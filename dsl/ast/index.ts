/**
 * ast: the syntax tree both front ends produce (`text/` from `.rule` files, `yaml/` from
 * `.rule.yaml`) and the checker and printers take. Gives the node types, the placement of source
 * comments on nodes (shared by both front ends), and `stripSpans` for comparing trees by structure.
 */
export type {
  ActionDecl,
  BinaryOp,
  Binding,
  Clause,
  Commented,
  ConcurrencyMode,
  Decl,
  DurationLit,
  EndCommented,
  EventDecl,
  Expr,
  FieldDecl,
  IfBranch,
  NamedArg,
  ObjectField,
  PrimitiveTypeName,
  QualifiedName,
  RetrySpec,
  RuleDecl,
  SourceFile,
  Stmt,
  StringPart,
  TypeExpr,
  UnaryOp,
} from './ast';
export { attachComments, type SourceComment, type LocatedComment } from './attach-comments';
export { stripSpans } from './strip-spans';
export { exprChildren, exprDeeperThan } from './expr-depth';
