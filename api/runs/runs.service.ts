import { Inject, Injectable } from '@nestjs/common';
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowExecutionInfo,
} from '@temporalio/client';
import { closeOldestApproval } from '../../engine/approvals/inbox';
import { RERUN_OF_MEMO } from '../../engine/recovery/rerun';
import { approveUpdate, stateQuery, type ApprovalDecision, type RunState } from '../../workflows/contract';
import { AuditLog } from '../audit/audit-log.service';
import type { Principal } from '../auth/roles';
import { decodeCursor, encodeCursor, unknownCursor } from '../common/cursor';
import { InvalidQueryError, ProblemError, type FieldError } from '../common/problems';
import { API_DEPS, type ApiDeps } from '../tokens';
import { RunLookup } from './run-lookup.service';
import { readRunFilter, visibilityQuery, type RunFilterInput } from './run-query';
import { runDetail, runSummary, type RunDetail, type RunLinks, type RunSummary } from './run-views';

/** The filters and page of `GET /v1/runs`. */
export interface RunListQuery extends RunFilterInput {
  readonly limit?: string;
  readonly cursor?: string;
}

/** Runs listed at most per page. */
export const MAX_RUN_PAGE = 100;

/**
 * Runs of the interpreter workflow, read from Temporal: the list from its visibility store,
 * one run from `describe`, its start event (the `RunInput`) and `stateQuery`; the links between
 * runs from `run_links`.
 */
@Injectable()
export class RunsService {
  constructor(
    @Inject(RunLookup) private readonly lookup: RunLookup,
    @Inject(AuditLog) private readonly auditLog: AuditLog,
    @Inject(API_DEPS) private readonly deps: ApiDeps,
  ) {}

  /**
   * One page of runs in the visibility store's order (newest first: running runs by start time,
   * then closed runs by close time). `completed` and `stopped` are both Temporal's `Completed`,
   * told apart by the run's result, so a page filtered by them may hold fewer than `limit` runs.
   */
  async list(params: RunListQuery): Promise<{ runs: RunSummary[]; nextCursor: string | null }> {
    const { query, limit, status, token } = readListQuery(params);
    const page = await this.lookup.page(query, limit, token).catch((err: unknown) => {
      if (token) throw unknownCursor();
      throw err;
    });
    const runs = (await this.lookup.summaries(page.infos)).filter(
      (s) => status === undefined || s.status === status,
    );
    return {
      runs,
      nextCursor: page.next ? encodeCursor({ q: query, t: Buffer.from(page.next).toString('base64') }) : null,
    };
  }

  /** One run in full; `NotFoundProblem` for an unknown run id. */
  async find(runId: string): Promise<RunDetail> {
    const info = await this.lookup.resolve(runId);
    const handle = this.lookup.handle(info);
    const [input, state, result, links] = await Promise.all([
      this.lookup.inputOf(info),
      handle.query(stateQuery).catch((): RunState | undefined => undefined),
      this.lookup.resultOf(info),
      this.links(info),
    ]);
    return runDetail(info, input, state, result, {
      links,
      temporalUiUrl: this.temporalUiUrl(info),
      now: Date.now(),
    });
  }

  /**
   * Gives the decision for the approval the run waits for (through `approveUpdate`); 409 when it
   * is not waiting for one, 403 when the approval is for a group (`approve … by "GROUP"`) the
   * caller's key is not in (admin may always decide). The decision records the caller. Audited.
   */
  async approve(
    runId: string,
    decision: Omit<ApprovalDecision, 'by'>,
    principal: Principal,
  ): Promise<RunSummary> {
    const info = await this.lookup.resolve(runId);
    const notWaiting = (why: string) =>
      new ProblemError(409, 'not-waiting-for-approval', 'The run is not waiting for an approval', why);
    if (info.status.name !== 'RUNNING') throw notWaiting(`run ${runId} has ended`);
    const handle = this.lookup.handle(info);
    // The decision goes to the oldest approval waiting: that is the one whose group counts. Without
    // the run's state there is no knowing who may decide, so nobody may (fail closed).
    const state = await handle.query(stateQuery).catch((err: unknown) => {
      throw new ProblemError(
        503,
        'run-not-answering',
        'Service unavailable',
        `run ${runId} does not answer (is a worker running?): ${err instanceof Error ? err.message : String(err)}`,
      );
    });
    const waiting = state.waiting.find((w) => w.kind === 'approval');
    if (!waiting) throw notWaiting(`run ${runId} is not waiting for an approval`);
    const group = waiting.kind === 'approval' ? waiting.role : undefined;
    if (group !== undefined && !maySettle(principal, group)) {
      throw new ProblemError(
        403,
        'not-in-group',
        'Forbidden',
        `this approval is for the group ${group}; the key ${principal.name} is not in it (only its keys or admin may decide)`,
      );
    }
    const given: ApprovalDecision = { ...decision, by: principal.name };
    try {
      await handle.executeUpdate(approveUpdate, { args: [given] });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError || err instanceof WorkflowNotFoundError) {
        throw notWaiting(`run ${runId} is not waiting for an approval`);
      }
      throw err;
    }
    await closeOldestApproval(
      this.deps.db,
      info.runId,
      decision.approved ? 'approved' : 'rejected',
      principal.name,
    );
    await this.audit(principal, decision.approved ? 'approved' : 'rejected', info, {
      by: principal.name,
      group: group ?? null,
      comment: decision.comment ?? null,
    });
    return runSummary(info, undefined);
  }

  /** Asks the run to cancel (its compensation runs); 409 when it has ended. Recorded in the audit. */
  async cancel(runId: string, principal: Principal): Promise<RunSummary> {
    const info = await this.lookup.resolve(runId);
    if (info.status.name !== 'RUNNING') {
      throw new ProblemError(409, 'run-ended', 'The run has ended', `run ${runId} is no longer running`);
    }
    await this.lookup.handle(info).cancel();
    await this.audit(principal, 'cancelled', info, {});
    return runSummary(info, undefined);
  }

  /** The runs made from this one and the one it was made from. */
  private async links(info: WorkflowExecutionInfo): Promise<RunLinks> {
    const [rows, described] = await Promise.all([
      this.deps.db.query<{ run_id: string; kind: string; source_run_id: string }>(
        `SELECT run_id, kind, source_run_id FROM run_links WHERE source_run_id = $1 OR run_id = $1
          ORDER BY created_at, run_id`,
        [info.runId],
      ),
      // Temporal records a reset on the run it reset, also one made outside opsflow.
      this.lookup
        .handle(info)
        .describe()
        .then((d) => d.raw.workflowExtendedInfo?.resetRunId ?? null)
        .catch(() => null),
    ]);
    const from = rows.rows.filter((r) => r.source_run_id === info.runId);
    const to = rows.rows.find((r) => r.run_id === info.runId);
    const memoRerunOf = info.memo?.[RERUN_OF_MEMO];
    return {
      rerunOf: to?.kind === 'rerun' ? to.source_run_id : typeof memoRerunOf === 'string' ? memoRerunOf : null,
      reruns: from.filter((r) => r.kind === 'rerun').map((r) => r.run_id),
      retryOf: to?.kind === 'retry' ? to.source_run_id : null,
      retriedAs: described || (from.find((r) => r.kind === 'retry')?.run_id ?? null),
    };
  }

  private temporalUiUrl(info: WorkflowExecutionInfo): string | null {
    const base = this.deps.config.temporalUiUrl;
    if (!base) return null;
    const namespace = encodeURIComponent(this.lookup.client.options.namespace);
    return `${base}/namespaces/${namespace}/workflows/${encodeURIComponent(info.workflowId)}/${info.runId}/history`;
  }

  private async audit(
    principal: Principal,
    action: string,
    info: WorkflowExecutionInfo,
    detail: Readonly<Record<string, unknown>>,
  ): Promise<void> {
    const summary = runSummary(info, undefined);
    await this.auditLog.record(principal, {
      action,
      rule: summary.rule,
      version: summary.version,
      detail: { runId: info.runId, workflowId: info.workflowId, ...detail },
    });
  }
}

/** Whether `principal` may decide an approval for `group`: admin, or a key in the group. */
export function maySettle(principal: Principal, group: string | undefined | null): boolean {
  return (
    group === undefined || group === null || principal.role === 'admin' || principal.groups.includes(group)
  );
}

function readListQuery(params: RunListQuery): {
  query: string;
  limit: number;
  status: RunSummary['status'] | undefined;
  token: Uint8Array | undefined;
} {
  const errors: FieldError[] = [];
  const limit = params.limit === undefined ? 20 : Number(params.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RUN_PAGE) {
    errors.push({ path: 'limit', message: `expected a whole number from 1 to ${MAX_RUN_PAGE}` });
  }
  const filter = readRunFilter(params, errors);
  const query = visibilityQuery(filter);
  let token: Uint8Array | undefined;
  // An empty cursor is the first page (clients often send `cursor=`).
  if (params.cursor !== undefined && params.cursor !== '') {
    const cursor = decodeCursor(params.cursor);
    if (errors.length > 0) throw new InvalidQueryError(errors);
    if (!cursor || cursor.q !== query || typeof cursor.t !== 'string') throw unknownCursor();
    token = Buffer.from(cursor.t, 'base64');
  }
  if (errors.length > 0) throw new InvalidQueryError(errors);
  return { query, limit, status: filter.status, token };
}
