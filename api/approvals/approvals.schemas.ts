import { ApiProperty } from '@nestjs/swagger';
import { Nullable, Timestamp } from '../openapi/schema-helpers';

/** One approval waiting for a decision. */
export class ApprovalViewSchema {
  @ApiProperty()
  runId!: string;

  @ApiProperty()
  workflowId!: string;

  @ApiProperty()
  rule!: string;

  @Nullable('string', 'The run’s correlation key.')
  key!: string | null;

  @ApiProperty({ description: 'The approval’s text, as the rule wrote it.' })
  description!: string;

  @Nullable('string', '`approve … by "GROUP"`: keys in GROUP (and admin) may decide; null: any operator.')
  by!: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'When it gives up (`within`).',
  })
  deadline!: string | null;

  @Timestamp()
  requestedAt!: string;

  @ApiProperty({ description: 'Whether the caller may decide it.' })
  mayDecide!: boolean;
}

/** `GET /v1/approvals`. */
export class ApprovalListSchema {
  @ApiProperty({ type: [ApprovalViewSchema] })
  approvals!: ApprovalViewSchema[];

  @Nullable('string', 'Opaque; null on the last page.')
  nextCursor!: string | null;
}
