/**
 * The abstract syntax tree shared by both front ends (the textual DSL and the YAML form).
 *
 * Both front ends produce exactly these nodes, so one checker, one compiler and two printers serve
 * both forms. Every node carries a `span`; names that users can misspell also carry the span of the
 * name itself (`nameSpan`) so a diagnostic can point at the offending token. Two ASTs are "the
 * same" when they are deep-equal after removing every `span`/`*Span` key (see `stripSpans`).
 */
import type { Span } from './span';

// ---------------------------------------------------------------- types

/** Primitive type names of the language. */
export type PrimitiveTypeName = 'string' | 'number' | 'int' | 'bool' | 'time' | 'duration' | 'any';

/** A type as written by the user: `int`, `list<string>?`, `{ id: string }`. */
export type TypeExpr =
  | {
      readonly kind: 'primitive';
      readonly name: PrimitiveTypeName;
      readonly optional: boolean;
      readonly span: Span;
    }
  | { readonly kind: 'list'; readonly element: TypeExpr; readonly optional: boolean; readonly span: Span }
  | {
      readonly kind: 'object';
      readonly fields: readonly FieldDecl[];
      readonly optional: boolean;
      readonly span: Span;
    };

/** `name: type` inside an event schema, an object type, `manual(...)` or an action's parameters. */
export interface FieldDecl {
  readonly name: string;
  readonly nameSpan: Span;
  readonly type: TypeExpr;
  readonly span: Span;
}

// ---------------------------------------------------------------- expressions

export type BinaryOp =
  '??' | 'or' | 'and' | '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | '+' | '-' | '*' | '/' | '%';

export type UnaryOp = '-' | 'not';

/** One piece of a string: literal text (escapes already decoded) or an interpolated expression. */
export type StringPart =
  { readonly kind: 'text'; readonly text: string } | { readonly kind: 'interp'; readonly expr: Expr };

export type Expr =
  /** `raw` is the literal as written (`3.0`, `42`), so printing gives back the same token. */
  | { readonly kind: 'number'; readonly value: number; readonly raw: string; readonly span: Span }
  /** A string literal or template. Adjacent text parts are merged; an empty string has no parts. */
  | { readonly kind: 'string'; readonly parts: readonly StringPart[]; readonly span: Span }
  | { readonly kind: 'bool'; readonly value: boolean; readonly span: Span }
  | { readonly kind: 'null'; readonly span: Span }
  /** `1h30m`: `ms` is the total, `text` the literal as written. */
  | { readonly kind: 'duration'; readonly ms: number; readonly text: string; readonly span: Span }
  | { readonly kind: 'list'; readonly items: readonly Expr[]; readonly span: Span }
  | { readonly kind: 'object'; readonly fields: readonly ObjectField[]; readonly span: Span }
  /** A bare name: a `let` binding, `event`, `input`, a loop variable, a `wait ... as` name. */
  | { readonly kind: 'name'; readonly name: string; readonly span: Span }
  /** `object.name` or, with `optional`, `object?.name`. `nameSpan` covers just the field name. */
  | {
      readonly kind: 'member';
      readonly object: Expr;
      readonly name: string;
      readonly nameSpan: Span;
      readonly optional: boolean;
      readonly span: Span;
    }
  | { readonly kind: 'index'; readonly object: Expr; readonly index: Expr; readonly span: Span }
  /** A call of a built-in function: `max(a, b)`, `secret("TOKEN")`. */
  | {
      readonly kind: 'call';
      readonly fn: string;
      readonly fnSpan: Span;
      readonly args: readonly Expr[];
      readonly span: Span;
    }
  | { readonly kind: 'unary'; readonly op: UnaryOp; readonly operand: Expr; readonly span: Span }
  | {
      readonly kind: 'binary';
      readonly op: BinaryOp;
      readonly left: Expr;
      readonly right: Expr;
      readonly span: Span;
    }
  /** `( expr )`: kept so that printing reproduces the user's parentheses. */
  | { readonly kind: 'paren'; readonly expr: Expr; readonly span: Span };

export interface ObjectField {
  readonly name: string;
  readonly nameSpan: Span;
  readonly value: Expr;
  readonly span: Span;
}

/** A literal duration where the grammar wants one (`within 2d`, `retry 3 every 30s`). */
export interface DurationLit {
  readonly ms: number;
  readonly text: string;
  readonly span: Span;
}

/** A name that binds something (`as po`, `let qty`). */
export interface Binding {
  readonly name: string;
  readonly span: Span;
}

/** A qualified name: `inventory.updated`, `purchasing.create_order`. */
export interface QualifiedName {
  readonly name: string;
  readonly span: Span;
}

/** `name: expr` in an action call or an `emit`. */
export interface NamedArg {
  readonly name: string;
  readonly nameSpan: Span;
  readonly value: Expr;
  readonly span: Span;
}

// ---------------------------------------------------------------- statements

export interface RetrySpec {
  readonly attempts: number;
  readonly every?: DurationLit;
  readonly backoff?: number;
  readonly span: Span;
}

export type Stmt =
  | { readonly kind: 'let'; readonly name: Binding; readonly value: Expr; readonly span: Span }
  | { readonly kind: 'set'; readonly name: Binding; readonly value: Expr; readonly span: Span }
  | {
      readonly kind: 'call';
      /** `let po = call ...` in the DSL, `as: po` in YAML. */
      readonly bind?: Binding;
      readonly action: QualifiedName;
      readonly args: readonly NamedArg[];
      readonly retry?: RetrySpec;
      readonly timeout?: DurationLit;
      readonly span: Span;
    }
  | {
      readonly kind: 'if';
      /** `if` and every `else if`, in order. */
      readonly branches: readonly {
        readonly cond: Expr;
        readonly body: readonly Stmt[];
        readonly span: Span;
      }[];
      readonly else?: readonly Stmt[];
      readonly span: Span;
    }
  | { readonly kind: 'sleep'; readonly duration: Expr; readonly span: Span }
  | { readonly kind: 'sleep_until'; readonly time: Expr; readonly span: Span }
  | {
      readonly kind: 'wait';
      readonly event: QualifiedName;
      readonly as?: Binding;
      readonly where?: Expr;
      readonly within?: DurationLit;
      readonly onTimeout?: readonly Stmt[];
      readonly span: Span;
    }
  | {
      readonly kind: 'approve';
      /** A string template. */
      readonly description: Expr;
      readonly by?: Expr;
      readonly as?: Binding;
      readonly within?: DurationLit;
      readonly onTimeout?: readonly Stmt[];
      readonly span: Span;
    }
  | { readonly kind: 'parallel'; readonly branches: readonly (readonly Stmt[])[]; readonly span: Span }
  | {
      readonly kind: 'for_each';
      readonly name: Binding;
      readonly list: Expr;
      readonly body: readonly Stmt[];
      readonly span: Span;
    }
  | {
      readonly kind: 'emit';
      readonly event: QualifiedName;
      readonly fields: readonly NamedArg[];
      readonly span: Span;
    }
  | { readonly kind: 'log'; readonly message: Expr; readonly span: Span }
  | { readonly kind: 'stop'; readonly message?: Expr; readonly span: Span }
  | { readonly kind: 'fail'; readonly message: Expr; readonly span: Span };

// ---------------------------------------------------------------- rules and declarations

export type ConcurrencyMode = 'single' | 'replace' | 'queue' | 'parallel';

/** The clauses between a rule's header and `do`, kept in source order (each should appear once). */
export type Clause =
  | { readonly kind: 'on'; readonly event: QualifiedName; readonly span: Span }
  | { readonly kind: 'every_interval'; readonly interval: DurationLit; readonly span: Span }
  | {
      readonly kind: 'every_cron';
      readonly cron: string;
      readonly cronSpan: Span;
      readonly timezone?: string;
      readonly timezoneSpan?: Span;
      readonly span: Span;
    }
  | { readonly kind: 'manual'; readonly params: readonly FieldDecl[]; readonly span: Span }
  | { readonly kind: 'when'; readonly expr: Expr; readonly span: Span }
  | { readonly kind: 'key'; readonly expr: Expr; readonly span: Span }
  | { readonly kind: 'concurrency'; readonly mode: ConcurrencyMode; readonly span: Span }
  | { readonly kind: 'timeout'; readonly duration: DurationLit; readonly span: Span }
  | { readonly kind: 'disabled'; readonly span: Span };

export interface RuleDecl {
  readonly kind: 'rule';
  readonly name: string;
  readonly nameSpan: Span;
  readonly description?: string;
  readonly clauses: readonly Clause[];
  readonly body: readonly Stmt[];
  /** Present (possibly empty) when the rule has a `compensate` section. */
  readonly compensate?: readonly Stmt[];
  readonly span: Span;
}

export interface EventDecl {
  readonly kind: 'event';
  readonly name: string;
  readonly nameSpan: Span;
  readonly fields: readonly FieldDecl[];
  readonly span: Span;
}

export interface ActionDecl {
  readonly kind: 'action';
  readonly name: string;
  readonly nameSpan: Span;
  readonly params: readonly FieldDecl[];
  /** The `-> { ... }` result type; absent means the action returns `{}`. */
  readonly result?: TypeExpr;
  readonly span: Span;
}

export type Decl = RuleDecl | EventDecl | ActionDecl;

/** One source file after parsing, in either form. */
export interface SourceFile {
  readonly file: string;
  readonly form: 'dsl' | 'yaml';
  readonly decls: readonly Decl[];
}
