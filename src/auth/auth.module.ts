import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MediaTypeGuard } from '../common/media-type';
import type { Environment } from '../config/environment';
import { UsersModule } from '../users/users.module';
import { AccountController } from './account.controller';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginFailureEntity } from './entities/login-failure.entity';
import { LoginThrottle } from './login-throttle.service';

@Module({
  imports: [
    UsersModule,
    TypeOrmModule.forFeature([LoginFailureEntity]),
    JwtModule.registerAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<Environment, true>) => ({
        // A KeyObject made once: given a string, jsonwebtoken first tries (and fails) to parse it
        // as a PEM public key and then builds a secret key, on every sign and verify.
        secret: createSecretKey(
          Buffer.from(String(config.get('JWT_SECRET', { infer: true })), 'utf8'),
        ),
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController, AccountController],
  providers: [
    AuthService,
    LoginThrottle,
    // Global guards run in the order they are provided: the token first, then the body's type.
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: MediaTypeGuard },
  ],
  // The queue dashboard (/admin/queues) checks the same tokens outside Nest's guard.
  exports: [JwtModule],
})
export class AuthModule {}
