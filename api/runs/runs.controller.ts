import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ActiveRuleCache } from '../../engine/registry/active-rules';
import { startManualRun, type ManualRunRequest } from '../../engine/router/manual';
import type { ApprovalDecision } from '../../workflows/contract';
import { CurrentPrincipal, RequireRole } from '../auth/role.decorator';
import type { Principal } from '../auth/roles';
import { BodyReader, asRecord } from '../common/body';
import { API_DEPS, type ApiDeps } from '../tokens';
import type { RunDetail, RunSummary } from './run-views';
import { RunsService, type RunListQuery } from './runs.service';

/** A run just started. */
export interface StartedRun {
  readonly runId: string;
  readonly workflowId: string;
  readonly version: number;
}

/**
 * Runs: started by hand and acted on (`operator`), listed and shown (`viewer`).
 *
 * `:runId` is Temporal's run id (the `runId` a manual start or a listing returns). It is looked
 * up in Temporal's visibility store (`RunId = '…'`) to find its workflow id; anything that is not
 * a run id of the interpreter workflow is a 404. Workflow ids are not accepted: one workflow id
 * names many runs over time (a key's runs share it).
 */
@Controller('v1')
export class RunsController {
  constructor(
    @Inject(API_DEPS) private readonly deps: ApiDeps,
    @Inject(ActiveRuleCache) private readonly rules: ActiveRuleCache,
    @Inject(RunsService) private readonly runs: RunsService,
  ) {}

  /**
   * Starts the current version of a rule by hand: `{input}` for `manual(...)` rules, `{event}`
   * for event rules, nothing for scheduled ones. 201, 404 for an unknown rule, 422 on wrong
   * input, 409 for a disabled rule.
   */
  @Post('rules/:name/runs')
  @RequireRole('operator')
  async start(
    @Param('name') name: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<StartedRun> {
    const reader = new BodyReader(body, ['input', 'event'], true);
    const { input, event } = reader.fields;
    if (event !== undefined && !asRecord(event)) {
      reader.errors.push({ path: 'event', message: 'expected { data, id?, time? }' });
    }
    reader.done();
    const started = await startManualRun(
      { db: this.deps.db, client: this.deps.client, taskQueue: this.deps.taskQueue, rules: this.rules },
      {
        rule: name,
        ...(input !== undefined ? { input } : {}),
        // Its fields are checked by startManualRun, against the schema of the rule's trigger.
        ...(event !== undefined ? { event: event as ManualRunRequest['event'] } : {}),
        by: principal.name,
      },
    );
    return { runId: started.runId, workflowId: started.workflowId, version: started.version };
  }

  /**
   * `?rule=&status=&key=&limit=&cursor=`: runs, newest first, a page at a time. Rule and key
   * come from the workflow id (`opsflow/RULE/key/KEY`), the version from the run's memo; `key`
   * needs `rule`. `nextCursor` (opaque, tied to the filters) is null on the last page.
   */
  @Get('runs')
  @RequireRole('viewer')
  list(@Query() query: RunListQuery): Promise<{ runs: RunSummary[]; nextCursor: string | null }> {
    return this.runs.list(query);
  }

  /** One run: status, rule and version, trigger, key, timeline, what it waits for, its error. */
  @Get('runs/:runId')
  @RequireRole('viewer')
  find(@Param('runId') runId: string): Promise<RunDetail> {
    return this.runs.find(runId);
  }

  /** `{approved, by?, comment?}` for the approval the run waits for; 409 when it waits for none. */
  @Post('runs/:runId/approve')
  @HttpCode(200)
  @RequireRole('operator')
  approve(
    @Param('runId') runId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RunSummary> {
    const reader = new BodyReader(body, ['approved', 'by', 'comment']);
    const approved = reader.fields.approved;
    if (typeof approved !== 'boolean')
      reader.errors.push({ path: 'approved', message: 'required: true or false' });
    const by = reader.optionalText('by', reader.fields.by, 200);
    const comment = reader.optionalText('comment', reader.fields.comment);
    reader.done();
    const decision: ApprovalDecision = {
      approved: approved === true,
      by: by ?? principal.name,
      ...(comment !== undefined ? { comment } : {}),
    };
    return this.runs.approve(runId, decision, principal);
  }

  /** Cancels a running run (its compensation runs): 202; 409 when it has ended. */
  @Post('runs/:runId/cancel')
  @HttpCode(202)
  @RequireRole('operator')
  cancel(@Param('runId') runId: string, @CurrentPrincipal() principal: Principal): Promise<RunSummary> {
    return this.runs.cancel(runId, principal);
  }
}
