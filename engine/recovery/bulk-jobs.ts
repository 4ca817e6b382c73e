/**
 * Bulk reruns as durable jobs in PostgreSQL: a `jobs` row with the request, and one `job_items`
 * row per matching run, written together when the job is created. `JobRunner` works through the
 * items; the state is all in these rows, so a job goes on after any process restarts.
 *
 * A run is rerun by bulk jobs once: an item holds its run (a unique index), so the same request
 * repeated (or an overlapping one) creates a job without it, and counts it as `skipped`.
 */
import { randomUUID } from 'node:crypto';
import type { Database, Sql } from '../db/sql';
import type { RerunVersion } from './rerun';

/** A job's state: going on, finished, or finished with runs it could not rerun. */
export type JobState = 'running' | 'done' | 'failed';

/** What a bulk rerun was asked for: the filter as given, and the version to rerun on. */
export interface BulkRerunParams {
  readonly filter: Readonly<Record<string, string>>;
  readonly version: RerunVersion;
}

/** A run a job reruns. */
export interface JobRun {
  readonly runId: string;
  readonly workflowId: string;
}

/** One run a job could not rerun. */
export interface JobError {
  readonly runId: string;
  readonly error: string;
}

/** A job as `GET /v1/jobs/{id}` shows it. */
export interface JobView {
  readonly id: string;
  readonly kind: 'bulk_rerun';
  readonly state: JobState;
  /** Runs the job reruns (the matching runs not rerun before). */
  readonly total: number;
  /** Reruns started. */
  readonly done: number;
  /** Runs that could not be rerun (see `errors`). */
  readonly failed: number;
  /** Matching runs left out: rerun or retried before, or held by another job. */
  readonly skipped: number;
  readonly errors: readonly JobError[];
  readonly params: BulkRerunParams;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly finishedAt: string | null;
}

/** Errors listed in a job view at most. */
const MAX_ERRORS = 100;

/**
 * Creates a bulk rerun job of `runs` (in that order). Runs already rerun, retried, or held by
 * another job are left out; a job left with nothing to do is created `done`.
 */
export async function createBulkRerunJob(
  db: Database,
  request: { readonly params: BulkRerunParams; readonly runs: readonly JobRun[]; readonly by: string },
): Promise<JobView> {
  const id = randomUUID();
  const items = request.runs.map((r, i) => ({ seq: i + 1, run_id: r.runId, workflow_id: r.workflowId }));
  await db.transaction(async (tx) => {
    await tx.query(`INSERT INTO jobs (id, kind, params, created_by) VALUES ($1, 'bulk_rerun', $2, $3)`, [
      id,
      JSON.stringify({ ...request.params, matched: request.runs.length }),
      request.by,
    ]);
    await tx.query(
      `INSERT INTO job_items (job_id, seq, source_run_id, source_workflow_id)
       SELECT $1, i.seq, i.run_id, i.workflow_id
         FROM jsonb_to_recordset($2::jsonb) AS i(seq integer, run_id text, workflow_id text)
        WHERE NOT EXISTS (SELECT 1 FROM run_links l WHERE l.source_run_id = i.run_id)
       ON CONFLICT (source_run_id) WHERE state <> 'failed' DO NOTHING`,
      [id, JSON.stringify(items)],
    );
    await tx.query(
      `UPDATE jobs SET state = 'done', finished_at = now()
        WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM job_items WHERE job_id = $1)`,
      [id],
    );
  });
  const job = await findJob(db, id);
  if (!job) throw new Error(`job ${id} vanished after it was created`);
  return job;
}

/** One job, or undefined for an unknown id. */
export async function findJob(db: Sql, id: string): Promise<JobView | undefined> {
  const { rows } = await db.query<{
    id: string;
    state: JobState;
    params: BulkRerunParams & { matched?: number };
    created_by: string;
    created_at: Date;
    finished_at: Date | null;
    total: number;
    done: number;
    failed: number;
  }>(
    `SELECT j.id, j.state, j.params, j.created_by, j.created_at, j.finished_at,
            count(i.seq)::integer AS total,
            (count(i.seq) FILTER (WHERE i.state = 'done'))::integer AS done,
            (count(i.seq) FILTER (WHERE i.state = 'failed'))::integer AS failed
       FROM jobs j LEFT JOIN job_items i ON i.job_id = j.id
      WHERE j.id = $1 GROUP BY j.id`,
    [id],
  );
  const row = rows[0];
  if (!row) return undefined;
  const errors = await db.query<{ source_run_id: string; error: string | null }>(
    `SELECT source_run_id, error FROM job_items WHERE job_id = $1 AND state = 'failed' ORDER BY seq LIMIT $2`,
    [id, MAX_ERRORS],
  );
  const { matched, ...params } = row.params;
  return {
    id: row.id,
    kind: 'bulk_rerun',
    state: row.state,
    total: row.total,
    done: row.done,
    failed: row.failed,
    skipped: Math.max(0, (matched ?? row.total) - row.total),
    errors: errors.rows.map((e) => ({ runId: e.source_run_id, error: e.error ?? 'unknown error' })),
    params,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** Of `runIds`, the ones a rerun would leave out: rerun or retried before, or held by a job. */
export async function alreadyRecovered(db: Sql, runIds: readonly string[]): Promise<Set<string>> {
  if (runIds.length === 0) return new Set();
  const { rows } = await db.query<{ run_id: string }>(
    `SELECT source_run_id AS run_id FROM run_links WHERE source_run_id = ANY($1::text[])
     UNION SELECT source_run_id FROM job_items WHERE source_run_id = ANY($1::text[]) AND state <> 'failed'`,
    [runIds],
  );
  return new Set(rows.map((r) => r.run_id));
}
