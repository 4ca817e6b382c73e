import { ApiProperty } from '@nestjs/swagger';

/** A place in a rule file: a run's step or error, a diagnostic. */
export class SourceRefSchema {
  @ApiProperty()
  file!: string;

  @ApiProperty({ type: 'integer' })
  line!: number;

  @ApiProperty({ type: 'integer' })
  column!: number;
}
