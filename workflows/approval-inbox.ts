/**
 * Reporting `approve` steps to the host's approvals inbox (`approvalOpened` / `approvalClosed`),
 * so the API can list what waits for a decision without querying every running run.
 *
 * The two activities were added after version 1 of the interpreter, so they are behind a patch:
 * a run recorded before replays without them. They are bookkeeping, not the rule's work: a
 * failure is noted in the timeline and the approval goes on; the step never waits for the
 * `opened` report before it can be decided.
 */
import { CancellationScope, patched, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { OpenApproval } from './approvals';
import type { ApprovalClosed, EngineActivities } from './contract';
import type { RunContext } from './run-context';

/** The patch id of the inbox reports (interpreter behaviour after version 1). */
export const APPROVAL_INBOX_PATCH = 'opsflow.approvals-inbox';

const inbox = proxyActivities<Pick<EngineActivities, 'approvalOpened' | 'approvalClosed'>>({
  startToCloseTimeout: 10_000,
  retry: { maximumAttempts: 5, initialInterval: 500 },
});

/** An approval reported as opened; undefined when the run replays a history from before the patch. */
export interface InboxReport {
  readonly seq: number;
  readonly runId: string;
  readonly opened: Promise<boolean>;
}

/** Reports `approval` as waiting; does not wait for the report. */
export function reportOpened(run: RunContext, approval: OpenApproval): InboxReport | undefined {
  if (!patched(APPROVAL_INBOX_PATCH)) return undefined;
  const { workflowId, runId } = workflowInfo();
  const opened = inbox
    .approvalOpened({
      workflowId,
      runId,
      seq: approval.id,
      rule: run.rule.name,
      ...(run.input.key !== undefined ? { key: run.input.key } : {}),
      description: approval.description,
      ...(approval.role !== undefined ? { group: approval.role } : {}),
      ...(approval.until !== undefined ? { deadline: approval.until } : {}),
      requestedAt: new Date(Date.now()).toISOString(),
    })
    .then(
      () => true,
      (err: unknown) => {
        run.timeline.add('error', `the approvals inbox could not be told of this approval: ${message(err)}`);
        return false;
      },
    );
  return { seq: approval.id, runId, opened };
}

/** Reports how the approval ended (after its `opened` report), even while the run is cancelled. */
export async function reportClosed(
  run: RunContext,
  report: InboxReport | undefined,
  outcome: ApprovalClosed['outcome'],
  by?: string,
): Promise<void> {
  if (!report) return;
  await CancellationScope.nonCancellable(async () => {
    if (!(await report.opened)) return;
    try {
      await inbox.approvalClosed({ runId: report.runId, seq: report.seq, outcome, ...(by ? { by } : {}) });
    } catch (err) {
      run.timeline.add('error', `the approvals inbox could not be told the approval ended: ${message(err)}`);
    }
  });
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
