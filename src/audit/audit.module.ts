import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { AccessLogController } from './access-log.controller';
import { AuditController } from './audit.controller';

/** The auditor's whole-database verification of the hash-chained case histories, and the reads of a case. */
@Module({ imports: [EngineModule], controllers: [AuditController, AccessLogController] })
export class AuditModule {}
