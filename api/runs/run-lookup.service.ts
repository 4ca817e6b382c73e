import { Inject, Injectable } from '@nestjs/common';
import { Client, type WorkflowExecutionInfo, type WorkflowHandle } from '@temporalio/client';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import { runInputOf } from '../../engine/recovery/run-history';
import { INTERPRETER_WORKFLOW_TYPE, type RunInput, type RunResult } from '../../workflows/contract';
import { NotFoundProblem } from '../common/problems';
import { runSummary, type RunSummary } from './run-views';

/** Results of closed runs kept in memory: a closed run's result never changes. */
const RESULT_CACHE_SIZE = 10_000;

/** One page of the visibility store. */
export interface VisibilityPage {
  readonly infos: readonly WorkflowExecutionInfo[];
  readonly next: Uint8Array | undefined;
}

/**
 * Finding runs in Temporal: a run id through visibility, pages of a visibility query, a run's
 * input and result. Shared by the runs, recovery and overview routes.
 */
@Injectable()
export class RunLookup {
  private readonly results = new Map<string, RunResult>();

  constructor(@Inject(Client) readonly client: Client) {}

  /** The execution with this run id (`RunId = '…'` in visibility); `NotFoundProblem` if none. */
  async resolve(runId: string): Promise<WorkflowExecutionInfo> {
    if (/^[0-9a-fA-F-]{36}$/.test(runId)) {
      const query = `WorkflowType = '${INTERPRETER_WORKFLOW_TYPE}' AND RunId = '${runId}'`;
      for await (const info of this.client.workflow.list({ query, pageSize: 1 })) return info;
    }
    throw new NotFoundProblem(`no run with id ${runId}`);
  }

  /** A handle on exactly this run (not the latest run of its workflow id). */
  handle(info: { readonly workflowId: string; readonly runId: string }): WorkflowHandle {
    return this.client.workflow.getHandle(info.workflowId, info.runId, { followRuns: false });
  }

  /** One page of `query`, newest first. */
  async page(query: string, pageSize: number, token?: Uint8Array): Promise<VisibilityPage> {
    const { client } = this;
    const page = await client.workflowService.listWorkflowExecutions({
      namespace: client.options.namespace,
      pageSize,
      query,
      ...(token ? { nextPageToken: token } : {}),
    });
    const infos: WorkflowExecutionInfo[] = [];
    for (const raw of page.executions) {
      infos.push(
        await executionInfoFromRaw(raw, client.options.loadedDataConverter, raw, client.options.namespace),
      );
    }
    const next = page.nextPageToken && page.nextPageToken.length > 0 ? page.nextPageToken : undefined;
    return { infos, next };
  }

  /** The summaries of `infos` (results read for completed runs, to tell `stopped`). */
  async summaries(infos: readonly WorkflowExecutionInfo[]): Promise<RunSummary[]> {
    return Promise.all(infos.map(async (info) => runSummary(info, await this.resultOf(info))));
  }

  /**
   * Every run `query` matches, up to `max` (more: `truncated`), as summaries, newest first.
   * `keep` filters before the cap counts (e.g. a status that needs the result).
   */
  async all(
    query: string,
    max: number,
    keep: (summary: RunSummary) => boolean = () => true,
  ): Promise<{ runs: RunSummary[]; truncated: boolean }> {
    const runs: RunSummary[] = [];
    let token: Uint8Array | undefined;
    do {
      const page = await this.page(query, 1000, token);
      for (const summary of await this.summaries(page.infos)) {
        if (!keep(summary)) continue;
        if (runs.length === max) return { runs, truncated: true };
        runs.push(summary);
      }
      token = page.next;
    } while (token);
    return { runs, truncated: false };
  }

  /** How many runs `query` matches, by Temporal execution status (`Running`, `Failed`, ...). */
  async countByStatus(query: string): Promise<Map<string, number>> {
    const { client } = this;
    const answer = await client.workflowService.countWorkflowExecutions({
      namespace: client.options.namespace,
      query: `${query} GROUP BY ExecutionStatus`,
    });
    const converter = client.options.loadedDataConverter.payloadConverter;
    const counts = new Map<string, number>();
    for (const group of answer.groups ?? []) {
      const payload = group.groupValues?.[0];
      const status = payload ? converter.fromPayload<string>(payload) : 'Unknown';
      counts.set(status, Number(group.count ?? 0));
    }
    return counts;
  }

  /** The result of a completed run (to tell `stopped` from `completed`), else undefined. */
  async resultOf(info: WorkflowExecutionInfo): Promise<RunResult | undefined> {
    if (info.status.name !== 'COMPLETED') return undefined;
    const cached = this.results.get(info.runId);
    if (cached) return cached;
    const result = (await this.handle(info).result()) as RunResult;
    this.results.set(info.runId, result);
    if (this.results.size > RESULT_CACHE_SIZE) {
      // Maps keep insertion order: the first key is the oldest.
      const oldest = this.results.keys().next();
      if (!oldest.done) this.results.delete(oldest.value);
    }
    return result;
  }

  /** The run's input, from the first event of its history. */
  inputOf(info: WorkflowExecutionInfo): Promise<RunInput | undefined> {
    return runInputOf(this.client, info);
  }
}
