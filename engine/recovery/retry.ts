/**
 * Retrying a failed run from the step that failed: a Temporal reset of the run to the workflow
 * task that scheduled its first failed action. Temporal copies the history up to that point into a
 * new run of the same workflow id (a new run id), and the worker replays it: what the run did
 * before (its earlier calls and their results, its bindings, its idempotency keys) is kept, and
 * the failed action is scheduled again, under the same idempotency key.
 *
 * The old run stays `failed`; Temporal records the new run on it (`resetRunId`), which is how a
 * retry is found again: retrying the same run twice answers the first retry. A `wait for` that was
 * going on when the run failed (in a `parallel` branch) lost its subscription as the run ended;
 * the new run waits there again without subscribing again, so its subscription is made anew.
 */
import { createHash } from 'node:crypto';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Sql } from '../db/sql';
import { RecoveryRefusedError } from '../errors';
import { createSubscriptionActivities } from '../router/subscriptions';
import { failurePoint, type Execution } from './run-history';

/** A retry: the new run of the workflow id, continuing from before the failed action. */
export interface RetryStarted {
  readonly runId: string;
  readonly workflowId: string;
  readonly retryOf: string;
  /** False when the run had been retried before: this is that retry. */
  readonly created: boolean;
}

/** What a retry is recorded with. */
export interface RetryOptions {
  readonly by: string;
  readonly rule: string | null;
  readonly version: number | null;
}

/**
 * Resets the failed run `execution` to just before its first failed action. Throws
 * `RecoveryRefusedError` when the run did not fail (`not-failed`), failed outside an action
 * (`not-retryable`), or another run of its workflow id is running (`run-in-the-way`: a reset would
 * terminate it).
 */
export async function retryFailedRun(
  deps: { readonly db: Sql; readonly client: Client },
  execution: Execution,
  options: RetryOptions,
): Promise<RetryStarted> {
  const { client } = deps;
  const old = await client.workflow.getHandle(execution.workflowId, execution.runId).describe();
  const earlier = old.raw.workflowExtendedInfo?.resetRunId;
  if (earlier)
    return { runId: earlier, workflowId: execution.workflowId, retryOf: execution.runId, created: false };
  if (old.status.name !== 'FAILED') {
    throw new RecoveryRefusedError(
      'not-failed',
      `run ${execution.runId} did not fail (it is ${old.status.name.toLowerCase()}): only a failed run can be retried`,
    );
  }
  const point = await failurePoint(client, execution);
  if (!point) {
    throw new RecoveryRefusedError(
      'not-retryable',
      `run ${execution.runId} failed in the rule itself (fail, an expression or its timeout), not in an action: ` +
        'a retry would fail the same way; rerun it on a fixed version instead',
    );
  }
  const current = await currentRun(client, execution.workflowId);
  if (current && current.runId !== execution.runId && current.running) {
    throw new RecoveryRefusedError(
      'run-in-the-way',
      `run ${current.runId} of the same workflow id is running; retrying would terminate it: rerun the failed run instead`,
    );
  }
  const { runId } = await client.workflowService.resetWorkflowExecution({
    namespace: client.options.namespace,
    workflowExecution: execution,
    reason: `opsflow: retry from the failed step, by ${options.by}`,
    workflowTaskFinishEventId: point.failed.resetEventId,
    // The same request for the same run: a request repeated after a lost answer resets once.
    requestId: requestIdFor(execution.runId),
  });
  // The router finds waiting runs by their subscriptions; the old run dropped those of the waits
  // it left when it failed, and the new run, replaying up to before that, waits there again.
  const subscriptions = createSubscriptionActivities(deps);
  for (const wait of point.openWaits) await subscriptions.subscribe({ ...wait, runId });
  await deps.db.query(
    `INSERT INTO run_links (run_id, workflow_id, kind, source_run_id, source_workflow_id, rule_name, version, created_by)
     VALUES ($1, $2, 'retry', $3, $4, $5, $6, $7) ON CONFLICT (run_id) DO NOTHING`,
    [
      runId,
      execution.workflowId,
      execution.runId,
      execution.workflowId,
      options.rule,
      options.version,
      options.by,
    ],
  );
  return { runId, workflowId: execution.workflowId, retryOf: execution.runId, created: true };
}

async function currentRun(
  client: Client,
  workflowId: string,
): Promise<{ runId: string; running: boolean } | undefined> {
  try {
    const d = await client.workflow.getHandle(workflowId).describe();
    return { runId: d.runId, running: d.status.name === 'RUNNING' };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return undefined;
    throw err;
  }
}

/** A UUID-shaped id derived from the run id. */
function requestIdFor(runId: string): string {
  const h = createHash('sha256').update(`opsflow-retry:${runId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}
