/**
 * Runs `syncSchedules` in a process: once at start (after the engine part deployed the rule
 * folder), then whenever the registry has a newer action (deploy, SIGHUP redeploy, enable,
 * disable, rollback — from this process or any other), and every few minutes regardless, so a
 * schedule deleted or edited by hand in Temporal is repaired.
 */
import type { Client } from '@temporalio/client';
import type { Sql } from '../db/sql';
import type { EnginePart, RunningPart } from '../process/extension';
import { syncSchedules, type SyncReport } from './sync';

/** How often the registry's latest action is checked (one indexed query). */
const CHECK_MS = 2_000;
/** How often schedules are synced even when the registry did not change. */
const RESYNC_MS = 5 * 60_000;

export interface ScheduleSyncerOptions {
  readonly client: Client;
  readonly db: Sql;
  readonly taskQueue: string;
  readonly log: (line: string) => void;
  readonly checkMs?: number;
  readonly resyncMs?: number;
}

/** Syncs schedules when the registry changes; one per process (several processes are fine). */
export class ScheduleSyncer {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private generation: string | undefined;
  private syncedAt = 0;
  private stopped = false;

  constructor(private readonly options: ScheduleSyncerOptions) {}

  /** Syncs now and then keeps checking until `stop`. */
  async start(): Promise<void> {
    await this.tick();
    this.schedule();
  }

  /** Stops checking and waits for a sync in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Syncs if the registry changed since the last sync (or the resync interval passed). */
  tick(): Promise<void> {
    this.running ??= this.check().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.tick().then(() => this.schedule());
    }, this.options.checkMs ?? CHECK_MS);
  }

  private async check(): Promise<void> {
    const { db, client, taskQueue, log } = this.options;
    try {
      const { rows } = await db.query<{ generation: string | null }>(
        'SELECT max(id)::text AS generation FROM deployments',
      );
      const generation = rows[0]?.generation ?? '';
      const due = Date.now() - this.syncedAt >= (this.options.resyncMs ?? RESYNC_MS);
      if (generation === this.generation && !due) return;
      const report = await syncSchedules({ client, db, taskQueue });
      // A failed rule is retried on the next check: the generation is kept only on full success.
      this.generation = report.failed.length === 0 ? generation : undefined;
      this.syncedAt = Date.now();
      const line = describeReport(report);
      if (line) log(line);
    } catch (err) {
      log(`syncing schedules failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

/** The schedule sync as a process part (`opsflow start`). */
export function schedulesPart(): EnginePart {
  return {
    name: 'schedules',
    async start(ctx): Promise<RunningPart> {
      const syncer = new ScheduleSyncer({
        client: ctx.client,
        db: ctx.db,
        taskQueue: ctx.config.taskQueue,
        log: ctx.log,
      });
      await syncer.start();
      return { stop: () => syncer.stop() };
    },
  };
}

/** One log line for the changes a sync made; empty when it changed nothing. */
export function describeReport(report: SyncReport): string {
  const parts: string[] = [];
  for (const key of ['created', 'updated', 'paused', 'unpaused', 'deleted'] as const) {
    if (report[key].length > 0) parts.push(`${key} ${report[key].join(', ')}`);
  }
  for (const f of report.failed) parts.push(`failed ${f.rule}: ${f.error}`);
  return parts.length === 0 ? '' : `schedules: ${parts.join('; ')}`;
}
