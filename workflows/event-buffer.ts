/**
 * Events delivered to a run, kept from the start of the run so that an event that arrives before
 * its `wait for` is reached is still seen. Delivery is deduplicated by event id (the router may
 * deliver an event both live and again when the run subscribes); a `wait for` consumes the first
 * unconsumed event, in arrival order, that it accepts, so one event answers one wait.
 *
 * Both lists are bounded, because they travel through continue-as-new: past `BUFFER_LIMIT`
 * unconsumed events the oldest are dropped (and counted), past `SEEN_LIMIT` ids the oldest are
 * forgotten.
 */
import { containsSecretMarker, isPlainObject } from '../dsl/runtime';
import type { RunEvent } from './contract';

/** Unconsumed events kept. */
export const BUFFER_LIMIT = 1000;
/** Event ids remembered for deduplication. */
export const SEEN_LIMIT = 10_000;

/** What the buffer saves across continue-as-new. */
export interface EventBufferSnapshot {
  readonly pending: readonly RunEvent[];
  readonly seen: readonly string[];
  readonly dropped: number;
}

/** The outcome of a delivery, for the timeline. */
export type Delivery =
  | { readonly kind: 'accepted'; readonly event: RunEvent }
  | { readonly kind: 'duplicate' }
  | { readonly kind: 'rejected'; readonly reason: string };

/** The events delivered to a run and not yet consumed, plus the ids already seen. */
export class EventBuffer {
  private pending: RunEvent[] = [];
  private readonly seen = new Set<string>();
  private droppedCount = 0;
  /** Bumped on every accepted delivery, so waiters can tell that something new arrived. */
  private arrivals = 0;

  constructor(saved?: EventBufferSnapshot) {
    if (saved) {
      this.pending = [...saved.pending];
      for (const id of saved.seen) this.seen.add(id);
      this.droppedCount = saved.dropped;
    }
  }

  /** Remembers an id without buffering anything (the run's own trigger event). */
  markSeen(id: string): void {
    this.remember(id);
  }

  /** Accepts an event from a signal, unless it is malformed, forged or a duplicate. */
  deliver(raw: unknown): Delivery {
    const problem = checkEvent(raw);
    if (problem) return { kind: 'rejected', reason: problem };
    const event = raw as RunEvent;
    if (this.seen.has(event.id)) return { kind: 'duplicate' };
    this.remember(event.id);
    this.pending.push(event);
    this.arrivals++;
    if (this.pending.length > BUFFER_LIMIT) {
      this.pending.shift();
      this.droppedCount++;
    }
    return { kind: 'accepted', event };
  }

  /**
   * Removes and returns the first pending event of `type` that `accepts` (in arrival order), or
   * undefined. `accepts` may throw; the event then stays pending.
   */
  take(type: string, accepts: (event: RunEvent) => boolean): RunEvent | undefined {
    for (let i = 0; i < this.pending.length; i++) {
      const event = this.pending[i];
      if (event.type !== type || !accepts(event)) continue;
      this.pending.splice(i, 1);
      return event;
    }
    return undefined;
  }

  /**
   * v2 (`wait for first`): removes and returns the first pending event, of any type, that
   * `accepts`, in arrival order.
   */
  takeFirst(accepts: (event: RunEvent) => boolean): RunEvent | undefined {
    for (let i = 0; i < this.pending.length; i++) {
      const event = this.pending[i];
      if (!accepts(event)) continue;
      this.pending.splice(i, 1);
      return event;
    }
    return undefined;
  }

  /** v2 (`cancel on`): the pending events of `type`, oldest first, left in place. */
  pendingOf(type: string): readonly RunEvent[] {
    return this.pending.filter((e) => e.type === type);
  }

  /** How many events were accepted so far in this run. */
  get arrivalCount(): number {
    return this.arrivals;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  get size(): number {
    return this.pending.length;
  }

  snapshot(): EventBufferSnapshot {
    return { pending: [...this.pending], seen: [...this.seen], dropped: this.droppedCount };
  }

  private remember(id: string): void {
    this.seen.add(id);
    if (this.seen.size > SEEN_LIMIT) {
      const oldest = this.seen.values().next();
      if (!oldest.done) this.seen.delete(oldest.value);
    }
  }
}

/**
 * Why an event cannot enter a run, or undefined when it can. Event data is untrusted: it must not
 * carry secret markers, which activities would resolve into real secrets.
 */
export function checkEvent(raw: unknown): string | undefined {
  if (!isPlainObject(raw)) return 'an event must be an object';
  const e = raw as Record<string, unknown>;
  if (typeof e['id'] !== 'string' || e['id'] === '') return 'an event needs a non-empty id';
  if (typeof e['type'] !== 'string' || e['type'] === '') return `event ${e['id']} has no type`;
  if (typeof e['time'] !== 'string') return `event ${e['id']} has no time`;
  if (!isPlainObject(e['data'])) return `event ${e['id']}: data must be an object`;
  if (containsSecretMarker(e['data'])) {
    return `event ${e['id']} (${e['type']}): its data contains a secret marker ($secret/$template), which events may not carry`;
  }
  return undefined;
}
