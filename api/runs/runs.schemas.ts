import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ANY_OBJECT, Nullable, OptionalText, Timestamp } from '../openapi/schema-helpers';
import { SourceRefSchema } from '../openapi/source-ref.schema';
import { RUN_STATUSES } from './run-views';

/** The event of a manual run of an event rule. */
export class ManualEventSchema {
  @ApiProperty({ ...ANY_OBJECT, description: 'Checked against the schema of the rule’s trigger.' })
  data!: Record<string, unknown>;

  @ApiPropertyOptional({ minLength: 1, maxLength: 256, description: 'Default: `manual-<uuid>`.' })
  id?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Default: now.' })
  time?: string;
}

/** `{input}`: the parameters of a `manual(...)` rule (a scheduled rule takes `{input: {}}` too). */
export class StartRunInputBodySchema {
  @ApiProperty({
    ...ANY_OBJECT,
    description: 'The parameters of a `manual(...)` rule; `{}` for a scheduled one.',
  })
  input!: Record<string, unknown>;
}

/** `{event}`: the triggering event of an event rule. */
export class StartRunEventBodySchema {
  @ApiProperty({ type: ManualEventSchema })
  event!: ManualEventSchema;
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

  @Nullable('string', 'The correlation key (search attribute `OpsflowKey`; long keys are hashed).')
  key!: string | null;

  @Nullable('string', 'The id of the triggering event (`OpsflowEventId`); null for other triggers.')
  eventId!: string | null;

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
  @ApiProperty({
    description:
      '`call`, `sleep`, `wait`, `approve`, `log`, `set`, `emit`, `branch`, `stop`, `fail`, `error`, `started`, `completed`, `cancelled`, `compensate`, …',
  })
  kind!: string;

  @ApiProperty({ enum: ['running', 'done', 'failed', 'timed_out', 'cancelled'] })
  status!: string;

  @Timestamp('Same as `startedAt`.')
  at!: string;

  @Timestamp()
  startedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Null while it goes on.' })
  endedAt!: string | null;

  @Nullable('string', '`file:line` in the rule source.')
  where!: string | null;

  @ApiProperty({ type: SourceRefSchema, nullable: true })
  source!: SourceRefSchema | null;

  @ApiProperty({ description: 'The action and its result, the event that came, the decision, …' })
  detail!: string;
}

/** A run's error. */
export class RunErrorSchema {
  @ApiProperty({ description: '`RuleFailed`, `ActionFailed`, `ExpressionError`, `RuleTimedOut`, …' })
  type!: string;

  @ApiProperty()
  message!: string;

  @ApiProperty()
  rule!: string;

  @ApiPropertyOptional({ type: SourceRefSchema })
  source?: SourceRefSchema;

  @Nullable('string', '`file:line`.')
  where!: string | null;

  @Nullable('string')
  file!: string | null;

  @Nullable('integer')
  line!: number | null;
}

/** A run in full. */
export class RunDetailSchema extends RunSummarySchema {
  @Nullable('object', 'What started it: `{kind: event|schedule|manual, …}`.')
  trigger!: Record<string, unknown> | null;

  @Nullable('string', 'The W3C `traceparent` of the triggering event: the event and the run share its trace.')
  traceparent!: string | null;

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

  @ApiProperty({ type: RunErrorSchema, nullable: true })
  error!: RunErrorSchema | null;

  @Nullable('string', 'The run this one reruns.')
  rerunOf!: string | null;

  @ApiProperty({ type: [String], description: 'Reruns of this run, oldest first.' })
  reruns!: string[];

  @Nullable('string', 'The failed run this one retries (a Temporal reset of it).')
  retryOf!: string | null;

  @Nullable('string', 'The run that retries this failed one.')
  retriedAs!: string | null;

  @Nullable('string', 'The run in Temporal’s Web UI.')
  temporalUiUrl!: string | null;
}

/** `POST /v1/runs/{runId}/approve`. */
export class ApproveBodySchema {
  @ApiProperty()
  approved!: boolean;

  @ApiPropertyOptional({
    deprecated: true,
    description: 'Ignored: the decision records the caller (`admin` or `key:<name>`).',
  })
  by?: string;

  @OptionalText(2000)
  comment?: string;
}
