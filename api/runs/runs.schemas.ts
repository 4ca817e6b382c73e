import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ANY_OBJECT, Nullable, OptionalObject, Timestamp } from '../openapi/schema-helpers';
import { RUN_STATUSES } from './run-views';

/** The event of a manual run of an event rule. */
export class ManualEventSchema {
  @ApiProperty({ ...ANY_OBJECT, description: 'Checked against the schema of the rule’s trigger.' })
  data!: Record<string, unknown>;

  @ApiPropertyOptional()
  id?: string;

  @ApiPropertyOptional({ format: 'date-time' })
  time?: string;
}

/** `POST /v1/rules/{name}/runs`: `input` for `manual(...)` rules, `event` for event rules, nothing for scheduled ones. */
export class StartRunBodySchema {
  @OptionalObject('The parameters of a `manual(...)` rule.')
  input?: Record<string, unknown>;

  @ApiPropertyOptional({ type: ManualEventSchema })
  event?: ManualEventSchema;
}

/** A run just started. */
export class StartedRunSchema {
  @ApiProperty()
  runId!: string;

  @ApiProperty()
  workflowId!: string;

  @ApiProperty({ type: 'integer' })
  version!: number;
}

/** A run as listed. */
export class RunSummarySchema {
  @ApiProperty({ description: 'Temporal’s run id: what `/v1/runs/{runId}` takes.' })
  runId!: string;

  @ApiProperty()
  workflowId!: string;

  @Nullable('string')
  rule!: string | null;

  @Nullable('integer')
  version!: number | null;

  @ApiProperty({ enum: RUN_STATUSES })
  status!: string;

  @Nullable('string', 'The correlation key, from the workflow id.')
  key!: string | null;

  @Timestamp()
  startedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  closedAt!: string | null;
}

/** `GET /v1/runs`. */
export class RunListSchema {
  @ApiProperty({ type: [RunSummarySchema] })
  runs!: RunSummarySchema[];

  @Nullable('string', 'Opaque; null on the last page.')
  nextCursor!: string | null;
}

/** One step of a run's timeline. */
export class RunStepSchema {
  @Timestamp()
  at!: string;

  @ApiProperty()
  kind!: string;

  @Nullable('string', '`file:line` in the rule source.')
  where!: string | null;

  @Nullable('object', '`{file, line, column}`.')
  source!: Record<string, unknown> | null;

  @ApiProperty()
  detail!: string;
}

/** A run in full. */
export class RunDetailSchema extends RunSummarySchema {
  @Nullable('object', 'What started it: `{kind: event|schedule|manual, …}`.')
  trigger!: Record<string, unknown> | null;

  @Nullable('string')
  message!: string | null;

  @Nullable('object', 'Where it is now: `{kind, where, source}`.')
  step!: Record<string, unknown> | null;

  @ApiProperty({
    type: 'array',
    items: ANY_OBJECT,
    description: 'What it waits for: `{kind: approval|sleep|event|action, …}`.',
  })
  waiting!: Record<string, unknown>[];

  @ApiProperty({ type: [RunStepSchema] })
  timeline!: RunStepSchema[];

  @ApiProperty({ type: 'integer', description: 'Steps left out of a long timeline.' })
  timelineDropped!: number;

  @Nullable('object', '`{type, message, rule, source?, where}`.')
  error!: Record<string, unknown> | null;
}

/** `POST /v1/runs/{runId}/approve`. */
export class ApproveBodySchema {
  @ApiProperty()
  approved!: boolean;

  @ApiPropertyOptional({ description: 'Default: the caller (`key:<name>`).' })
  by?: string;

  @ApiPropertyOptional()
  comment?: string;
}
