import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiKeysService, type ApiKey, type CreatedApiKey } from '../auth/api-keys.service';
import { ApiBody, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal } from '../auth/role.decorator';
import { ROLES, type Principal } from '../auth/roles';
import { BodyReader } from '../common/body';
import { NotFoundProblem } from '../common/problems';
import { ApiRoute } from '../openapi/api-route.decorator';
import { CreateKeyBodySchema, CreatedApiKeySchema, KeyListSchema } from './keys.schemas';

/** API keys (`admin`): created with a role, listed without their tokens, revoked. */
@ApiTags('keys')
@Controller('v1/keys')
export class KeysController {
  constructor(@Inject(ApiKeysService) private readonly keys: ApiKeysService) {}

  /** `{name, role, groups?}` → 201 with the key and its token, shown this once. */
  @Post()
  @ApiRoute({
    access: 'admin',
    summary: 'Create an API key',
    description: 'The token is in this response only; the server keeps its hash.',
    status: 201,
    response: CreatedApiKeySchema,
    errors: [400, 415, 422],
  })
  @ApiBody({ type: CreateKeyBodySchema })
  async create(@Body() body: unknown, @CurrentPrincipal() principal: Principal): Promise<CreatedApiKey> {
    const reader = new BodyReader(body, ['name', 'role', 'groups']);
    const name = reader.text('name', reader.fields.name, 100);
    const role = reader.oneOf('role', reader.fields.role, ROLES);
    const groups = readGroups(reader);
    reader.done();
    if (name === undefined || role === undefined)
      throw new Error('unreachable: the reader reported no error');
    return this.keys.create(name, role, principal.name, groups);
  }

  /** The keys in use. */
  @Get()
  @ApiRoute({ access: 'admin', summary: 'The keys in use (without tokens)', response: KeyListSchema })
  async list(): Promise<{ keys: ApiKey[] }> {
    return { keys: await this.keys.list() };
  }

  /** Revokes a key at once: 204, or 404 for an unknown (or already revoked) key. */
  @Delete(':id')
  @HttpCode(204)
  @ApiRoute({ access: 'admin', summary: 'Revoke a key at once', status: 204, errors: [404] })
  async revoke(@Param('id') id: string): Promise<void> {
    if (!(await this.keys.revoke(id))) throw new NotFoundProblem(`no API key with id ${id}`);
  }
}

/** A group name: what `approve … by "GROUP"` names (letters, digits, `._-`, at most 100). */
const GROUP_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** `groups`: optional, a list of at most 50 group names. */
function readGroups(reader: BodyReader): string[] {
  const given = reader.fields.groups;
  if (given === undefined) return [];
  if (!Array.isArray(given) || given.length > 50) {
    reader.errors.push({ path: 'groups', message: 'expected a list of at most 50 group names' });
    return [];
  }
  const groups: string[] = [];
  given.forEach((g: unknown, i) => {
    if (typeof g === 'string' && GROUP_NAME.test(g)) groups.push(g);
    else
      reader.errors.push({
        path: `groups[${i}]`,
        message: 'expected a group name: letters, digits, ".", "_" or "-", at most 100 characters',
      });
  });
  return groups;
}
