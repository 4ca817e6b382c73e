/**
 * The intermediate representation executed by the interpreter workflow. Defined once, here.
 *
 * The IR is plain JSON (no classes, no `undefined` values, no Maps) so it can travel in a
 * workflow's input, be stored with a rule version and be hashed. Every node is tagged by `kind`.
 * Every step and every expression keeps its source position under a key named exactly `span`, so a
 * runtime failure names the rule file and line; the version `hash` ignores those keys (see
 * `check/canonical-json.ts`).
 *
 * Runtime values (what expressions produce) are JSON values too, see `value.ts`.
 */
import type { Span } from '../core/span';
import type { TypeIR, EventSchemaIR, ActionSignatureIR } from './ir-types';

/** Bumped whenever the shape or meaning of the IR changes; the interpreter refuses other versions. */
export const IR_VERSION = 1;

/**
 * v2: the version of a rule that uses any v2 construct (flow control, `cancel on`, `previous`,
 * `events`, a window, `wait for first`). A rule that uses none keeps `IR_VERSION` and the exact IR
 * (and hash) it had under v1, so deploying v2 changes no version of an unchanged rule; a worker
 * that only knows v1 refuses a v2 rule instead of running part of it.
 */
export const IR_VERSION_V2 = 2;

/** The IR versions a rule may carry. */
export type IrVersion = typeof IR_VERSION | typeof IR_VERSION_V2;

// ---------------------------------------------------------------- types (ir-types.ts)

export * from './ir-types';

// ---------------------------------------------------------------- expressions

/** Arithmetic, resolved at compile time from the operand types so the evaluator never guesses. */
export type ArithOp =
  | 'num.add'
  | 'num.sub'
  | 'num.mul'
  | 'num.div'
  | 'num.mod'
  /** `string + string` */
  | 'str.concat'
  /** `list + list` */
  | 'list.concat'
  /** `time + duration` (operands normalised so that the time is on the left) */
  | 'time.add'
  /** `time - duration` */
  | 'time.sub'
  /** `time - time`, giving a duration */
  | 'time.diff'
  | 'dur.add'
  | 'dur.sub'
  /** `duration * number` (operands normalised so that the duration is on the left) */
  | 'dur.mul'
  /** `duration / number` */
  | 'dur.div'
  /** `duration / duration`, giving a number */
  | 'dur.ratio'
  /** An operand is `any`: the evaluator dispatches on the runtime values (numbers, strings, lists). */
  | 'dyn.add'
  | 'dyn.sub'
  | 'dyn.mul'
  | 'dyn.div'
  | 'dyn.mod';

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=';

/**
 * How two values are compared: `number`, `string`, `bool` and `duration` compare as JS primitives,
 * `time` compares instants (so `...T12:00:00+02:00 == ...T10:00:00Z`), `value` is deep equality of
 * JSON values (lists, objects, null), `dynamic` picks one of these from the runtime values.
 */
export type CompareMode = 'number' | 'string' | 'bool' | 'time' | 'duration' | 'value' | 'dynamic';

/** How an interpolated value is turned into text: durations as `1h30m`, everything else by value. */
export type FormatIR = 'duration' | 'value';

/** One piece of a string template. */
export type TemplatePartIR =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'interp'; readonly expr: ExprIR; readonly format: FormatIR };

export interface ObjectFieldIR {
  readonly name: string;
  readonly value: ExprIR;
}

/** A typed expression. Parentheses are gone; every node keeps its `span`. */
export type ExprIR =
  /** A number, string, bool or null known at compile time. */
  | { readonly kind: 'literal'; readonly value: string | number | boolean | null; readonly span: Span }
  /** A duration literal; its value is `ms`. Kept apart from numbers so it prints back as `1h30m`. */
  | { readonly kind: 'duration'; readonly ms: number; readonly span: Span }
  | { readonly kind: 'template'; readonly parts: readonly TemplatePartIR[]; readonly span: Span }
  | { readonly kind: 'list'; readonly items: readonly ExprIR[]; readonly span: Span }
  | { readonly kind: 'object'; readonly fields: readonly ObjectFieldIR[]; readonly span: Span }
  | { readonly kind: 'name'; readonly name: string; readonly span: Span }
  /**
   * `a.b` (null `a` is a runtime error) or, with `optional`, `a?.b`: null `a` makes the whole
   * member/index chain null, as in JavaScript (`a?.b.c` is null when `a` is). A missing field is
   * null.
   */
  | {
      readonly kind: 'member';
      readonly object: ExprIR;
      readonly name: string;
      readonly optional: boolean;
      readonly span: Span;
    }
  /** `a[i]`: a list by a whole number, or an object by a string key. */
  | { readonly kind: 'index'; readonly object: ExprIR; readonly index: ExprIR; readonly span: Span }
  /** A built-in function; `impl` names the overload chosen by the checker (see `check/builtins.ts`). */
  | {
      readonly kind: 'call';
      readonly fn: string;
      readonly impl: string;
      readonly args: readonly ExprIR[];
      readonly span: Span;
    }
  /** `secret("NAME")`: evaluates to the opaque marker `{ $secret: NAME }`, resolved by activities. */
  | { readonly kind: 'secret'; readonly name: string; readonly span: Span }
  | {
      readonly kind: 'arith';
      readonly op: ArithOp;
      readonly left: ExprIR;
      readonly right: ExprIR;
      readonly span: Span;
    }
  | {
      readonly kind: 'compare';
      readonly op: CompareOp;
      readonly mode: CompareMode;
      readonly left: ExprIR;
      readonly right: ExprIR;
      readonly span: Span;
    }
  /** `x in list`, `"ab" in "abc"`, `x not in ...`; `mode` says which, `dynamic` decides at run time. */
  | {
      readonly kind: 'in';
      readonly negate: boolean;
      readonly mode: 'list' | 'string' | 'dynamic';
      readonly left: ExprIR;
      readonly right: ExprIR;
      readonly span: Span;
    }
  /** Short-circuit boolean operators; null counts as false. */
  | { readonly kind: 'and' | 'or'; readonly left: ExprIR; readonly right: ExprIR; readonly span: Span }
  | { readonly kind: 'not'; readonly operand: ExprIR; readonly span: Span }
  /** `left ?? right`: `right` is evaluated only when `left` is null. */
  | { readonly kind: 'coalesce'; readonly left: ExprIR; readonly right: ExprIR; readonly span: Span }
  /** Unary minus on a number, a duration, or (`dynamic`) whatever the value turns out to be. */
  | {
      readonly kind: 'neg';
      readonly mode: 'number' | 'duration' | 'dynamic';
      readonly operand: ExprIR;
      readonly span: Span;
    }
  /**
   * v2: `count(WINDOW)`, `sum(WINDOW, EXPR)`, ... over the event log. `value` is the second argument
   * (absent for `count`), evaluated with the window's `as` bound to each event.
   */
  | {
      readonly kind: 'aggregate';
      readonly fn: AggregateFn;
      readonly window: WindowIR;
      readonly value?: ExprIR;
      readonly span: Span;
    };

/** v2: the aggregates a window can be read with. */
export type AggregateFn = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'distinct';

/**
 * v2: `TYPE as NAME within DURATION [where EXPR]`: the stored events of `event` whose time lies in
 * `(now - withinMs, now]` (now: the trigger's time in a guard, the run's clock in `do`) for which
 * `where` holds with `as` bound to the event.
 */
export interface WindowIR {
  /** Numbers the rule's windows in source order, from 1; stable like step ids. */
  readonly id: number;
  readonly event: string;
  readonly as: string;
  readonly withinMs: number;
  readonly where?: ExprIR;
  /**
   * Every top-level `and`-conjunct of `where` of the shape `AS.field == EXPR` where EXPR does not
   * mention AS: the engine may push these down into its event query. `where` is still evaluated
   * whole on every candidate.
   */
  readonly correlations: readonly CorrelationIR[];
  readonly span: Span;
}

// ---------------------------------------------------------------- steps

/** Resolved retry policy of a call; `attempts` counts every attempt, the first one included. */
export interface RetryIR {
  readonly attempts: number;
  readonly initialIntervalMs: number;
  readonly backoff: number;
}

/** Retry interval when `retry N` has no `every`. */
export const DEFAULT_RETRY_INTERVAL_MS = 1000;
/** Backoff when `retry N` has no `every` (exponential, like Temporal's default). */
export const DEFAULT_BACKOFF = 2;
/** Backoff when `retry N every D` has no `backoff`: the operator asked for a fixed interval. */
export const DEFAULT_BACKOFF_WITH_INTERVAL = 1;

export interface NamedExprIR {
  readonly name: string;
  readonly value: ExprIR;
}

/**
 * `wait for T as e where e.field == <expr> ...`: the engine indexes waiting runs by (T, field,
 * value) so it can route an incoming event to the runs waiting for it without scanning them all.
 * `value` never mentions the awaited event; the whole `where` is still evaluated on delivery.
 */
export interface CorrelationIR {
  readonly field: string;
  readonly value: ExprIR;
}

/**
 * One statement. `id` numbers the steps of a rule in source order (pre-order, from 1); it is stable
 * across edits that only move text, so the interpreter can derive idempotency keys and timeline
 * entries from it.
 */
export type StepIR =
  | {
      readonly kind: 'let';
      readonly id: number;
      readonly name: string;
      readonly value: ExprIR;
      readonly span: Span;
    }
  | {
      readonly kind: 'set';
      readonly id: number;
      readonly name: string;
      readonly value: ExprIR;
      readonly span: Span;
    }
  | {
      readonly kind: 'call';
      readonly id: number;
      readonly action: string;
      readonly args: readonly NamedExprIR[];
      /** Name bound to the action's result (`let po = call ...`). */
      readonly bind?: string;
      readonly retry?: RetryIR;
      readonly timeoutMs?: number;
      readonly span: Span;
    }
  | {
      readonly kind: 'if';
      readonly id: number;
      readonly branches: readonly {
        readonly cond: ExprIR;
        readonly body: readonly StepIR[];
        readonly span: Span;
      }[];
      readonly else?: readonly StepIR[];
      readonly span: Span;
    }
  | { readonly kind: 'sleep'; readonly id: number; readonly duration: ExprIR; readonly span: Span }
  | { readonly kind: 'sleep_until'; readonly id: number; readonly time: ExprIR; readonly span: Span }
  /**
   * `where` is evaluated with `as` bound to each candidate event (every matching event recorded
   * since the run started counts); after the step, `as` is the event, or null on timeout.
   */
  | {
      readonly kind: 'wait';
      readonly id: number;
      readonly event: string;
      readonly as?: string;
      readonly where?: ExprIR;
      readonly correlation?: CorrelationIR;
      readonly withinMs?: number;
      readonly onTimeout?: readonly StepIR[];
      readonly span: Span;
    }
  /**
   * After the step, `as` is `{ approved, by, comment, at }` (`APPROVAL_TYPE` in `check/stmt.ts`),
   * or null on timeout.
   */
  | {
      readonly kind: 'approve';
      readonly id: number;
      readonly description: ExprIR;
      readonly by?: ExprIR;
      readonly as?: string;
      readonly withinMs?: number;
      readonly onTimeout?: readonly StepIR[];
      readonly span: Span;
    }
  | {
      readonly kind: 'parallel';
      readonly id: number;
      readonly branches: readonly (readonly StepIR[])[];
      readonly span: Span;
    }
  | {
      readonly kind: 'for_each';
      readonly id: number;
      readonly name: string;
      readonly list: ExprIR;
      readonly body: readonly StepIR[];
      readonly span: Span;
    }
  | {
      readonly kind: 'emit';
      readonly id: number;
      readonly event: string;
      readonly fields: readonly NamedExprIR[];
      readonly span: Span;
    }
  /**
   * v2: `wait for first case ... within ... end`: the first matching event of any case (recorded
   * since the run started) runs that case's `body` with its `as` bound there only; `onTimeout`
   * runs when none arrives within `withinMs`.
   */
  | {
      readonly kind: 'wait_first';
      readonly id: number;
      readonly cases: readonly WaitCaseIR[];
      readonly withinMs?: number;
      readonly onTimeout?: readonly StepIR[];
      readonly span: Span;
    }
  | { readonly kind: 'log'; readonly id: number; readonly message: ExprIR; readonly span: Span }
  | { readonly kind: 'stop'; readonly id: number; readonly message?: ExprIR; readonly span: Span }
  | { readonly kind: 'fail'; readonly id: number; readonly message: ExprIR; readonly span: Span };

/** v2: one `case` of a `wait for first`. */
export interface WaitCaseIR {
  readonly event: string;
  readonly as: string;
  readonly where?: ExprIR;
  readonly correlation?: CorrelationIR;
  readonly body: readonly StepIR[];
  readonly span: Span;
}

// ---------------------------------------------------------------- rules

/**
 * v2: flow control per key, applied after the guard and before `concurrency`. At most one of
 * `debounce` and `batch`, at most one of `throttle` and `limit`.
 */
export interface FlowControlIR {
  /** Start once `quietMs` passed with no further trigger, or `maxMs` after the burst's first. */
  readonly debounce?: { readonly quietMs: number; readonly maxMs?: number };
  /** Start when `size` triggers are collected, or `withinMs` after the batch's first. */
  readonly batch?: { readonly size: number; readonly withinMs?: number };
  /** At most `runs` starts per key in any `perMs`; later triggers wait, in order. */
  readonly throttle?: { readonly runs: number; readonly perMs: number };
  /** At most `runs` starts per key in any `perMs`; later triggers are dropped (`limited`). */
  readonly limit?: { readonly runs: number; readonly perMs: number };
}

/**
 * v2: `cancel on EVENT [as NAME] [where EXPR]`: a running run of the rule is cancelled (its
 * `compensate` runs) when a matching event is stored after it started. `where` sees the run's
 * `event` and `as` (default `cancel`); `correlation` is its first top-level conjunct of the shape
 * `AS.field == EXPR` (EXPR not mentioning AS), extracted as for `wait`.
 */
export interface CancelOnIR {
  readonly event: string;
  readonly as: string;
  readonly where?: ExprIR;
  readonly correlation?: CorrelationIR;
  readonly span: Span;
}

export type TriggerIR =
  | { readonly kind: 'event'; readonly event: string }
  | { readonly kind: 'schedule'; readonly intervalMs: number }
  | { readonly kind: 'schedule'; readonly cron: string; readonly timezone: string }
  /** `input` is always an object type, one field per `manual(...)` parameter. */
  | { readonly kind: 'manual'; readonly input: TypeIR };

/**
 * What a trigger does when its key already has a running run (`concurrency` clause); the AST uses
 * the same names, so they are defined here, where the run-time side can see them without the AST.
 */
export type ConcurrencyMode = 'single' | 'replace' | 'queue' | 'parallel';

/**
 * One compiled rule: everything a run needs, self-contained. The source file is `span.file`. `hash`
 * identifies the version: sha256 over the canonical JSON of this object without any `span` key and
 * without `hash` itself, so moving or reformatting text (or translating DSL ⇄ YAML) keeps it.
 */
export interface RuleIR {
  readonly irVersion: IrVersion;
  readonly name: string;
  readonly description: string | null;
  /** The rule's name in its file. */
  readonly span: Span;
  readonly trigger: TriggerIR;
  readonly guard: ExprIR | null;
  readonly key: ExprIR | null;
  readonly concurrency: ConcurrencyMode;
  readonly timeoutMs: number | null;
  readonly disabled: boolean;
  readonly body: readonly StepIR[];
  /**
   * Runs when a run fails, times out or is cancelled after `do` began. It sees `event`/`input` and
   * the names bound at the top level of `body` (null when not reached). Empty when there is none.
   */
  readonly compensate: readonly StepIR[];
  /** Every event type the rule reads, waits for or emits, sorted by name. */
  readonly events: readonly EventSchemaIR[];
  /** Every action the rule calls, sorted by name. */
  readonly actions: readonly ActionSignatureIR[];
  /** Names of the secrets the rule's expressions refer to, sorted. */
  readonly secrets: readonly string[];
  /** v2 (omitted when unused): debounce, batch, throttle, limit. */
  readonly flow?: FlowControlIR;
  /** v2 (omitted when unused). */
  readonly cancelOn?: CancelOnIR;
  /** v2: the rule mentions `previous` (the router supplies it); omitted otherwise. */
  readonly usesPrevious?: true;
  /** v2: the rule mentions `events` (with debounce or batch only); omitted otherwise. */
  readonly usesEvents?: true;
  readonly hash: string;
}

/** v2: the built-in event stored when a run fails (LANGUAGE.md §13); it needs no declaration. */
export const RUN_FAILED_EVENT: EventSchemaIR = {
  name: 'opsflow.run_failed',
  fields: [
    { name: 'rule', type: { kind: 'string' } },
    { name: 'version', type: { kind: 'int' } },
    { name: 'run_id', type: { kind: 'string' } },
    { name: 'key', type: { kind: 'optional', type: { kind: 'string' } } },
    { name: 'error', type: { kind: 'string' } },
    { name: 'step', type: { kind: 'optional', type: { kind: 'string' } } },
  ],
};
