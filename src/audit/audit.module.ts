import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { EngineModule } from '../engine/engine.module';
import { AccessLogController } from './access-log.controller';
import { AuditController } from './audit.controller';
import { CaseAccessLog } from './case-access-log.service';
import { CaseAccessEntity } from './entities/case-access.entity';

/** The auditor's whole-database verification of the hash-chained case histories, and the reads of a case. */
@Module({
  imports: [TypeOrmModule.forFeature([CaseAccessEntity]), EngineModule],
  controllers: [AuditController, AccessLogController],
  providers: [CaseAccessLog],
  exports: [CaseAccessLog],
})
export class AuditModule {}
