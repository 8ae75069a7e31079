import { Module } from '@nestjs/common';
import { EngineModule } from '../engine/engine.module';
import { AuditController } from './audit.controller';

/** The auditor's whole-database verification of the hash-chained case histories. */
@Module({ imports: [EngineModule], controllers: [AuditController] })
export class AuditModule {}
