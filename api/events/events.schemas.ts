import { ApiProperty } from '@nestjs/swagger';
import { ANY_OBJECT, Nullable, Timestamp } from '../openapi/schema-helpers';

/** One stored event. */
export class IngestResultSchema {
  @ApiProperty()
  id!: string;

  @ApiProperty({ description: 'An event with this id was stored before (this one was not).' })
  duplicate!: boolean;
}

/** A stored batch, in the order posted. */
export class IngestBatchResultSchema {
  @ApiProperty({ type: [IngestResultSchema] })
  results!: IngestResultSchema[];
}

/** What an event's routing did. */
export class EventRoutingSchema {
  @ApiProperty({ enum: ['pending', 'routed', 'failed'] })
  status!: string;

  @ApiProperty({ type: 'integer' })
  attempts!: number;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  routedAt!: string | null;

  @Nullable('string')
  error!: string | null;
}

/** What happened to an event for one rule. */
export class EventOutcomeSchema {
  @ApiProperty()
  rule!: string;

  @ApiProperty({ type: 'integer' })
  version!: number;

  @ApiProperty({
    enum: [
      'starting',
      'started',
      'skipped',
      'dropped',
      'queued',
      'replaced',
      'error',
      'paused',
      'debounced',
      'batched',
      'throttled',
      'limited',
    ],
    description:
      '`paused`: held while the rule is paused, routed when it is resumed. Flow control (v2): ' +
      '`debounced`/`batched`: in a burst or batch whose run another trigger of it became (`runId` ' +
      'once the run started); `throttled`: held by `throttle`, then started (`runId`); `limited`: ' +
      'dropped by `limit`.',
  })
  outcome!: string;

  @Nullable('string')
  workflowId!: string | null;

  @Nullable('string')
  runId!: string | null;

  @Nullable('string', 'The guard’s explanation when skipped, the error when it failed.')
  detail!: string | null;

  @Timestamp()
  at!: string;
}

/** What every view of a stored event shows. */
export class EventHeadSchema {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  type!: string;

  @Nullable('string')
  source!: string | null;

  @Nullable('string')
  subject!: string | null;

  @Timestamp()
  time!: string;

  @Timestamp()
  receivedAt!: string;

  @ApiProperty({ type: EventRoutingSchema })
  routing!: EventRoutingSchema;
}

/** A stored event with its routing status and per-rule outcomes. */
export class EventViewSchema extends EventHeadSchema {
  @ApiProperty({ type: 'integer', description: 'How many `emit`s led to this event (0: from outside).' })
  causalDepth!: number;

  @ApiProperty(ANY_OBJECT)
  data!: Record<string, unknown>;

  @Nullable('string', 'The data’s content type as the producer gave it (CloudEvents `datacontenttype`).')
  datacontenttype!: string | null;

  @Nullable('string', 'CloudEvents `dataschema`.')
  dataschema!: string | null;

  @ApiProperty({
    type: 'object',
    additionalProperties: { oneOf: [{ type: 'string' }, { type: 'integer' }, { type: 'boolean' }] },
    description: 'CloudEvents extension attributes as posted (`traceparent`, `tracestate`, custom ones).',
  })
  extensions!: Record<string, string | number | boolean>;

  @ApiProperty({
    type: Boolean,
    nullable: true,
    description:
      'A deployed rule declared the type when the event was stored; false for a type stored with `OPSFLOW_UNDECLARED_EVENTS=store` (it triggered nothing); null for events stored before this was recorded.',
  })
  declared!: boolean | null;

  @ApiProperty({ type: [EventOutcomeSchema] })
  outcomes!: EventOutcomeSchema[];
}

/** A rule's outcome for an event, in short. */
export class EventOutcomeShortSchema {
  @ApiProperty()
  rule!: string;

  @ApiProperty()
  outcome!: string;
}

/** An event as listed (without its data). */
export class EventSummarySchema extends EventHeadSchema {
  @ApiProperty({ type: [EventOutcomeShortSchema] })
  outcomes!: EventOutcomeShortSchema[];
}

/** `GET /v1/events`. */
export class EventListSchema {
  @ApiProperty({ type: [EventSummarySchema] })
  events!: EventSummarySchema[];

  @Nullable('string', 'Opaque; null on the last page.')
  nextCursor!: string | null;
}
