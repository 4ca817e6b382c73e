/**
 * Group commit for concurrent writers: requests that arrive while earlier writes are in flight
 * wait and are written together, in one statement and one commit. A lone request is written at
 * once (no timer, no added latency); under load, one commit carries many requests, which is what
 * lets ingest keep up with the rate runs can be started at.
 */

/** Writes the items of several requests at once; resolves to what each request needs back. */
export type WriteMany<T, R> = (items: readonly T[]) => Promise<R>;

interface Waiting<T, R> {
  readonly items: readonly T[];
  resolve(result: R): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /** Writes in flight at once (default 2): the next group forms while these commit. */
  readonly concurrency?: number;
  /** Most items per write (default 1000); a single larger request is still written whole. */
  readonly maxItems?: number;
}

/**
 * Queues `write` calls and runs them grouped. When a grouped write fails, each request of the
 * group is written again on its own, so one bad request fails alone and the others are unaffected.
 */
export class GroupCommit<T, R> {
  private readonly queue: Waiting<T, R>[] = [];
  private inFlight = 0;
  private readonly concurrency: number;
  private readonly maxItems: number;

  constructor(
    private readonly writeMany: WriteMany<T, R>,
    options: GroupCommitOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 2;
    this.maxItems = options.maxItems ?? 1000;
  }

  /** Writes `items` (with whatever other requests are waiting); resolves once they are committed. */
  write(items: readonly T[]): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.concurrency && this.queue.length > 0) {
      const group = this.take();
      this.inFlight++;
      void this.flush(group).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  /** The oldest requests, up to `maxItems` items (at least one request). */
  private take(): Waiting<T, R>[] {
    let count = 0;
    let n = 0;
    while (n < this.queue.length && (n === 0 || count + this.queue[n].items.length <= this.maxItems)) {
      count += this.queue[n].items.length;
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async flush(group: readonly Waiting<T, R>[]): Promise<void> {
    try {
      const result = await this.writeMany(group.flatMap((w) => w.items));
      for (const w of group) w.resolve(result);
    } catch (error) {
      if (group.length === 1) {
        group[0].reject(error);
        return;
      }
      // Which request broke the statement is unknown: give each its own attempt.
      await Promise.all(
        group.map((w) =>
          this.writeMany(w.items).then(
            (result) => w.resolve(result),
            (err: unknown) => w.reject(err),
          ),
        ),
      );
    }
  }
}
