import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { LRUCache } from 'lru-cache';
import type { Role } from '../../workflows/workflow-definition';
import { DomainError } from '../common/errors/domain-error';
import type { Actor } from '../engine/actor';
import { UsersService } from '../users/users.service';
import { IS_PUBLIC, REQUIRED_ROLES } from './decorators';

export interface TokenClaims {
  sub: string;
  /** The user's token version: deactivation or a password change invalidates older tokens. */
  tv: number;
  /** Expiry, seconds since the epoch (set by JwtService at sign-in). */
  exp?: number;
}

/**
 * Global guard: every route needs a valid Bearer token unless marked @Public(). The user's
 * identity comes from UsersService.findActiveIdentity: remembered in memory, and dropped in every
 * process when the user changes, so a deactivated user's token stops working at once.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  /**
   * Tokens whose signature was checked, until they expire: a token's signature never changes, so
   * the HMAC and parse are paid once per token instead of once per request. What can end a token
   * earlier (deactivation, a new password) is its version, checked on every request below.
   */
  private readonly verified = new LRUCache<string, TokenClaims>({ max: 10_000 });

  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly users: UsersService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) {
      return true;
    }
    const request = context
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | undefined>; actor?: Actor }>();
    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) {
      throw new DomainError(
        'UNAUTHENTICATED',
        'Send Authorization: Bearer <token> (POST /api/v1/auth/login).',
      );
    }
    let claims = this.verified.get(token);
    if (!claims || (claims.exp !== undefined && claims.exp * 1000 <= Date.now())) {
      this.verified.delete(token);
      try {
        claims = await this.jwt.verifyAsync<TokenClaims>(token);
      } catch {
        throw new DomainError('UNAUTHENTICATED', 'The token is invalid or expired.');
      }
      this.verified.set(token, claims);
    }
    const user = await this.users.findActiveIdentity(claims.sub);
    if (!user || user.tokenVersion !== claims.tv) {
      throw new DomainError('UNAUTHENTICATED', 'The token is no longer valid.');
    }
    request.actor = { id: user.id, roles: user.roles, streetCode: user.streetCode };
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (required && !user.roles.some((r) => required.includes(r))) {
      throw DomainError.forbidden(`This needs one of the roles: ${required.join(', ')}.`);
    }
    return true;
  }
}
