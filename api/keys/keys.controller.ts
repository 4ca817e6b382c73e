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

  /** `{name, role}` → 201 with the key and its token, shown this once. */
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
    const reader = new BodyReader(body, ['name', 'role']);
    const name = reader.text('name', reader.fields.name, 100);
    const role = reader.oneOf('role', reader.fields.role, ROLES);
    reader.done();
    if (name === undefined || role === undefined)
      throw new Error('unreachable: the reader reported no error');
    return this.keys.create(name, role, principal.name);
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
