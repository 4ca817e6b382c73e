import { ApiProperty } from '@nestjs/swagger';
import { ANY_OBJECT, Nullable, Timestamp } from '../openapi/schema-helpers';

/** One line of the audit trail. */
export class AuditEntrySchema {
  @ApiProperty()
  id!: string;

  @Timestamp()
  at!: string;

  @ApiProperty({ description: '`admin` or `key:<name>`.' })
  actor!: string;

  @ApiProperty({
    description:
      'A rule change (`added`, `changed`, `rolled_back`, `enabled`, …), a run action (`approved`, `rejected`, `cancelled`) or a schedule action (`schedule_paused`, `schedule_unpaused`, `schedule_triggered`, `schedule_backfilled`).',
  })
  action!: string;

  @Nullable('string')
  rule!: string | null;

  @Nullable('integer')
  version!: number | null;

  @Nullable('string')
  deploymentId!: string | null;

  @ApiProperty(ANY_OBJECT)
  detail!: Record<string, unknown>;
}

/** `GET /v1/audit`. */
export class AuditListSchema {
  @ApiProperty({ type: [AuditEntrySchema] })
  entries!: AuditEntrySchema[];
}
