import { Body, Controller, Get, HttpCode, Inject, Param, Post, Res } from '@nestjs/common';
import { ApiBody, ApiResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { JobView } from '../../engine/recovery/bulk-jobs';
import { RERUN_VERSIONS, type RerunStarted, type RerunVersion } from '../../engine/recovery/rerun';
import { PERMISSIONS } from '../auth/permissions';
import { CurrentPrincipal } from '../auth/role.decorator';
import type { Principal } from '../auth/roles';
import { BodyReader, asRecord } from '../common/body';
import { ApiRoute } from '../openapi/api-route.decorator';
import { readRunFilter } from '../runs/run-query';
import type { RunSummary } from '../runs/run-views';
import {
  BulkRerunBodySchema,
  BulkRerunPreviewSchema,
  BulkRerunStartedSchema,
  JobSchema,
  RerunBodySchema,
  RerunStartedSchema,
  RetryStartedSchema,
} from './recovery.schemas';
import { MAX_BULK_RUNS, RecoveryService } from './recovery.service';

/** A dry run's answer: how many runs a bulk rerun would take, and which. */
export interface BulkRerunPreview {
  readonly count: number;
  readonly runs: readonly RunSummary[];
}

/** Getting back from failures: rerun a run, retry a failed one from its failed step, in bulk. */
@ApiTags('recovery')
@Controller('v1')
export class RecoveryController {
  constructor(@Inject(RecoveryService) private readonly recovery: RecoveryService) {}

  /**
   * `{version?: latest|pinned}` → 201: a new run with the same trigger (event or input), a run of
   * its own; both runs show the link (`rerunOf`, `reruns`). 409 when the rule is disabled or its
   * trigger changed, 422 when the trigger does not fit the latest version's schema.
   */
  @Post('runs/:runId/rerun')
  @ApiRoute({
    access: PERMISSIONS['runs.rerun'],
    summary: 'Rerun a run: a new run with the same trigger',
    description:
      'On the rule’s current version (`latest`, the default) or the run’s own (`pinned`). The new run shows `rerunOf`, the old one lists it in `reruns`.',
    status: 201,
    response: RerunStartedSchema,
    errors: [400, 404, 409, 415, 422],
  })
  @ApiBody({ type: RerunBodySchema, required: false })
  rerun(
    @Param('runId') runId: string,
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
  ): Promise<RerunStarted> {
    const reader = new BodyReader(body, ['version'], true);
    const version = readVersion(reader);
    reader.done();
    return this.recovery.rerun(runId, version, principal);
  }

  /**
   * 202: the failed run continues from the step that failed (a Temporal reset to before its failed
   * action: earlier calls are not made again), same version, under a new run id of the same
   * workflow id; the old run shows `retriedAs`. Retrying it again answers the same retry. 409
   * when the run did not fail (`not-failed`), failed outside an action (`not-retryable`), or
   * another run of its workflow id is running (`run-in-the-way`).
   */
  @Post('runs/:runId/retry')
  @HttpCode(202)
  @ApiRoute({
    access: PERMISSIONS['runs.retry'],
    summary: 'Retry a failed run from the step that failed',
    description:
      'A Temporal reset to the workflow task before the failed action: what the run did before is kept and not done again. The new run id is in the answer and in the old run’s `retriedAs`.',
    status: 202,
    response: RetryStartedSchema,
    errors: [404, 409],
  })
  async retry(
    @Param('runId') runId: string,
    @CurrentPrincipal() principal: Principal,
  ): Promise<{ runId: string; workflowId: string; retryOf: string }> {
    const retried = await this.recovery.retry(runId, principal);
    return { runId: retried.runId, workflowId: retried.workflowId, retryOf: retried.retryOf };
  }

  /**
   * `{filter: {rule?, status?, since?, until?, key?}, version?, dryRun?}`: with `dryRun` 200 and
   * the runs it would take; otherwise 202 and a job (`GET /v1/jobs/{id}`) that reruns each of
   * them once, oldest first, at `OPSFLOW_BULK_RERUN_RATE` runs per second. Runs rerun or retried
   * before are left out, so repeating the request reruns nothing twice.
   */
  @Post('runs::rerun')
  @ApiRoute({
    access: PERMISSIONS['runs.rerun'],
    summary: 'Rerun every run a filter matches (dry run, or a job)',
    description: `Dry run: 200 \`{count, runs}\`. Otherwise 202 \`{jobId, total, skipped}\`; the job reruns each run once, at a bounded rate, and goes on after a restart. At most ${MAX_BULK_RUNS} runs per request.`,
    status: 202,
    response: BulkRerunStartedSchema,
    models: [BulkRerunPreviewSchema],
    errors: [400, 415, 422],
  })
  @ApiResponse({
    status: 200,
    description: 'Dry run: the runs a real request would rerun',
    content: { 'application/json': { schema: { $ref: getSchemaPath(BulkRerunPreviewSchema) } } },
  })
  @ApiBody({ type: BulkRerunBodySchema })
  async bulkRerun(
    @Body() body: unknown,
    @CurrentPrincipal() principal: Principal,
    // Two success statuses (200 for a dry run, 202 for a job): the reply is sent here.
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const reader = new BodyReader(body, ['filter', 'version', 'dryRun']);
    const given = asRecord(reader.fields.filter);
    if (!given)
      reader.errors.push({ path: 'filter', message: 'required: { rule?, status?, since?, until?, key? }' });
    else {
      for (const name of Object.keys(given)) {
        if (!['rule', 'status', 'key', 'since', 'until'].includes(name))
          reader.errors.push({
            path: `filter.${name}`,
            message: 'unknown field (expected rule, status, key, since, until)',
          });
      }
    }
    const filter = readRunFilter(given ?? {}, reader.errors, 'filter.');
    const version = readVersion(reader);
    const dryRun = reader.fields.dryRun;
    if (dryRun !== undefined && typeof dryRun !== 'boolean') {
      reader.errors.push({ path: 'dryRun', message: 'expected true or false' });
    }
    reader.done();
    const runs = await this.recovery.matching(filter);
    if (dryRun === true) {
      const preview: BulkRerunPreview = { count: runs.length, runs };
      await reply.status(200).send(preview);
      return;
    }
    const job = await this.recovery.startBulk(filter, version, runs, principal);
    await reply.status(202).send({ jobId: job.id, total: job.total, skipped: job.skipped });
  }

  /** A bulk rerun job: its state, progress, and the runs it could not rerun. */
  @Get('jobs/:id')
  @ApiRoute({
    access: PERMISSIONS['jobs.read'],
    summary: 'A bulk rerun job: state, progress, errors',
    response: JobSchema,
    errors: [404],
  })
  job(@Param('id') id: string): Promise<JobView> {
    return this.recovery.job(id);
  }
}

function readVersion(reader: BodyReader): RerunVersion {
  const given = reader.fields.version;
  if (given === undefined) return 'latest';
  return reader.oneOf('version', given, RERUN_VERSIONS) ?? 'latest';
}
