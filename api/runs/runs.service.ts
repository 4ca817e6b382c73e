import { Inject, Injectable } from '@nestjs/common';
import {
  Client,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type WorkflowExecutionInfo,
  type WorkflowHandle,
} from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import { ruleWorkflowId } from '../../engine/router';
import {
  INTERPRETER_WORKFLOW_TYPE,
  approveUpdate,
  stateQuery,
  type ApprovalDecision,
  type RunInput,
  type RunResult,
  type RunState,
} from '../../workflows/contract';
import { AuditLog } from '../audit/audit-log.service';
import type { Principal } from '../auth/roles';
import { InvalidBodyError, NotFoundProblem, ProblemError } from '../common/problems';
import {
  RUN_STATUSES,
  runDetail,
  runSummary,
  type RunDetail,
  type RunStatus,
  type RunSummary,
} from './run-views';

/** The filters and page of `GET /v1/runs`. */
export interface RunListQuery {
  readonly rule?: string;
  readonly status?: string;
  readonly key?: string;
  readonly limit?: string;
  readonly cursor?: string;
}

/** Runs listed at most per page. */
export const MAX_RUN_PAGE = 100;

interface CursorContent {
  readonly q: string;
  readonly t: string;
}

/**
 * Runs of the interpreter workflow, read from Temporal: the list from its visibility store,
 * one run from `describe`, its start event (the `RunInput`) and `stateQuery`.
 */
@Injectable()
export class RunsService {
  constructor(
    @Inject(Client) private readonly client: Client,
    @Inject(AuditLog) private readonly auditLog: AuditLog,
  ) {}

  /**
   * One page of runs in the visibility store's order (newest first: running runs by start time,
   * then closed runs by close time). `completed` and `stopped` are both Temporal's `Completed`,
   * told apart by the run's result, so a page filtered by them may hold fewer than `limit` runs.
   */
  async list(params: RunListQuery): Promise<{ runs: RunSummary[]; nextCursor: string | null }> {
    const { query, limit, status, token } = readListQuery(params);
    const client = this.client;
    const page = await client.workflowService
      .listWorkflowExecutions({
        namespace: client.options.namespace,
        pageSize: limit,
        query,
        ...(token ? { nextPageToken: token } : {}),
      })
      .catch((err: unknown) => {
        if (token) throw new InvalidBodyError([{ path: 'cursor', message: 'not a cursor of this listing' }]);
        throw err;
      });
    const runs: RunSummary[] = [];
    for (const raw of page.executions) {
      const info = await executionInfoFromRaw(
        raw,
        client.options.loadedDataConverter,
        raw,
        client.options.namespace,
      );
      const summary = runSummary(info, await this.resultOf(info));
      if (status === undefined || summary.status === status) runs.push(summary);
    }
    const next = page.nextPageToken && page.nextPageToken.length > 0 ? page.nextPageToken : undefined;
    return {
      runs,
      nextCursor: next ? encodeCursor({ q: query, t: Buffer.from(next).toString('base64') }) : null,
    };
  }

  /** One run in full; `NotFoundProblem` for an unknown run id. */
  async find(runId: string): Promise<RunDetail> {
    const info = await this.resolve(runId);
    const handle = this.handle(info);
    const [input, state, result] = await Promise.all([
      this.startInput(info),
      handle.query(stateQuery).catch((): RunState | undefined => undefined),
      this.resultOf(info),
    ]);
    return runDetail(info, input, state, result);
  }

  /**
   * Gives the decision for the approval the run waits for (through `approveUpdate`); 409 when it
   * is not waiting for one. Recorded in the audit.
   */
  async approve(runId: string, decision: ApprovalDecision, principal: Principal): Promise<RunSummary> {
    const info = await this.resolve(runId);
    const notWaiting = (why: string) =>
      new ProblemError(409, 'not-waiting-for-approval', 'The run is not waiting for an approval', why);
    if (info.status.name !== 'RUNNING') throw notWaiting(`run ${runId} has ended`);
    try {
      await this.handle(info).executeUpdate(approveUpdate, { args: [decision] });
    } catch (err) {
      if (err instanceof WorkflowUpdateFailedError || err instanceof WorkflowNotFoundError) {
        throw notWaiting(`run ${runId} is not waiting for an approval`);
      }
      throw err;
    }
    await this.audit(principal, decision.approved ? 'approved' : 'rejected', info, {
      by: decision.by ?? null,
      comment: decision.comment ?? null,
    });
    return runSummary(info, undefined);
  }

  /** Asks the run to cancel (its compensation runs); 409 when it has ended. Recorded in the audit. */
  async cancel(runId: string, principal: Principal): Promise<RunSummary> {
    const info = await this.resolve(runId);
    if (info.status.name !== 'RUNNING') {
      throw new ProblemError(409, 'run-ended', 'The run has ended', `run ${runId} is no longer running`);
    }
    await this.handle(info).cancel();
    await this.audit(principal, 'cancelled', info, {});
    return runSummary(info, undefined);
  }

  /** The execution with this run id, found through visibility (`RunId = '...'`). */
  private async resolve(runId: string): Promise<WorkflowExecutionInfo> {
    if (/^[0-9a-fA-F-]{36}$/.test(runId)) {
      const query = `WorkflowType = '${INTERPRETER_WORKFLOW_TYPE}' AND RunId = '${runId}'`;
      for await (const info of this.client.workflow.list({ query, pageSize: 1 })) return info;
    }
    throw new NotFoundProblem(`no run with id ${runId}`);
  }

  private handle(info: WorkflowExecutionInfo): WorkflowHandle {
    return this.client.workflow.getHandle(info.workflowId, info.runId, { followRuns: false });
  }

  /** The result of a completed run (to tell `stopped` from `completed`), else undefined. */
  private async resultOf(info: WorkflowExecutionInfo): Promise<RunResult | undefined> {
    if (info.status.name !== 'COMPLETED') return undefined;
    return (await this.handle(info).result()) as RunResult;
  }

  /** The run's input, from the first event of its history. */
  private async startInput(info: WorkflowExecutionInfo): Promise<RunInput | undefined> {
    const client = this.client;
    const history = await client.workflowService.getWorkflowExecutionHistory({
      namespace: client.options.namespace,
      execution: { workflowId: info.workflowId, runId: info.runId },
      maximumPageSize: 1,
    });
    const payload =
      history.history?.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    return payload
      ? client.options.loadedDataConverter.payloadConverter.fromPayload<RunInput>(payload)
      : undefined;
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

function readListQuery(params: RunListQuery): {
  query: string;
  limit: number;
  status: RunStatus | undefined;
  token: Uint8Array | undefined;
} {
  const errors: { path: string; message: string }[] = [];
  const limit = params.limit === undefined ? 20 : Number(params.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RUN_PAGE) {
    errors.push({ path: 'limit', message: `expected a whole number from 1 to ${MAX_RUN_PAGE}` });
  }
  const status = RUN_STATUSES.find((s) => s === params.status);
  if (params.status !== undefined && status === undefined) {
    errors.push({ path: 'status', message: `expected one of ${RUN_STATUSES.join(', ')}` });
  }
  if (params.key !== undefined && params.rule === undefined) {
    errors.push({ path: 'key', message: 'a key names runs of one rule: give rule as well' });
  }
  const parts = [`WorkflowType = '${INTERPRETER_WORKFLOW_TYPE}'`, `ExecutionStatus != 'ContinuedAsNew'`];
  if (params.rule !== undefined) {
    const id = quote(ruleWorkflowId(params.rule, undefined));
    parts.push(`(WorkflowId = ${id} OR WorkflowId STARTS_WITH ${quote(`opsflow/${params.rule}/`)})`);
  }
  if (params.rule !== undefined && params.key !== undefined) {
    const id = ruleWorkflowId(params.rule, params.key);
    parts.push(`(WorkflowId = ${quote(id)} OR WorkflowId STARTS_WITH ${quote(`${id}/event/`)})`);
  }
  const statusQuery = status === undefined ? undefined : STATUS_QUERIES[status];
  if (statusQuery) parts.push(statusQuery);
  const query = parts.join(' AND ');
  let token: Uint8Array | undefined;
  if (params.cursor !== undefined) {
    const cursor = decodeCursor(params.cursor);
    if (!cursor || cursor.q !== query) {
      errors.push({ path: 'cursor', message: 'not a cursor of this listing (same filters needed)' });
    } else token = Buffer.from(cursor.t, 'base64');
  }
  if (errors.length > 0) throw new InvalidBodyError(errors);
  return { query, limit, status, token };
}

const STATUS_QUERIES: Readonly<Record<RunStatus, string>> = {
  running: `ExecutionStatus = 'Running'`,
  completed: `ExecutionStatus = 'Completed'`,
  stopped: `ExecutionStatus = 'Completed'`,
  failed: `ExecutionStatus = 'Failed'`,
  cancelled: `(ExecutionStatus = 'Canceled' OR ExecutionStatus = 'Terminated')`,
  timed_out: `ExecutionStatus = 'TimedOut'`,
};

function quote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function encodeCursor(content: CursorContent): string {
  return Buffer.from(JSON.stringify(content), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): CursorContent | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const record = value as Partial<CursorContent> | null;
    return typeof record?.q === 'string' && typeof record.t === 'string'
      ? { q: record.q, t: record.t }
      : undefined;
  } catch {
    return undefined;
  }
}
