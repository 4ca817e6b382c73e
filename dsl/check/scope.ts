/**
 * Names in scope while checking a rule, and the per-rule bookkeeping (step ids, the events, actions
 * and secrets the rule uses).
 *
 * Scoping: `event` and `input` are visible everywhere in the rule; a block (an `if` branch, a loop
 * body, a `parallel` branch, an `on timeout` body) sees the names of the blocks around it, and the
 * names it binds end with it. A name may not be bound again while it is visible (no shadowing), but
 * two sibling blocks may each bind the same name. The interpreter keeps a scope chain the same way.
 */
import type { CheckEnv } from './env';
import type { Span } from '../core/span';
import type { Type } from './semantic-types';

/** How a name got bound; only `let` bindings (including `let x = call ...`) may be `set`. */
export type BindingKind = 'event' | 'input' | 'let' | 'loop' | 'wait' | 'approve' | 'window' | 'cancel';

export interface BindingInfo {
  readonly name: string;
  readonly type: Type;
  readonly kind: BindingKind;
  /** Where the name was bound; absent for `event` and `input`. */
  readonly span?: Span;
  used: boolean;
  /** For the copies `compensate` sees of the body's bindings: the original, to mark it used. */
  readonly origin?: BindingInfo;
}

export class Scope {
  private readonly names = new Map<string, BindingInfo>();

  constructor(private readonly parent?: Scope) {}

  child(): Scope {
    return new Scope(this);
  }

  lookup(name: string): BindingInfo | undefined {
    return this.names.get(name) ?? this.parent?.lookup(name);
  }

  declare(binding: BindingInfo): void {
    this.names.set(binding.name, binding);
  }

  /** Bindings made directly in this scope, in order. */
  own(): BindingInfo[] {
    return [...this.names.values()];
  }

  /** Every visible name, for "did you mean". */
  visible(): string[] {
    return [...new Set([...this.names.keys(), ...(this.parent?.visible() ?? [])])];
  }
}

/** What checking one rule accumulates besides diagnostics. */
export class RuleContext {
  private nextId = 1;
  readonly events = new Set<string>();
  readonly actions = new Set<string>();
  readonly secrets = new Set<string>();
  /** Every `let` binding, for the unused-binding warning. */
  readonly lets: BindingInfo[] = [];

  // v2 bookkeeping (LANGUAGE.md §9–12)
  private nextWindowId = 1;
  /** Whether a window may appear in the expression being checked (see `allowingWindows`). */
  windowsAllowed = false;
  /** Checking a window's `where` or an aggregate's value (windows do not nest). */
  inWindow = false;
  /** The part of the rule being checked: decides whether `previous` and `events` are names there. */
  place: RulePlace = 'do';
  /** The type of the trigger event (`previous` is it, optional; `events` a list of it). */
  eventType: Type | undefined;
  /** The rule has `debounce` or `batch`, so `events` is a name in `do`. */
  collects = false;
  usesPrevious = false;
  usesEvents = false;
  /** A v2 construct was used: the rule's IR is `irVersion: 2`. */
  v2 = false;

  constructor(
    readonly env: CheckEnv,
    /** Which trigger the rule has, to explain a stray `event` or `input`. */
    readonly trigger: 'on' | 'every' | 'manual' | 'none',
  ) {}

  /** The next step id, in pre-order. */
  stepId(): number {
    return this.nextId++;
  }

  /** The next window id, in source order. */
  windowId(): number {
    return this.nextWindowId++;
  }

  /** Runs `check` with windows allowed (or not) in the expressions it checks. */
  allowingWindows<R>(allowed: boolean, check: () => R): R {
    const before = this.windowsAllowed;
    this.windowsAllowed = allowed;
    try {
      return check();
    } finally {
      this.windowsAllowed = before;
    }
  }
}

/** Where in a rule an expression is: the guard, the key, `do`/`compensate`, a `cancel on`'s `where`. */
export type RulePlace = 'when' | 'key' | 'do' | 'cancel';
