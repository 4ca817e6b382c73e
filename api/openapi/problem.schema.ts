import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** One failing field of a 422, as documented. */
export class FieldErrorSchema {
  @ApiProperty({ description: 'The field (`files[1].content`); empty for the body itself.' })
  path!: string;

  @ApiProperty()
  message!: string;

  @ApiPropertyOptional({ description: 'The event in a batch (events only).' })
  index?: number;
}

/** An RFC 9457 problem, the body of every error response (`application/problem+json`). */
export class ProblemSchema {
  @ApiProperty({
    description: 'https://opsflow.dev/problems/ followed by a stable slug',
    example: 'https://opsflow.dev/problems/invalid-body',
  })
  type!: string;

  @ApiProperty({ example: 'The request body is not valid' })
  title!: string;

  @ApiProperty({ example: 422 })
  status!: number;

  @ApiProperty({ example: 'approved: required: true or false' })
  detail!: string;

  @ApiPropertyOptional({ type: [FieldErrorSchema], description: 'The failing fields (422).' })
  errors?: FieldErrorSchema[];

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'Compiler diagnostics (`rule-errors`), like `Diagnostic`.',
  })
  diagnostics?: Record<string, unknown>[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'The checks of `/readyz` (`not-ready`).',
  })
  checks?: Record<string, string>;
}
