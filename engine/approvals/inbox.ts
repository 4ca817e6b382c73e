/**
 * The approvals inbox: the `approve` steps runs are waiting on, as the runs report them
 * (`approvalOpened` / `approvalClosed`, engine activities) in the `approvals` table. A row is open
 * from the report until the run reports the end, the API records a decision, the deadline
 * passes, or its run is found ended (cancelled, terminated, reset, continued as new).
 */
import type { ApprovalClosed, ApprovalOpened, EngineActivities } from '../../workflows/contract';
import type { Sql } from '../db/sql';

/** One approval waiting for a decision. */
export interface OpenApprovalRow {
  readonly id: string;
  readonly runId: string;
  readonly seq: number;
  readonly workflowId: string;
  readonly rule: string;
  readonly key: string | null;
  readonly description: string;
  /** Who may decide besides admin: keys in this group; null: any operator. */
  readonly group: string | null;
  readonly deadline: string | null;
  readonly requestedAt: string;
}

/** The inbox's activities, as the worker registers them next to the subscription activities. */
export function createApprovalActivities(
  db: Sql,
): Pick<EngineActivities, 'approvalOpened' | 'approvalClosed'> {
  return {
    async approvalOpened(input: ApprovalOpened): Promise<void> {
      await db.query(
        `INSERT INTO approvals (run_id, seq, workflow_id, rule_name, run_key, description, group_name, deadline, requested_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (run_id, seq) DO NOTHING`,
        [
          input.runId,
          input.seq,
          input.workflowId,
          input.rule,
          input.key ?? null,
          input.description,
          input.group ?? null,
          input.deadline ?? null,
          input.requestedAt,
        ],
      );
    },
    async approvalClosed(input: ApprovalClosed): Promise<void> {
      await closeApprovals(db, input.runId, input.outcome, input.by ?? null, input.seq);
    },
  };
}

/**
 * Closes the open approvals of a run (or only approval `seq`). Closing one already closed keeps
 * its first outcome.
 */
export async function closeApprovals(
  db: Sql,
  runId: string,
  outcome: string,
  by: string | null,
  seq?: number,
): Promise<void> {
  await db.query(
    `UPDATE approvals SET closed_at = now(), outcome = $2, decided_by = $3
      WHERE run_id = $1 AND closed_at IS NULL AND ($4::integer IS NULL OR seq = $4)`,
    [runId, outcome, by, seq ?? null],
  );
}

/**
 * Closes the oldest open approval of a run: the one a decision given now goes to (the run decides
 * its approvals oldest first).
 */
export async function closeOldestApproval(
  db: Sql,
  runId: string,
  outcome: string,
  by: string,
): Promise<void> {
  await db.query(
    `UPDATE approvals SET closed_at = now(), outcome = $2, decided_by = $3
      WHERE (run_id, seq) = (SELECT run_id, seq FROM approvals WHERE run_id = $1 AND closed_at IS NULL
                              ORDER BY seq LIMIT 1)`,
    [runId, outcome, by],
  );
}

/** Open approvals whose deadline has not passed, oldest first, after `after` (a page's cursor). */
export async function openApprovals(
  db: Sql,
  options: {
    readonly limit: number;
    readonly after?: { readonly at: string; readonly runId: string; readonly seq: number };
  },
): Promise<OpenApprovalRow[]> {
  const after = options.after;
  const { rows } = await db.query<{
    run_id: string;
    seq: number;
    workflow_id: string;
    rule_name: string;
    run_key: string | null;
    description: string;
    group_name: string | null;
    deadline: Date | null;
    requested_at: Date;
  }>(
    `SELECT run_id, seq, workflow_id, rule_name, run_key, description, group_name, deadline, requested_at
       FROM approvals
      WHERE closed_at IS NULL AND (deadline IS NULL OR deadline > now())
        AND ($2::timestamptz IS NULL OR (requested_at, run_id, seq) > ($2::timestamptz, $3::text, $4::integer))
      ORDER BY requested_at, run_id, seq LIMIT $1`,
    [options.limit, after?.at ?? null, after?.runId ?? null, after?.seq ?? null],
  );
  return rows.map((r) => ({
    id: `${r.run_id}/${r.seq}`,
    runId: r.run_id,
    seq: r.seq,
    workflowId: r.workflow_id,
    rule: r.rule_name,
    key: r.run_key,
    description: r.description,
    group: r.group_name,
    deadline: r.deadline?.toISOString() ?? null,
    requestedAt: r.requested_at.toISOString(),
  }));
}

/** How many approvals are open (deadline not passed). */
export async function countOpenApprovals(db: Sql): Promise<number> {
  const { rows } = await db.query<{ n: number }>(
    `SELECT count(*)::integer AS n FROM approvals WHERE closed_at IS NULL AND (deadline IS NULL OR deadline > now())`,
  );
  return rows[0]?.n ?? 0;
}
