import { ApiProperty } from '@nestjs/swagger';
import { Timestamp } from '../openapi/schema-helpers';

/** Runs of a rule by state. */
export class RunCountsSchema {
  @ApiProperty({ type: 'integer', description: 'Running now.' })
  running!: number;

  @ApiProperty({ type: 'integer', description: 'Of the running ones, waiting for an approval or an event.' })
  waiting!: number;

  @ApiProperty({ type: 'integer', description: 'Ended in the window.' })
  completed!: number;

  @ApiProperty({ type: 'integer' })
  stopped!: number;

  @ApiProperty({ type: 'integer' })
  failed!: number;

  @ApiProperty({ type: 'integer' })
  cancelled!: number;

  @ApiProperty({ type: 'integer' })
  timedOut!: number;
}

/** One rule in the overview. */
export class RuleOverviewSchema {
  @ApiProperty()
  rule!: string;

  @ApiProperty({ enum: ['enabled', 'disabled', 'paused'] })
  state!: string;

  @ApiProperty({ type: RunCountsSchema })
  counts!: RunCountsSchema;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  lastRunAt!: string | null;
}

/** `GET /v1/overview`. */
export class OverviewSchema {
  @Timestamp('The start of the window.')
  since!: string;

  @ApiProperty({ type: 'integer' })
  hours!: number;

  @ApiProperty({ type: [RuleOverviewSchema], description: 'Failing rules first.' })
  rules!: RuleOverviewSchema[];

  @ApiProperty({ type: 'integer', description: 'Approvals waiting for a decision.' })
  pendingApprovals!: number;
}
