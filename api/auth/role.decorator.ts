import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal, Role } from './roles';

/** Metadata key of the access a route needs. */
export const ACCESS_KEY = 'opsflow:access';

/** What a route needs: a role, any valid token (`authenticated`), or nothing at all (`public`). */
export type Access = Role | 'authenticated' | 'public';

/** The least role a route (or every route of a controller) requires. */
export const RequireRole = (role: Role): MethodDecorator & ClassDecorator => SetMetadata(ACCESS_KEY, role);

/** A route anyone may call, without a token (health checks). */
export const Public = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_KEY, 'public' satisfies Access);

/** A request the auth guard let through. */
export interface AuthenticatedRequest extends FastifyRequest {
  principal?: Principal;
}

/** The caller of an authenticated route (set by `AuthGuard`). */
export const CurrentPrincipal = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthenticatedRequest>().principal;
  if (!principal) throw new Error('CurrentPrincipal used on a route without a role');
  return principal;
});
