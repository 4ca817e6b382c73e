import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { permissionsOf, type Permission } from '../auth/permissions';
import { CurrentPrincipal } from '../auth/role.decorator';
import type { Principal, Role } from '../auth/roles';
import { ApiRoute } from '../openapi/api-route.decorator';
import { WhoamiSchema } from './session.schemas';

/** Who the caller is and what it may do. */
export interface Whoami {
  readonly role: Role;
  readonly name: string;
  readonly groups: readonly string[];
  readonly permissions: readonly Permission[];
}

/** The caller's own session: any valid token may ask who it is. */
@ApiTags('session')
@Controller('v1')
export class SessionController {
  /** The caller's role, name, groups and the actions it may take (the console hides the rest). */
  @Get('whoami')
  @ApiRoute({
    access: 'authenticated',
    summary: 'Who the token belongs to and what it may do',
    response: WhoamiSchema,
  })
  whoami(@CurrentPrincipal() principal: Principal): Whoami {
    return {
      role: principal.role,
      name: principal.name,
      groups: principal.groups,
      permissions: permissionsOf(principal.role),
    };
  }
}
