/**
 * The router: claims pending events from the outbox (`FOR NO KEY UPDATE SKIP LOCKED`, so any number
 * of engine processes share the work and none routes an event another one holds), routes each to the
 * enabled rules it triggers and to the runs waiting for it, and marks it routed in the same
 * transaction. A crash rolls the claim back: the event is pending again and routed after restart,
 * and the outcome rows written so far make that second routing start nothing twice.
 */
import type { Client } from '@temporalio/client';
import type { Database, Sql } from '../db/sql';
import type { Listener } from '../db/notify';
import { EVENTS_CHANNEL, STORED_EVENT_COLUMNS, type StoredEventRow } from '../ingest/stored-event';
import { Nap } from '../process/nap';
import { ActiveRuleCache } from '../registry/active-rules';
import { Lanes } from './ordering';
import { claimablePartitioned } from './partitions';
import { routeEvents } from './route-batch';
import type { RouteOutcome, RouteRuleDeps } from './route-rule';
import { signalBatch, type Signalled } from './subscriptions';

export interface RouterOptions {
  readonly db: Database;
  readonly client: Client;
  readonly taskQueue: string;
  /** Shared with the event store, so both read the rules once per registry change. */
  readonly rules?: ActiveRuleCache;
  /** Events claimed per transaction (default 50). */
  readonly batchSize?: number;
  /** How often an idle router looks for events stored by other processes (default 200 ms). */
  readonly pollIntervalMs?: number;
  /** Failed routing attempts before an event is marked `failed` (default 20). */
  readonly maxAttempts?: number;
  /** Delay before attempt N+1 (default: 1 s doubling, at most 5 min). */
  readonly retryDelayMs?: (attempt: number) => number;
  /** Claimed batches routing at once in the loop (default 2); 1 routes one batch at a time. */
  readonly batchesInFlight?: number;
  /** How long `replace` lets a cancelled run compensate before terminating it (default 10 s). */
  readonly replaceGraceMs?: number;
  readonly onStarted?: RouteRuleDeps['onStarted'];
  /** Where routing errors are reported (default: silent; they are stored on the event too). */
  readonly onError?: (error: unknown, eventId: string) => void;
}

/** What routing one event did. */
export interface RoutedEvent {
  readonly eventId: string;
  readonly outcomes: readonly RouteOutcome[];
  /** Runs waiting for the event that were signalled. */
  readonly signalled: number;
}

function defaultRetryDelay(attempt: number): number {
  return Math.min(300_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

/** Routes stored events; `start()` runs the loop, `routeBatch()` one claim (tests, benchmarks). */
export class Router {
  private readonly rules: ActiveRuleCache;
  private readonly deps: RouteRuleDeps;
  private running: Promise<void> | undefined;
  private stopping = false;
  private readonly nap = new Nap();
  private woken = false;
  /** Shared by the batches in flight: one key's starts stay in stored order across batches. */
  private readonly lanes = new Lanes();
  private signalTail: Promise<void> = Promise.resolve();
  private listener: Listener | undefined;

  constructor(private readonly options: RouterOptions) {
    this.rules = options.rules ?? new ActiveRuleCache(options.db);
    this.deps = {
      db: options.db,
      client: options.client,
      taskQueue: options.taskQueue,
      replaceGraceMs: options.replaceGraceMs ?? 10_000,
      ...(options.onStarted ? { onStarted: options.onStarted } : {}),
    };
  }

  /**
   * Claims up to `batchSize` pending events and routes them; returns what each did. `claimed` is
   * called with the number of events claimed once their starts are queued in their lanes (or
   * nothing was claimed): from then on another batch may claim and queue behind them.
   */
  async routeBatch(claimed?: (count: number) => void): Promise<RoutedEvent[]> {
    const { db } = this.options;
    // On one session (embedded PGlite, one process by its lock file) a claim needs no lock held
    // until commit, and a transaction would hold back every ingest while runs start and keep the
    // 'starting' rows uncommitted until the end: there each statement commits on its own.
    if (db.singleSession) return this.claimAndRoute(db, claimed);
    return db.transaction((tx) => this.claimAndRoute(tx, claimed));
  }

  private async claimAndRoute(tx: Sql, claimed?: (count: number) => void): Promise<RoutedEvent[]> {
    const rows = await this.claim(tx);
    if (rows.length === 0) {
      claimed?.(0);
      return [];
    }
    // Taken in claim order, before a next batch may claim: runs get signals in stored order.
    const turn = this.signalTurn();
    try {
      return await this.routeClaimed(tx, rows, turn.wait, () => claimed?.(rows.length));
    } finally {
      turn.done();
    }
  }

  /**
   * Locks the rows of the next batch. NO KEY UPDATE rather than UPDATE: outcome rows are written
   * on other connections while the claim is held, and their foreign key to the event takes a KEY
   * SHARE lock that UPDATE blocks. Several sessions: only events of partitions this claim could
   * lock (partitions.ts), so one key is never routed by two processes at once.
   */
  private async claim(tx: Sql): Promise<(StoredEventRow & { route_attempts: number })[]> {
    const batchSize = this.options.batchSize ?? 50;
    if (this.options.db.singleSession) {
      const { rows } = await tx.query<StoredEventRow & { route_attempts: number }>(
        `SELECT ${STORED_EVENT_COLUMNS}, route_attempts FROM events
            WHERE route_status = 'pending' AND (route_after IS NULL OR route_after <= now())
            ORDER BY received_at, id LIMIT $1 FOR NO KEY UPDATE SKIP LOCKED`,
        [batchSize],
      );
      return rows;
    }
    const ids = await claimablePartitioned(tx, batchSize);
    if (ids.length === 0) return [];
    // Pending is checked again once locked: a router that held the partition before may have
    // routed some of them since the candidates were read.
    const { rows } = await tx.query<StoredEventRow & { route_attempts: number }>(
      `SELECT ${STORED_EVENT_COLUMNS}, route_attempts FROM events
          WHERE id = ANY($1::text[]) AND route_status = 'pending'
          ORDER BY received_at, id FOR NO KEY UPDATE SKIP LOCKED`,
      [ids],
    );
    return rows;
  }

  private async routeClaimed(
    tx: Sql,
    rows: readonly (StoredEventRow & { route_attempts: number })[],
    signalTurn: Promise<void>,
    queued: () => void,
  ): Promise<RoutedEvent[]> {
    const maxAttempts = this.options.maxAttempts ?? 20;
    const retryDelay = this.options.retryDelayMs ?? defaultRetryDelay;
    const routed: RoutedEvent[] = [];
    const failed: { row: (typeof rows)[number]; error: unknown }[] = [];
    // Runs for different rules and keys start concurrently; per key, in stored order (also
    // behind the same key's starts of a batch still in flight).
    const started = await routeEvents(this.deps, tx, rows, await this.rules.get(), {
      lanes: this.lanes,
      onQueued: queued,
    });
    const ok = rows.filter((row) => {
      const result = started.get(row.id);
      if (result?.ok) return true;
      failed.push({ row, error: result?.error ?? new Error(`event ${row.id} was not routed`) });
      return false;
    });
    // Then the runs waiting for the events: each run sees matching events in stored order.
    let signalled: Signalled[];
    try {
      await signalTurn;
      signalled = await signalBatch({ db: this.options.db, client: this.options.client }, ok);
    } catch (error) {
      signalled = ok.map(() => ({ ok: false, error }));
    }
    ok.forEach((row, i) => {
      const result = signalled[i];
      const outcomes = started.get(row.id);
      if (!result.ok) failed.push({ row, error: result.error });
      else if (outcomes?.ok)
        routed.push({ eventId: row.id, outcomes: outcomes.values, signalled: result.count });
    });
    for (const { row, error } of failed) {
      this.options.onError?.(error, row.id);
      const attempts = row.route_attempts + 1;
      await tx.query(
        `UPDATE events SET route_attempts = $2::integer, route_error = $3,
                  route_status = CASE WHEN $2::integer >= $4::integer THEN 'failed' ELSE 'pending' END,
                  route_after = now() + make_interval(secs => $5::double precision)
            WHERE id = $1`,
        [
          row.id,
          attempts,
          error instanceof Error ? error.message : String(error),
          maxAttempts,
          retryDelay(attempts) / 1000,
        ],
      );
    }
    // One statement for the whole batch: the claim is held until commit anyway.
    if (routed.length > 0) {
      await tx.query(
        `UPDATE events SET route_status = 'routed', routed_at = now(), route_error = NULL,
                  route_attempts = route_attempts + 1 WHERE id = ANY($1::text[])`,
        [routed.map((r) => r.eventId)],
      );
    }
    return routed;
  }

  /** A place in the signal order: `wait` resolves when the batches claimed before are done signalling. */
  private signalTurn(): { wait: Promise<void>; done: () => void } {
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const wait = this.signalTail;
    this.signalTail = wait.then(() => mine);
    return { wait, done };
  }

  /** Routes until no pending event is due; returns how many were routed. */
  async drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await this.routeBatch();
      total += batch.length;
      if (batch.length === 0) return total;
    }
  }

  /** Starts the loop: route while there is work, otherwise sleep until polled or woken. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    // Events committed by other processes (ingest elsewhere, a worker's emit) wake it at once;
    // the poll stays as the fallback (a lost notification, a listener reconnecting).
    this.listener = this.options.db.listen?.(EVENTS_CHANNEL, () => this.wake());
    this.running = this.loop();
  }

  /** Routes at once instead of at the next poll (ingest calls it after storing events). */
  wake(): void {
    this.woken = true;
    this.nap.wake();
  }

  /** Finishes the batch in progress and stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.nap.wake();
    await this.listener?.close();
    this.listener = undefined;
    await this.running;
    this.running = undefined;
  }

  /**
   * Claims a batch, and as soon as its starts are queued, the next one, with up to
   * `batchesInFlight` batches routing at once: a batch waits for its slowest start before it
   * commits, and the next batch's starts fill that wait. Sleeps when a claim comes back empty.
   */
  private async loop(): Promise<void> {
    const poll = this.options.pollIntervalMs ?? 200;
    // Batches on one session could claim the same events (no lock is held): one at a time there.
    const most = this.options.db.singleSession ? 1 : (this.options.batchesInFlight ?? 2);
    const inFlight = new Set<Promise<void>>();
    while (!this.stopping) {
      this.woken = false;
      let claim!: (count: number) => void;
      const claimed = new Promise<number>((resolve) => (claim = resolve));
      const batch = this.routeBatch(claim).then(
        () => claim(0),
        (err: unknown) => {
          // The database is unreachable: report it and keep polling, nothing is lost.
          this.options.onError?.(err, '');
          claim(0);
        },
      );
      inFlight.add(batch);
      void batch.then(() => inFlight.delete(batch));
      const count = await claimed;
      if (count > 0 && !this.stopping) {
        if (inFlight.size >= most) await Promise.race(inFlight);
        continue;
      }
      if (this.woken || this.stopping) continue;
      await this.nap.sleep(poll);
    }
    await Promise.all(inFlight);
  }
}
