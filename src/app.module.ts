import { type DynamicModule, Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AssignmentsModule } from './assignments/assignments.module';
import { AttachmentsModule } from './attachments/attachments.module';
import { AuditModule } from './audit/audit.module';
import { AdminModule } from './admin/admin.module';
import { AuthModule } from './auth/auth.module';
import { CalendarModule } from './calendar/calendar.module';
import { CapitationModule } from './capitation/capitation.module';
import { ProblemDetailsFilter } from './common/errors/problem-details.filter';
import { IdempotencyModule } from './common/idempotency/idempotency.module';
import { AppConfigModule } from './config/config.module';
import type { Environment } from './config/environment';
import { createDataSource, databaseOptions } from './database/database-options';
import { EngineModule } from './engine/engine.module';
import { HealthModule } from './health/health.module';
import { HearingsModule } from './hearings/hearings.module';
import { InspectionsModule } from './inspections/inspections.module';
import { InstitutionsModule } from './institutions/institutions.module';
import { MonitoringModule } from './monitoring/monitoring.module';
import { NotificationsModule } from './notifications/notifications.module';
import { PenaltiesModule } from './penalties/penalties.module';
import { PersonsModule } from './persons/persons.module';
import { QueueModule } from './queue/queue.module';
import { ReliefModule } from './relief/relief.module';
import { SlaModule } from './sla/sla.module';
import { StreetsModule } from './streets/streets.module';
import { UsersModule } from './users/users.module';
import { WebModule } from './web/web.module';

@Module({})
export class AppModule {
  /** Built at start-up so configuration is read from the environment of that moment. */
  static forRoot(): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(),
        LoggerModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<Environment, true>) => ({
            // LOG_REQUESTS=false: the request logger is bound to no route (the logger stays).
            ...(config.get('LOG_REQUESTS', { infer: true }) ? {} : { forRoutes: [] }),
            pinoHttp: {
              level: config.get('LOG_LEVEL', { infer: true }),
              // Tokens, passwords and personal data never reach the logs.
              redact: {
                paths: [
                  'req.headers.authorization',
                  'req.headers.cookie',
                  '*.password',
                  '*.idNumber',
                  '*.phone',
                ],
                censor: '[redacted]',
              },
              autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
            },
          }),
        }),
        TypeOrmModule.forRootAsync({
          inject: [ConfigService],
          useFactory: (config: ConfigService<Environment, true>) =>
            databaseOptions(
              config.get('DATABASE_URL', { infer: true }),
              config.get('MIGRATIONS_RUN', { infer: true }),
              config.get('DATABASE_HOSTS', { infer: true }),
            ),
          dataSourceFactory: (options) => createDataSource(options!),
        }),
        QueueModule,
        AuthModule,
        UsersModule,
        CalendarModule,
        EngineModule,
        IdempotencyModule,
        ReliefModule,
        HearingsModule,
        InstitutionsModule,
        InspectionsModule,
        PenaltiesModule,
        MonitoringModule,
        CapitationModule,
        // Everyday work (issue #10)
        AttachmentsModule,
        PersonsModule,
        AssignmentsModule,
        AuditModule,
        NotificationsModule,
        SlaModule,
        StreetsModule,
        AdminModule,
        HealthModule,
        // The workbench at `/` (issue #16): its catch-all route is registered last.
        WebModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }],
    };
  }
}
