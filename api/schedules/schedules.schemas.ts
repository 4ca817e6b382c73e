import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Timestamp } from '../openapi/schema-helpers';

/** A run a schedule started. */
export class ScheduleActionSchema {
  @Timestamp()
  scheduledAt!: string;

  @Timestamp()
  takenAt!: string;

  @ApiProperty()
  workflowId!: string;
}

/** One rule's schedule. */
export class ScheduleViewSchema {
  @ApiProperty()
  rule!: string;

  @ApiProperty()
  scheduleId!: string;

  @ApiPropertyOptional({ type: 'integer', description: 'The rule version the schedule starts.' })
  version?: number;

  @ApiProperty()
  paused!: boolean;

  @ApiPropertyOptional({ description: 'Who paused or unpaused it.' })
  note?: string;

  @ApiPropertyOptional({
    description: '`{intervalMs}` or `{cron, timezone}`.',
    oneOf: [
      { type: 'object', properties: { intervalMs: { type: 'integer' } }, required: ['intervalMs'] },
      {
        type: 'object',
        properties: { cron: { type: 'string' }, timezone: { type: 'string' } },
        required: ['cron', 'timezone'],
      },
    ],
  })
  every?: Record<string, unknown>;

  @ApiProperty({ type: 'array', items: { type: 'string', format: 'date-time' } })
  nextActionTimes!: string[];

  @ApiProperty({ type: [ScheduleActionSchema], description: 'Oldest first.' })
  recentActions!: ScheduleActionSchema[];

  @ApiProperty({ type: [String], description: 'Workflow ids of its runs still going.' })
  running!: string[];
}

/** `GET /v1/schedules`. */
export class ScheduleListSchema {
  @ApiProperty({ type: [ScheduleViewSchema] })
  schedules!: ScheduleViewSchema[];
}

/** `POST /v1/schedules/{rule}/backfill`. */
export class BackfillBodySchema {
  @ApiProperty({ format: 'date-time', description: 'One end of the range (inclusive).' })
  from!: string;

  @ApiProperty({
    format: 'date-time',
    description: 'The other end (inclusive); the ticks between the two are taken, whichever comes first.',
  })
  to!: string;
}
