import { ApiProperty } from '@nestjs/swagger';

/** `GET /healthz`. */
export class HealthSchema {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}

/** The outcome of each readiness check. */
export class ReadyChecksSchema {
  @ApiProperty({ enum: ['ok', 'unreachable', 'timeout'] })
  database!: string;

  @ApiProperty({ enum: ['ok', 'unreachable', 'timeout'] })
  temporal!: string;
}

/** `GET /readyz` when ready. */
export class ReadySchema {
  @ApiProperty({ enum: ['ready'] })
  status!: 'ready';

  @ApiProperty({ type: ReadyChecksSchema })
  checks!: ReadyChecksSchema;
}
