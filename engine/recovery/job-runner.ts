/**
 * The loop that works through bulk rerun jobs, run by every API process. One step takes a job
 * that is due (`next_at`), moves its `next_at` on by the rate's interval in the same statement (so
 * no other process takes it meanwhile, and the job's rate holds across processes), and reruns its
 * next item. A bulk rerun's workflow id is derived from the job and the run, so an item started
 * twice (a crash between the start and the item's update, or a slow step overtaken) finds its
 * run instead of starting a second one. Between steps the loop also releases triggers held for
 * rules that are no longer paused (`releaseStragglers`).
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Database } from '../db/sql';
import { Nap } from '../process/nap';
import { ManualRunError, RuleNotFoundError } from '../errors';
import type { ActiveRuleCache } from '../registry/active-rules';
import type { RuleRegistry } from '../registry/registry';
import { releaseStragglers } from '../router/held';
import type { BulkRerunParams } from './bulk-jobs';
import { startRerun } from './rerun';
import { runInputOf } from './run-history';

export interface JobRunnerOptions {
  readonly db: Database;
  readonly client: Client;
  readonly taskQueue: string;
  readonly rules: ActiveRuleCache;
  readonly registry: RuleRegistry;
  /** Reruns per second per job. */
  readonly ratePerSecond: number;
  /** How often an idle loop looks for due work (default: the rate's interval, at most 500 ms). */
  readonly pollMs?: number;
  /** How often held triggers of resumed rules are looked for (default 10 s). */
  readonly stragglersMs?: number;
  /** Where errors of the loop itself go (the database is down, ...). */
  readonly onError?: (error: unknown) => void;
}

/** Attempts at one item before it is marked failed (errors that may pass: Temporal unreachable). */
export const MAX_ITEM_ATTEMPTS = 5;

/** Runs bulk jobs; `start()` runs the loop, `step()` one item (tests). */
export class JobRunner {
  private running: Promise<void> | undefined;
  private stopping = false;
  private readonly nap = new Nap();
  private stragglersAt = 0;

  constructor(private readonly options: JobRunnerOptions) {}

  /** Starts the loop (idempotent). */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.running = this.loop();
  }

  /** Finishes the step in progress and stops. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.nap.wake();
    await this.running;
    this.running = undefined;
  }

  /** Looks for work now (a job was just created). */
  wake(): void {
    this.nap.wake();
  }

  /** Does one item of a due job (or finishes a job); false when no job was due. */
  async step(): Promise<boolean> {
    const { db } = this.options;
    const interval = 1 / this.options.ratePerSecond;
    const { rows } = await db.query<{ id: string; params: BulkRerunParams; created_by: string }>(
      `UPDATE jobs SET next_at = now() + make_interval(secs => $1::double precision)
        WHERE id = (SELECT id FROM jobs WHERE state = 'running' AND next_at <= now()
                     ORDER BY next_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING id, params, created_by`,
      [interval],
    );
    const job = rows[0];
    if (!job) return false;
    const items = await db.query<{
      seq: number;
      source_run_id: string;
      source_workflow_id: string;
      attempts: number;
    }>(
      `SELECT seq, source_run_id, source_workflow_id, attempts FROM job_items
        WHERE job_id = $1 AND state = 'pending' ORDER BY seq LIMIT 1`,
      [job.id],
    );
    const item = items.rows[0];
    if (!item) {
      await db.query(
        `UPDATE jobs SET finished_at = now(),
                state = CASE WHEN EXISTS (SELECT 1 FROM job_items WHERE job_id = $1 AND state = 'failed')
                             THEN 'failed' ELSE 'done' END
          WHERE id = $1 AND state = 'running'`,
        [job.id],
      );
      return true;
    }
    try {
      const started = await this.rerun(job, item.source_run_id, item.source_workflow_id);
      await db.query(
        `UPDATE job_items SET state = 'done', run_id = $3, attempts = attempts + 1, error = NULL
          WHERE job_id = $1 AND seq = $2`,
        [job.id, item.seq, started],
      );
    } catch (err) {
      const attempts = item.attempts + 1;
      const final = isPermanent(err) || attempts >= MAX_ITEM_ATTEMPTS;
      await db.query(
        `UPDATE job_items SET attempts = $3, error = $4, state = CASE WHEN $5 THEN 'failed' ELSE 'pending' END
          WHERE job_id = $1 AND seq = $2`,
        [job.id, item.seq, attempts, err instanceof Error ? err.message : String(err), final],
      );
      // A passing failure (Temporal unreachable): the whole job waits a little before going on.
      if (!final) {
        await db.query(
          `UPDATE jobs SET next_at = now() + make_interval(secs => $2::double precision) WHERE id = $1`,
          [job.id, Math.min(60, 2 ** attempts)],
        );
      }
    }
    return true;
  }

  /** Reruns one run of a job; returns the new run's id. */
  private async rerun(
    job: { id: string; params: BulkRerunParams; created_by: string },
    runId: string,
    workflowId: string,
  ): Promise<string> {
    const { client } = this.options;
    const input = await runInputOf(client, { workflowId, runId });
    if (!input) throw new ManualRunError(`run ${runId} has no input: it is not a run of an opsflow rule`);
    const started = await startRerun(
      this.options,
      { runId, workflowId, input },
      { version: job.params.version, by: job.created_by, jobId: job.id },
    );
    return started.runId;
  }

  private async loop(): Promise<void> {
    const poll = this.options.pollMs ?? Math.min(500, 1000 / this.options.ratePerSecond);
    while (!this.stopping) {
      let worked = false;
      try {
        worked = await this.step();
        await this.releaseStragglers();
      } catch (err) {
        this.options.onError?.(err);
      }
      if (worked || this.stopping) continue;
      await this.nap.sleep(poll);
    }
  }

  private async releaseStragglers(): Promise<void> {
    const every = this.options.stragglersMs ?? 10_000;
    if (Date.now() - this.stragglersAt < every) return;
    this.stragglersAt = Date.now();
    await releaseStragglers({ ...this.options, replaceGraceMs: 10_000 });
  }
}

/** Errors that another attempt would meet again: the rule or the run is gone, or refuses. */
function isPermanent(err: unknown): boolean {
  return (
    err instanceof ManualRunError || err instanceof RuleNotFoundError || err instanceof WorkflowNotFoundError
  );
}
