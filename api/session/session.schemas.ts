import { ApiProperty } from '@nestjs/swagger';
import { ROLES } from '../auth/roles';
import { PERMISSIONS } from '../auth/permissions';

/** `GET /v1/whoami`. */
export class WhoamiSchema {
  @ApiProperty({ enum: ROLES })
  role!: string;

  @ApiProperty({ description: '`admin`, or `key:<name>` for an API key: what the audit records.' })
  name!: string;

  @ApiProperty({ type: [String], description: 'The key’s groups (`approve … by "GROUP"`).' })
  groups!: string[];

  @ApiProperty({
    type: 'array',
    items: { type: 'string', enum: Object.keys(PERMISSIONS) },
    description: 'The API actions the caller may take.',
  })
  permissions!: string[];
}
