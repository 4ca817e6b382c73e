import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ROLES } from '../auth/roles';
import { Text, Timestamp } from '../openapi/schema-helpers';

/** `POST /v1/keys`. */
export class CreateKeyBodySchema {
  @Text(100, { example: 'shop-webhooks' })
  name!: string;

  @ApiProperty({ enum: ROLES })
  role!: string;

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$' },
    maxItems: 50,
    description: 'Groups the key belongs to: `approve … by "GROUP"` may be decided by keys in GROUP.',
    example: ['risk-team'],
  })
  groups?: string[];
}

/** An API key as listed: never its token. */
export class ApiKeySchema {
  @ApiProperty()
  id!: string;

  @ApiProperty()
  name!: string;

  @ApiProperty({ enum: ROLES })
  role!: string;

  @ApiProperty({ type: [String] })
  groups!: string[];

  @ApiProperty({ description: 'The first characters of the token.' })
  tokenPrefix!: string;

  @ApiProperty()
  createdBy!: string;

  @Timestamp()
  createdAt!: string;
}

/** A key just created: the only time its token is shown. */
export class CreatedApiKeySchema extends ApiKeySchema {
  @ApiProperty()
  token!: string;
}

/** `GET /v1/keys`. */
export class KeyListSchema {
  @ApiProperty({ type: [ApiKeySchema] })
  keys!: ApiKeySchema[];
}
