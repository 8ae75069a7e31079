import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuditModule } from '../audit/audit.module';
import { EngineModule } from '../engine/engine.module';
import { AttachmentStore, DatabaseAttachmentStore } from './attachment-store';
import { AttachmentsController } from './attachments.controller';
import { AttachmentsService } from './attachments.service';
import { AttachmentContentEntity } from './entities/attachment-content.entity';
import { CaseAttachmentEntity } from './entities/case-attachment.entity';

/** Attachments of any case, stored in the database (AttachmentStore), audited as case events. */
@Module({
  imports: [
    TypeOrmModule.forFeature([CaseAttachmentEntity, AttachmentContentEntity]),
    EngineModule,
    AuditModule,
  ],
  controllers: [AttachmentsController],
  providers: [AttachmentsService, { provide: AttachmentStore, useClass: DatabaseAttachmentStore }],
  exports: [AttachmentsService],
})
export class AttachmentsModule {}
