import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import type { Environment } from '../config/environment';
import type { Actor } from '../engine/actor';
import { DomainError } from '../common/errors/domain-error';
import type { UserEntity } from '../users/entities/user.entity';
import { UsersService } from '../users/users.service';
import type { TokenClaims } from './auth.guard';
import type { TokenDto } from './dto/login.dto';
import { LoginThrottle } from './login-throttle.service';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly config: ConfigService<Environment, true>,
    private readonly throttle: LoginThrottle,
  ) {}

  /** A token for the right password; 401 otherwise; 429 while the name or address is locked. */
  async login(username: string, password: string, ip?: string): Promise<TokenDto> {
    // Counted before the comparison: parallel guesses get no more tries than serial ones.
    await this.throttle.beginAttempt(username, ip);
    const user = await this.users.verifyPassword(username, password);
    if (!user) {
      // One answer for an unknown user and a wrong password: no user enumeration.
      throw new DomainError('UNAUTHENTICATED', 'Wrong username or password.');
    }
    await this.throttle.recordSuccess(username, ip);
    return this.issue(user);
  }

  /**
   * One's own password: the current one is checked (a wrong one counts as a failed login), every
   * older token stops working, and the caller gets a fresh token.
   */
  async changePassword(
    userId: string,
    currentPassword: string,
    newPassword: string,
    ip?: string,
  ): Promise<TokenDto> {
    const me = await this.users.findActive(userId);
    if (!me) {
      throw new DomainError('UNAUTHENTICATED', 'The token is no longer valid.');
    }
    await this.throttle.beginAttempt(me.username, ip);
    let changed: UserEntity | null;
    try {
      changed = await this.users.changeOwnPassword(userId, currentPassword, newPassword);
    } catch (e) {
      // The current password was right (the new one was refused): not a failed login.
      await this.throttle.takeBack(me.username, ip);
      throw e;
    }
    if (!changed) {
      throw DomainError.validation([
        { field: 'currentPassword', message: 'is not your current password' },
      ]);
    }
    await this.throttle.takeBack(me.username, ip);
    return this.issue(changed);
  }

  /** An administrator lifts a user's login lock. */
  async unlock(userId: string, actor: Actor): Promise<void> {
    const user = await this.users.recordUnlock(userId, actor);
    await this.throttle.unlock(user.username);
  }

  private async issue(user: UserEntity): Promise<TokenDto> {
    const expires = this.config.get('JWT_EXPIRES_IN', { infer: true });
    const expiresIn = Number(expires.slice(0, -1)) * UNIT_SECONDS[expires.slice(-1)];
    const claims: TokenClaims = { sub: user.id, tv: user.tokenVersion };
    return { accessToken: await this.jwt.signAsync(claims, { expiresIn }), expiresIn };
  }
}
