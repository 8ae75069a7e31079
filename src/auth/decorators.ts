import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from '../../workflows/workflow-definition';
import type { Actor } from '../engine/actor';

export const IS_PUBLIC = 'yibao:isPublic';
export const REQUIRED_ROLES = 'yibao:roles';

/** No token needed (login, health, metrics, public results). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

/** The caller needs at least one of these roles (403 otherwise). */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_ROLES, roles);

/** The signed-in user as the engine's Actor. */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const request = ctx.switchToHttp().getRequest<{ actor?: Actor }>();
  if (!request.actor) {
    throw new Error('CurrentActor used on a public route');
  }
  return request.actor;
});
