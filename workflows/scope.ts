/**
 * The interpreter's scope chain, mirroring the checker's (`dsl/check/scope.ts`): a block gets a
 * child frame, the names it binds end with it, `set` rebinds the nearest binding. The checker has
 * already refused shadowing, unbound `set`s and reserved names, so frames only store values.
 */
import { defineField, type EvalScope, type Value } from '../dsl/runtime';

/** A plain JSON snapshot of one frame's own bindings (for continue-as-new and queries). */
export type FrameSnapshot = Readonly<Record<string, Value>>;

/** Where the frames that are alive right now are registered, so a query can show them. */
export interface FrameRegistry {
  add(frame: Frame): void;
  delete(frame: Frame): void;
}

/** One block's bindings, linked to the frame of the block around it. */
export class Frame {
  private readonly values = new Map<string, Value>();

  private constructor(
    readonly parent: Frame | undefined,
    private readonly registry: FrameRegistry,
  ) {
    registry.add(this);
  }

  /** The outermost frame: `event` / `input`. */
  static root(registry: FrameRegistry): Frame {
    return new Frame(undefined, registry);
  }

  /** A frame for a nested block; call `close()` when the block ends. */
  child(): Frame {
    return new Frame(this, this.registry);
  }

  /** The block ended: its names are gone (and no longer shown by queries). */
  close(): void {
    this.registry.delete(this);
  }

  /** `let`, loop variables, `as` names: bind in this frame. */
  bind(name: string, value: Value): void {
    this.values.set(name, value);
  }

  /** `set`: rebinds the nearest frame that holds `name`; false when none does. */
  rebind(name: string, value: Value): boolean {
    for (const f of this.chain()) {
      if (f.values.has(name)) {
        f.values.set(name, value);
        return true;
      }
    }
    return false;
  }

  /** Whether this frame itself (not its parents) binds `name`. */
  hasOwn(name: string): boolean {
    return this.values.has(name);
  }

  /** The value of `name` in this frame only; null when it is not bound here. */
  own(name: string): Value {
    return this.values.get(name) ?? null;
  }

  /** Everything visible from this frame, outer names first, as the evaluator wants it. */
  evalScope(): EvalScope {
    const chain = this.chain().reverse();
    // A null-prototype object: the evaluator looks names up with `Object.hasOwn`, and no binding can
    // reach `Object.prototype`.
    const out = Object.create(null) as Record<string, Value>;
    for (const f of chain) for (const [name, value] of f.values) defineField(out, name, value);
    return out;
  }

  /** `evalScope()` plus one more name (a `wait for`'s `as`, bound to a candidate event). */
  evalScopeWith(name: string, value: Value): EvalScope {
    const out = this.evalScope() as Record<string, Value>;
    defineField(out, name, value);
    return out;
  }

  /** This frame and its ancestors, innermost first. */
  private chain(): Frame[] {
    const frames: Frame[] = [];
    let f: Frame | undefined = this.parent;
    frames.push(this);
    for (; f; f = f.parent) frames.push(f);
    return frames;
  }

  /** This frame's own bindings as plain data. */
  snapshot(): FrameSnapshot {
    const out: Record<string, Value> = {};
    for (const [name, value] of this.values) defineField(out, name, value);
    return out;
  }

  /** Puts back bindings saved by `snapshot()` (resuming after continue-as-new). */
  restore(snapshot: FrameSnapshot): void {
    for (const name of Object.keys(snapshot)) this.values.set(name, snapshot[name] ?? null);
  }
}
