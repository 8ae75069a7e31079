import { type DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule as NestConfigModule } from '@nestjs/config';
import { validateEnvironment } from './environment';
import { PolicyService } from './policy.service';

/** Environment and policy, read when the application is built (not when this file is imported). */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [
        NestConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          cache: false,
          validate: (raw) => validateEnvironment(raw),
        }),
      ],
      providers: [PolicyService],
      exports: [PolicyService],
    };
  }
}
