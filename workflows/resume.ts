/**
 * Continue-as-new: what a run carries into its next execution (`RunInput.resume`), and the
 * `Suspend` exception that collects it.
 *
 * When the history grows long (`workflowInfo().continueAsNewSuggested`, or the internal
 * `historyEventLimit`), the interpreter suspends at a safe point: before a step of a block, or
 * while blocked in a `wait for` / `approve`. `Suspend` is thrown there and unwinds the blocks; each
 * block adds its position and bindings, each enclosing `if`, `for each` or `on timeout` adds which
 * branch / iteration it was in. The next execution walks the same path down and carries on.
 *
 * Safe points exist everywhere except inside `parallel` branches (siblings run concurrently and
 * cannot be frozen one by one) and inside `compensate`; a long loop inside a `parallel` branch
 * therefore cannot continue as new and relies on the server's history limits.
 */
import { isPlainObject, type Value } from '../dsl/runtime';
import type { RunTrigger } from './contract';
import type { EventBufferSnapshot } from './event-buffer';
import type { FrameSnapshot } from './scope';
import type { TimelineSnapshot } from './timeline';

/** How a block may behave. */
export interface BlockOptions {
  /** Whether the block may continue as new at its safe points (not in `parallel`, `compensate`). */
  readonly suspendable: boolean;
}

/** Version of the `ResumeState` layout; bump together with a `patched()` migration. */
export const RESUME_VERSION = 1;

/** Where inside the step a block was at, when that step is a structure. */
export type ResumeInner =
  /** in branch `branch` of an `if` (`branches.length` means `else`) */
  | { readonly kind: 'if'; readonly branch: number; readonly block: ResumeBlock }
  /** in iteration `iteration` of a `for each` over `list` (the list is evaluated once) */
  | {
      readonly kind: 'for_each';
      readonly list: readonly Value[];
      readonly iteration: number;
      readonly block: ResumeBlock;
    }
  /** in the `on timeout` body of a `wait for` or `approve` */
  | { readonly kind: 'timeout'; readonly block: ResumeBlock }
  /** blocked in a `wait for` / `approve` that gives up at `deadline` (ms), or never */
  | { readonly kind: 'wait' | 'approve'; readonly deadline: number | null }
  /** v2: blocked in a `wait for first` that gives up at `deadline` (ms), or never */
  | { readonly kind: 'wait_first'; readonly deadline: number | null }
  /** v2: in the body of case `index` of a `wait for first` (its name is in the block's bindings) */
  | { readonly kind: 'case'; readonly index: number; readonly block: ResumeBlock };

/** A position in a block: the step to run next, or the structure step `inner` is inside. */
export interface ResumeBlock {
  readonly index: number;
  readonly bindings: FrameSnapshot;
  readonly inner?: ResumeInner;
}

/** `RunInput.resume`: everything a run carries into its next execution. */
export interface ResumeState {
  readonly v: typeof RESUME_VERSION;
  /** When the logical run started (ms): the rule's `timeout` counts from here. */
  readonly runStartedAt: number;
  /** Per step id, how many times the step ran: keeps idempotency keys distinct. */
  readonly occurrences: Readonly<Record<string, number>>;
  /** Triggers queued behind this run (`concurrency queue`). */
  readonly queue: readonly RunTrigger[];
  /** Event ids of triggers already taken from the queue, so a re-delivered trigger is ignored. */
  readonly handledTriggers: readonly string[];
  /** Where `do` stopped; absent when the run starts a queued trigger from the beginning. */
  readonly position?: ResumeBlock;
  readonly events?: EventBufferSnapshot;
  readonly timeline?: TimelineSnapshot;
  /** A first timeline line for a queued run: how the run before it ended. */
  readonly note?: string;
}

/** Thrown at a safe point to continue as new; gathers the position while it unwinds. */
export class Suspend extends Error {
  /** Set by the innermost block that caught it: where that block was. */
  block?: ResumeBlock;
  /** Set by a structure step: where inside itself it was. */
  step?: ResumeInner;

  constructor() {
    super('continuing as new');
    this.name = 'Suspend';
  }

  /** A block suspending before its step `index`. */
  static before(index: number, bindings: FrameSnapshot): Suspend {
    const s = new Suspend();
    s.block = { index, bindings };
    return s;
  }

  /** A structure step suspending inside itself. */
  static inside(step: ResumeInner): Suspend {
    const s = new Suspend();
    s.step = step;
    return s;
  }
}

/**
 * Reads `RunInput.resume`; undefined when absent. Only the interpreter writes it, so a shape it
 * does not recognise means a run from another interpreter version: an error message is returned.
 */
export function readResume(raw: unknown): ResumeState | string | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw)) return 'resume state is not an object';
  const r = raw as Record<string, unknown>;
  if (r['v'] !== RESUME_VERSION) return `resume state version ${String(r['v'])} is not ${RESUME_VERSION}`;
  if (typeof r['runStartedAt'] !== 'number') return 'resume state has no start time';
  if (
    !isPlainObject(r['occurrences']) ||
    !Array.isArray(r['queue']) ||
    !Array.isArray(r['handledTriggers'])
  ) {
    return 'resume state is incomplete';
  }
  return raw as unknown as ResumeState;
}
