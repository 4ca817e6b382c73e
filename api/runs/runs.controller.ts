import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { ActiveRuleCache } from '../../engine/registry/active-rules';
import { startManualRun, type ManualRunRequest } from '../../engine/router';
import { ApiBody, ApiQuery, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { PERMISSIONS } from '../auth/permissions';
import { CurrentPrincipal } from '../auth/role.decorator';
import type { Principal } from '../auth/roles';
import { BodyReader, asRecord } from '../common/body';
import { ApiRoute } from '../openapi/api-route.decorator';
import { API_DEPS, type ApiDeps } from '../tokens';
import {
  ApproveBodySchema,
  RunDetailSchema,
  RunListSchema,
  RunSummarySchema,
  StartRunEventBodySchema,
  StartRunInputBodySchema,
  StartedRunSchema,
} from './runs.schemas';
import type { RunDetail, RunSummary } from './run-views';
import { RUN_TRIGGERS } from './run-query';
import { MAX_RUN_PAGE, RunsService, type RunListQuery } from './runs.service';
import { RUN_STATUSES } from './run-views';

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
@ApiTags('runs')
@Controller('v1')
export class RunsController {
  constructor(
    @Inject(API_DEPS) private readonly deps: ApiDeps,
    @Inject(Client) private readonly client: Client,
    @Inject(ActiveRuleCache) private readonly rules: ActiveRuleCache,
    @Inject(RunsService) private readonly runs: RunsService,
  ) {}

  /**
   * Starts the current version of a rule by hand: `{input}` for `manual(...)` rules, `{event}`
   * for event rules, nothing for scheduled ones. 201, 404 for an unknown rule, 422 on wrong
   * input, 409 for a disabled rule.
   */
  @Post('rules/:name/runs')
  @ApiRoute({
    access: 'operator',
    summary: 'Start the current version of a rule by hand',
    status: 201,
    response: StartedRunSchema,
    errors: [400, 404, 409, 415, 422],
    models: [StartRunInputBodySchema, StartRunEventBodySchema],
  })
  @ApiBody({
    required: true,
    description:
      '`{input}` for a `manual(...)` rule (`{input: {}}` for a scheduled one), `{event}` for an event rule. An empty body also starts a rule that needs neither.',
    schema: {
      oneOf: [
        { $ref: getSchemaPath(StartRunInputBodySchema) },
        { $ref: getSchemaPath(StartRunEventBodySchema) },
      ],
    },
  })
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
      { db: this.deps.db, client: this.client, taskQueue: this.deps.taskQueue, rules: this.rules },
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
   * `?rule=&status=&key=&event=&trigger=&since=&until=&limit=&cursor=`: runs, newest first, a page
   * at a time, found by their search attributes; `since`/`until` bound the start time.
   * `nextCursor` (opaque, tied to the filters) is null on the last page.
   */
  @Get('runs')
  @ApiRoute({
    access: 'viewer',
    summary: 'Runs, newest first, a page at a time',
    response: RunListSchema,
    errors: [404, 422],
  })
  @ApiQuery({
    name: 'rule',
    required: false,
    schema: { type: 'string', minLength: 1 },
    description: 'The rule (`OpsflowRule`).',
  })
  @ApiQuery({ name: 'status', required: false, enum: RUN_STATUSES })
  @ApiQuery({
    name: 'key',
    required: false,
    schema: { type: 'string', minLength: 1 },
    description: 'The correlation key (`OpsflowKey`).',
  })
  @ApiQuery({
    name: 'event',
    required: false,
    schema: { type: 'string', minLength: 1 },
    description: 'The id of the triggering event (`OpsflowEventId`).',
  })
  @ApiQuery({ name: 'trigger', required: false, enum: RUN_TRIGGERS, description: 'What started the run.' })
  @ApiQuery({
    name: 'since',
    required: false,
    schema: { type: 'string', format: 'date-time' },
    description: 'Runs started at or after this time.',
  })
  @ApiQuery({
    name: 'until',
    required: false,
    schema: { type: 'string', format: 'date-time' },
    description: 'Runs started at or before this time.',
  })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: MAX_RUN_PAGE, default: 20 },
  })
  @ApiQuery({
    name: 'cursor',
    required: false,
    type: String,
    description: 'The `nextCursor` of a page of the same filters (empty: the first page; unknown: 404).',
  })
  list(@Query() query: RunListQuery): Promise<{ runs: RunSummary[]; nextCursor: string | null }> {
    return this.runs.list(query);
  }

  /** One run: status, rule and version, trigger, key, timeline, what it waits for, its error. */
  @Get('runs/:runId')
  @ApiRoute({
    access: 'viewer',
    summary: 'One run: status, trigger, timeline, what it waits for',
    response: RunDetailSchema,
    errors: [404],
  })
  find(@Param('runId') runId: string): Promise<RunDetail> {
    return this.runs.find(runId);
  }

  /**
   * `{approved, comment?}` for the approval the run waits for; 409 when it waits for none, 403
   * when it is for a group the caller's key is not in. The decision records the caller (a `by`
   * in the body is accepted for older clients and ignored).
   */
  @Post('runs/:runId/approve')
  @HttpCode(200)
  @ApiRoute({
    access: PERMISSIONS['runs.approve'],
    summary: 'Decide the approval the run waits for',
    description:
      'The decision is recorded as the caller’s. An `approve … by "GROUP"` may be decided only by a key in GROUP (or admin): others get 403 `not-in-group`.',
    response: RunSummarySchema,
    errors: [400, 403, 404, 409, 415, 422, 503],
  })
  @ApiBody({ type: ApproveBodySchema })
  approve(
    @Param('runId') runId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RunSummary> {
    const reader = new BodyReader(body, ['approved', 'by', 'comment']);
    const approved = reader.fields.approved;
    if (typeof approved !== 'boolean')
      reader.errors.push({ path: 'approved', message: 'required: true or false' });
    // `by` is deprecated and ignored: the decision records the caller.
    const comment = reader.optionalText('comment', reader.fields.comment);
    reader.done();
    return this.runs.approve(
      runId,
      { approved: approved === true, ...(comment !== undefined ? { comment } : {}) },
      principal,
    );
  }

  /** Cancels a running run (its compensation runs): 202; 409 when it has ended. */
  @Post('runs/:runId/cancel')
  @HttpCode(202)
  @ApiRoute({
    access: 'operator',
    summary: 'Cancel a running run (its compensation runs)',
    status: 202,
    response: RunSummarySchema,
    errors: [404, 409],
  })
  cancel(@Param('runId') runId: string, @CurrentPrincipal() principal: Principal): Promise<RunSummary> {
    return this.runs.cancel(runId, principal);
  }
}
