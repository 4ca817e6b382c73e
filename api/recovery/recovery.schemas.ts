import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { RERUN_VERSIONS } from '../../engine/recovery/rerun';
import { RUN_STATUSES } from '../runs/run-views';
import { RunSummarySchema, StartedRunSchema } from '../runs/runs.schemas';
import { ANY_OBJECT, NON_BLANK, Timestamp } from '../openapi/schema-helpers';

/** `POST /v1/runs/{runId}/rerun`. */
export class RerunBodySchema {
  @ApiPropertyOptional({
    enum: RERUN_VERSIONS,
    default: 'latest',
    description: '`latest`: the rule’s current version; `pinned`: the version the run had.',
  })
  version?: string;
}

/** A rerun just started. */
export class RerunStartedSchema extends StartedRunSchema {
  @ApiProperty({ description: 'The run it reruns.' })
  rerunOf!: string;
}

/** A retry: the new run of the same workflow id, continuing from before the failed action. */
export class RetryStartedSchema extends OmitType(StartedRunSchema, ['version'] as const) {
  @ApiProperty({ description: 'The failed run it retries.' })
  retryOf!: string;
}

/** Which runs a bulk rerun takes. */
export class RunFilterSchema {
  @ApiPropertyOptional({ minLength: 1, pattern: NON_BLANK })
  rule?: string;

  @ApiPropertyOptional({ enum: RUN_STATUSES })
  status?: string;

  @ApiPropertyOptional({ minLength: 1, pattern: NON_BLANK, description: 'Needs `rule`.' })
  key?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Runs started at or after.' })
  since?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Runs started at or before.' })
  until?: string;
}

/** `POST /v1/runs:rerun`. */
export class BulkRerunBodySchema {
  @ApiProperty({ type: RunFilterSchema })
  filter!: RunFilterSchema;

  @ApiPropertyOptional({ enum: RERUN_VERSIONS, default: 'latest' })
  version?: string;

  @ApiPropertyOptional({ default: false, description: 'Only say how many runs and which.' })
  dryRun?: boolean;
}

/** The answer of a dry run. */
export class BulkRerunPreviewSchema {
  @ApiProperty({ type: 'integer' })
  count!: number;

  @ApiProperty({
    type: [RunSummarySchema],
    description: 'The runs a real request would rerun, newest first.',
  })
  runs!: RunSummarySchema[];
}

/** A bulk rerun job just created. */
export class BulkRerunStartedSchema {
  @ApiProperty()
  jobId!: string;

  @ApiProperty({ type: 'integer', description: 'Runs the job reruns.' })
  total!: number;

  @ApiProperty({ type: 'integer', description: 'Matching runs left out: rerun or retried before.' })
  skipped!: number;
}

/** A run a job could not rerun. */
export class JobErrorSchema {
  @ApiProperty()
  runId!: string;

  @ApiProperty()
  error!: string;
}

/** `GET /v1/jobs/{id}`. */
export class JobSchema {
  @ApiProperty()
  id!: string;

  @ApiProperty({ enum: ['bulk_rerun'] })
  kind!: string;

  @ApiProperty({
    enum: ['running', 'done', 'failed'],
    description: '`failed`: finished, some runs not rerun.',
  })
  state!: string;

  @ApiProperty({ type: 'integer' })
  total!: number;

  @ApiProperty({ type: 'integer', description: 'Reruns started.' })
  done!: number;

  @ApiProperty({ type: 'integer', description: 'Runs that could not be rerun (see `errors`).' })
  failed!: number;

  @ApiProperty({ type: 'integer' })
  skipped!: number;

  @ApiProperty({ type: [JobErrorSchema] })
  errors!: JobErrorSchema[];

  @ApiProperty({ ...ANY_OBJECT, description: '`{filter, version}` as asked.' })
  params!: Record<string, unknown>;

  @ApiProperty()
  createdBy!: string;

  @Timestamp()
  createdAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  finishedAt!: string | null;
}
