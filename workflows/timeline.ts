/**
 * A run's timeline, bounded so that a run looping for weeks neither bloats its memory nor the
 * state it carries through continue-as-new: the latest `TIMELINE_LIMIT` entries are kept, older
 * ones are counted.
 */
import type { Span } from '../dsl/runtime';
import type { TimelineEntry } from './contract';
import { sourceRef } from './contract';

/** Entries kept; older ones are dropped and counted. */
export const TIMELINE_LIMIT = 500;
/** Longest `detail` kept; longer text is cut (a log line may interpolate a large value). */
export const TIMELINE_DETAIL_LIMIT = 1000;

/** What a timeline saves across continue-as-new. */
export interface TimelineSnapshot {
  readonly entries: readonly TimelineEntry[];
  readonly dropped: number;
}

/** The timeline of one run (carried through continue-as-new). */
export class Timeline {
  private entries: TimelineEntry[] = [];
  private droppedCount = 0;

  constructor(saved?: TimelineSnapshot) {
    if (saved) {
      this.entries = [...saved.entries].slice(-TIMELINE_LIMIT);
      this.droppedCount = saved.dropped + Math.max(0, saved.entries.length - TIMELINE_LIMIT);
    }
  }

  /** Appends an entry stamped with the workflow's clock. */
  add(kind: TimelineEntry['kind'], detail: string, span?: Span): void {
    const text =
      detail.length > TIMELINE_DETAIL_LIMIT ? `${detail.slice(0, TIMELINE_DETAIL_LIMIT - 1)}…` : detail;
    this.entries.push({
      at: new Date(Date.now()).toISOString(),
      kind,
      ...(span ? { source: sourceRef(span) } : {}),
      detail: text,
    });
    if (this.entries.length > TIMELINE_LIMIT) {
      this.entries.splice(0, this.entries.length - TIMELINE_LIMIT);
      this.droppedCount++;
    }
  }

  get dropped(): number {
    return this.droppedCount;
  }

  list(): readonly TimelineEntry[] {
    return [...this.entries];
  }

  snapshot(): TimelineSnapshot {
    return { entries: [...this.entries], dropped: this.droppedCount };
  }
}
