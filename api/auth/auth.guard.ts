import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ProblemError } from '../common/problems';
import { ApiKeysService } from './api-keys.service';
import { bearerToken } from './bearer';
import { ACCESS_KEY, type Access, type AuthenticatedRequest } from './role.decorator';
import { roleAllows } from './roles';

/**
 * Checks `Authorization: Bearer <token>` against the role of the route (`@ApiRoute`, `@RequireRole`): 401 without a valid
 * token, 403 with too small a role. A route that declares nothing is refused (fail closed).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(ApiKeysService) private readonly keys: ApiKeysService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (access === 'public') return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    // A request with a body was authenticated before it was read (`early-auth.ts`).
    const principal =
      request.principal ?? (token === undefined ? undefined : await this.keys.authenticate(token));
    if (!principal) {
      throw new ProblemError(
        401,
        'unauthorized',
        'Unauthorized',
        token === undefined
          ? 'send `Authorization: Bearer <token>` (the admin token or an API key)'
          : 'the bearer token is not valid (unknown or revoked)',
      );
    }
    if (access === undefined || (access !== 'authenticated' && !roleAllows(principal.role, access))) {
      throw new ProblemError(
        403,
        'forbidden',
        'Forbidden',
        access === undefined
          ? 'this route is not open to any role'
          : `this route needs the role ${access}; the token has the role ${principal.role}`,
      );
    }
    request.principal = principal;
    return true;
  }
}
