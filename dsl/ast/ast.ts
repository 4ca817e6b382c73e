/**
 * The abstract syntax tree shared by both front ends (the textual DSL and the YAML form).
 *
 * Both front ends produce exactly these nodes, so one checker, one compiler and two printers serve
 * both forms. Every node carries a `span`; names that users can misspell also carry the span of the
 * name itself (`nameSpan`) so a diagnostic can point at the offending token. Two ASTs are "the
 * same" when they are deep-equal after removing every `span`/`*Span` key (see `stripSpans`).
 *
 * Comments are kept in the AST so that `opsflow fmt` and translation keep them (see {@link Commented}).
 * They are never part of the IR or its hash: the checker and the compiler ignore them.
 */
import type { Span } from '../core/span';
import type { ConcurrencyMode } from '../runtime/ir';

// ---------------------------------------------------------------- comments

/**
 * Comments kept with a node. A comment's text is what follows its `#`, without one leading space
 * and without trailing whitespace (`#   indented` keeps two spaces, `#` alone is `""`); characters
 * that cannot stand in a YAML comment (control characters, line breaks) are replaced by U+FFFD.
 *
 * Both front ends attach comments by position, and both printers write them back where they were:
 * - `comments`: the comment lines right before the node, top to bottom (blank lines between them
 *   are not kept). A comment *inside* the node but outside its nested blocks (inside a multi-line
 *   expression, a `${...}`, an action's parameter list, a YAML `with:` mapping) is appended here:
 *   it moves to just before the node, it is never dropped.
 * - `trailingComment`: a comment at the end of the node's first line (`supplier: string?  # may be null`).
 *
 * Comments before a word that closes or continues a block (`do`, `else`, `compensate`, `branch`,
 * `on timeout`, `end`, the `}` of an event) are kept in the fields named after that word on the node
 * that owns it (`elseComments`, `endComments`, ...), so a block that ends with comments, or holds
 * nothing but comments, keeps them. Comments after the last declaration are the file's
 * `trailingComments`. Every field is optional and absent when there is no comment; no field is
 * ever an empty list, except the entries of `branchComments`.
 */
export interface Commented {
  /** Comment lines before the node (and comments from inside it, see above). */
  readonly comments?: readonly string[];
  /** The comment at the end of the node's first line. */
  readonly trailingComment?: string;
}

/** Comment lines before the `end` that closes a node (or the `}` of an event). */
export interface EndCommented {
  readonly endComments?: readonly string[];
}

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

/**
 * `name: type` inside an event schema, an object type, `manual(...)` or an action's parameters.
 * Only the fields of an event carry comments: the printers write the other field lists on one line
 * (DSL) or read comments in them as comments of the enclosing node (YAML), and print any comments
 * found there before that node.
 */
export interface FieldDecl extends Commented {
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
  | { readonly kind: 'paren'; readonly expr: Expr; readonly span: Span }
  /**
   * v2: `TYPE as NAME within DURATION [where EXPR]`, the stored events of a type in a time window.
   * The grammar accepts it only as the first argument of a call; the checker accepts it only as
   * the first argument of an aggregate (`count`, `sum`, ...).
   */
  | {
      readonly kind: 'window';
      readonly event: QualifiedName;
      readonly as: Binding;
      readonly within: DurationLit;
      readonly where?: Expr;
      readonly span: Span;
    };

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

/**
 * A statement. Blocks keep their closing comments in `endComments` (before `end`), `elseComments`
 * (before `else`), `onTimeoutComments` (before `on timeout`) and `branchComments` (before each
 * `branch`); comments before an `else if` are the `comments` of that branch.
 */
export type Stmt = (
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
  | ({
      readonly kind: 'if';
      /**
       * `if` and every `else if`, in order. The comments of an `else if` line are its branch's;
       * the first branch has none of its own (the `if` line's comments are the statement's).
       */
      readonly branches: readonly IfBranch[];
      readonly else?: readonly Stmt[];
      /** Comment lines before `else`. */
      readonly elseComments?: readonly string[];
      readonly span: Span;
    } & EndCommented)
  | { readonly kind: 'sleep'; readonly duration: Expr; readonly span: Span }
  | { readonly kind: 'sleep_until'; readonly time: Expr; readonly span: Span }
  | ({
      readonly kind: 'wait';
      readonly event: QualifiedName;
      readonly as?: Binding;
      readonly where?: Expr;
      readonly within?: DurationLit;
      readonly onTimeout?: readonly Stmt[];
      /** Comment lines before `on timeout`. */
      readonly onTimeoutComments?: readonly string[];
      readonly span: Span;
    } & EndCommented)
  | ({
      readonly kind: 'approve';
      /** A string template. */
      readonly description: Expr;
      readonly by?: Expr;
      readonly as?: Binding;
      readonly within?: DurationLit;
      readonly onTimeout?: readonly Stmt[];
      /** Comment lines before `on timeout`. */
      readonly onTimeoutComments?: readonly string[];
      readonly span: Span;
    } & EndCommented)
  | ({
      readonly kind: 'parallel';
      readonly branches: readonly (readonly Stmt[])[];
      /**
       * Comment lines before each `branch`, by branch index: as long as `branches` (with empty
       * entries) when any branch has some, absent otherwise.
       */
      readonly branchComments?: readonly (readonly string[])[];
      readonly span: Span;
    } & EndCommented)
  | ({
      readonly kind: 'for_each';
      readonly name: Binding;
      readonly list: Expr;
      readonly body: readonly Stmt[];
      readonly span: Span;
    } & EndCommented)
  | {
      readonly kind: 'emit';
      readonly event: QualifiedName;
      readonly fields: readonly NamedArg[];
      readonly span: Span;
    }
  | ({
      /** v2: `wait for first case ... [within D ...] end`; `onTimeout` is what follows `within`. */
      readonly kind: 'wait_first';
      readonly cases: readonly WaitCase[];
      readonly within?: DurationLit;
      readonly onTimeout?: readonly Stmt[];
      /** Comment lines before `within`. */
      readonly onTimeoutComments?: readonly string[];
      readonly span: Span;
    } & EndCommented)
  | { readonly kind: 'log'; readonly message: Expr; readonly span: Span }
  | { readonly kind: 'stop'; readonly message?: Expr; readonly span: Span }
  | { readonly kind: 'fail'; readonly message: Expr; readonly span: Span }
) &
  Commented;

/** v2: one `case EVENT [as NAME] [where EXPR]` of a `wait for first`, and its statements. */
export interface WaitCase extends Commented {
  readonly event: QualifiedName;
  readonly as?: Binding;
  readonly where?: Expr;
  readonly body: readonly Stmt[];
  readonly span: Span;
}

/** One `if` or `else if` of an `if` statement. */
export interface IfBranch extends Commented {
  readonly cond: Expr;
  readonly body: readonly Stmt[];
  readonly span: Span;
}

// ---------------------------------------------------------------- rules and declarations

/** Defined with the IR (`runtime/ir.ts`), which carries it into runs. */
export type { ConcurrencyMode };

/** The clauses between a rule's header and `do`, kept in source order (each should appear once). */
export type Clause = (
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
  | { readonly kind: 'disabled'; readonly span: Span }
  // v2 flow control (LANGUAGE.md §9)
  | {
      readonly kind: 'debounce';
      readonly quiet: DurationLit;
      readonly max?: DurationLit;
      readonly span: Span;
    }
  | {
      readonly kind: 'batch';
      readonly size: number;
      readonly sizeSpan: Span;
      readonly within?: DurationLit;
      readonly span: Span;
    }
  | {
      readonly kind: 'throttle' | 'limit';
      readonly runs: number;
      readonly runsSpan: Span;
      readonly per: DurationLit;
      readonly span: Span;
    }
  | {
      readonly kind: 'cancel_on';
      readonly event: QualifiedName;
      readonly as?: Binding;
      readonly where?: Expr;
      readonly span: Span;
    }
) &
  Commented;

/** A rule. Comments before `do`, `compensate` and `end` are kept in the fields named after them. */
export interface RuleDecl extends Commented {
  readonly kind: 'rule';
  readonly name: string;
  readonly nameSpan: Span;
  readonly description?: string;
  readonly clauses: readonly Clause[];
  readonly body: readonly Stmt[];
  /** Present (possibly empty) when the rule has a `compensate` section. */
  readonly compensate?: readonly Stmt[];
  /** Comment lines before `do` (after the last clause). */
  readonly doComments?: readonly string[];
  /** Comment lines before `compensate` (after the last statement of `do`). */
  readonly compensateComments?: readonly string[];
  /** Comment lines before the rule's `end`. */
  readonly endComments?: readonly string[];
  readonly span: Span;
}

/** An event schema; `endComments` are the comment lines before its `}`. */
export interface EventDecl extends Commented, EndCommented {
  readonly kind: 'event';
  readonly name: string;
  readonly nameSpan: Span;
  readonly fields: readonly FieldDecl[];
  readonly span: Span;
}

export interface ActionDecl extends Commented {
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
  /** Comment lines after the last declaration (all of them in a file without declarations). */
  readonly trailingComments?: readonly string[];
}
