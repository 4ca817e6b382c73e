import { Inject, Injectable } from '@nestjs/common';
import { WorkflowNotFoundError } from '@temporalio/client';
import { closeApprovals, openApprovals, type OpenApprovalRow } from '../../engine/approvals/inbox';
import { PERMISSIONS } from '../auth/permissions';
import { roleAllows, type Principal } from '../auth/roles';
import { decodeCursor, encodeCursor, unknownCursor } from '../common/cursor';
import { InvalidQueryError, type FieldError } from '../common/problems';
import { RunLookup } from '../runs/run-lookup.service';
import { maySettle } from '../runs/runs.service';
import { API_DEPS, type ApiDeps } from '../tokens';

/** One approval waiting for a decision, as the inbox lists it. */
export interface ApprovalView {
  readonly runId: string;
  readonly workflowId: string;
  readonly rule: string;
  readonly key: string | null;
  readonly description: string;
  /** `approve … by "GROUP"`: the group whose keys may decide (and admin); null: any operator. */
  readonly by: string | null;
  readonly deadline: string | null;
  readonly requestedAt: string;
  /** Whether the caller may decide it (role and group). */
  readonly mayDecide: boolean;
}

/** Approvals listed at most per page. */
export const MAX_APPROVAL_PAGE = 100;

/** The approvals inbox: the open rows of `approvals` whose run is still running. */
@Injectable()
export class ApprovalsService {
  constructor(
    @Inject(API_DEPS) private readonly deps: ApiDeps,
    @Inject(RunLookup) private readonly lookup: RunLookup,
  ) {}

  /** `?limit=&cursor=`: open approvals, oldest first; ones whose run ended are closed on the way. */
  async list(
    principal: Principal,
    params: { readonly limit?: string; readonly cursor?: string },
  ): Promise<{ approvals: ApprovalView[]; nextCursor: string | null }> {
    const errors: FieldError[] = [];
    const limit = params.limit === undefined ? 50 : Number(params.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_APPROVAL_PAGE) {
      errors.push({ path: 'limit', message: `expected a whole number from 1 to ${MAX_APPROVAL_PAGE}` });
    }
    if (errors.length > 0) throw new InvalidQueryError(errors);
    // An empty cursor is the first page; one this listing did not write names no page (404).
    const after = params.cursor === undefined || params.cursor === '' ? undefined : readCursor(params.cursor);
    if (params.cursor !== undefined && params.cursor !== '' && !after) throw unknownCursor();
    const rows = await openApprovals(this.deps.db, {
      limit,
      ...(after ? { after } : {}),
    });
    const live = await Promise.all(rows.map((row) => this.stillWaiting(row)));
    const mayApprove = roleAllows(principal.role, PERMISSIONS['runs.approve']);
    const approvals = rows
      .filter((_row, i) => live[i])
      .map((row) => ({
        runId: row.runId,
        workflowId: row.workflowId,
        rule: row.rule,
        key: row.key,
        description: row.description,
        by: row.group,
        deadline: row.deadline,
        requestedAt: row.requestedAt,
        mayDecide: mayApprove && maySettle(principal, row.group),
      }));
    const last = rows.at(-1);
    return {
      approvals,
      nextCursor:
        rows.length === limit && last
          ? encodeCursor({ a: last.requestedAt, r: last.runId, s: last.seq })
          : null,
    };
  }

  /**
   * Whether the row's run still runs; a run that ended (cancelled, terminated, reset, continued
   * as new) without reporting the approval's end has its rows closed here.
   */
  private async stillWaiting(row: OpenApprovalRow): Promise<boolean> {
    try {
      const description = await this.lookup.handle(row).describe();
      if (description.status.name === 'RUNNING') return true;
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    await closeApprovals(this.deps.db, row.runId, 'ended', null);
    return false;
  }
}

/** The position of an approvals cursor: the last row of the page before. */
function readCursor(text: string): { at: string; runId: string; seq: number } | undefined {
  const c = decodeCursor(text);
  return typeof c?.a === 'string' && typeof c.r === 'string' && typeof c.s === 'number'
    ? { at: c.a, runId: c.r, seq: c.s }
    : undefined;
}
