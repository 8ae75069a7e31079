import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { JwtService } from '@nestjs/jwt';
import type { Environment } from '../config/environment';
import { DomainError } from '../common/errors/domain-error';
import { UsersService } from '../users/users.service';
import type { TokenClaims } from './auth.guard';
import type { TokenDto } from './dto/login.dto';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly jwt: JwtService,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  async login(username: string, password: string): Promise<TokenDto> {
    const user = await this.users.verifyPassword(username, password);
    if (!user) {
      // One answer for an unknown user and a wrong password: no user enumeration.
      throw new DomainError('UNAUTHENTICATED', 'Wrong username or password.');
    }
    const expires = this.config.get('JWT_EXPIRES_IN', { infer: true });
    const expiresIn = Number(expires.slice(0, -1)) * UNIT_SECONDS[expires.slice(-1)];
    const claims: TokenClaims = { sub: user.id, tv: user.tokenVersion };
    return { accessToken: await this.jwt.signAsync(claims, { expiresIn }), expiresIn };
  }
}
