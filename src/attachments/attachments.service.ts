import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { DomainError } from '../common/errors/domain-error';
import type { Page } from '../common/pagination/pagination.dto';
import type { Environment } from '../config/environment';
import { CaseAccessLog } from '../audit/case-access-log.service';
import { type Actor, isReadOnly } from '../engine/actor';
import { CaseEngine } from '../engine/case-engine.service';
import { CaseQueryService } from '../engine/case-query.service';
import { AttachmentStore } from './attachment-store';
import { detectAttachmentType } from './attachment-type';
import type { AttachmentListQuery, AttachmentMetaDto, AttachmentView } from './dto/attachment.dto';
import { CaseAttachmentEntity } from './entities/case-attachment.entity';

/** An uploaded file as the controller read it (within the size limit). */
export interface UploadedFile {
  fileName: string;
  declaredType: string | null;
  content: Buffer;
}

export interface Download {
  attachment: AttachmentView;
  content: Buffer;
}

/** Path components and control characters out; at most 255 characters; never empty. */
export function cleanFileName(name: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '')
    .replace(/\p{Cc}/gu, '')
    .trim()
    .slice(0, 255);
  return base === '' || base === '.' || base === '..' ? 'attachment' : base;
}

function toView(a: CaseAttachmentEntity): AttachmentView {
  return {
    id: a.id,
    caseId: a.caseId,
    kind: a.kind,
    fileName: a.fileName,
    contentType: a.contentType,
    sizeBytes: a.sizeBytes,
    sha256: a.sha256,
    caseState: a.caseState,
    note: a.note,
    uploadedBy: a.uploadedBy,
    uploadedAt: a.uploadedAt.toISOString(),
    eventSeq: a.eventSeq,
    downloadUrl: `/api/v1/cases/${a.caseId}/attachments/${a.id}`,
  };
}

/**
 * Attachments of any case (补正材料, certificates, evidence, minutes): visible to exactly those
 * who may see the case; every upload is an event of the case's hash-chained history
 * (ATTACHMENT_ADDED, written in the same transaction as the row); every download goes to the
 * case's access log (ATTACHMENT_DOWNLOADED), which leaves the case's version alone.
 */
@Injectable()
export class AttachmentsService {
  constructor(
    @InjectRepository(CaseAttachmentEntity)
    private readonly attachments: Repository<CaseAttachmentEntity>,
    private readonly accessLog: CaseAccessLog,
    private readonly engine: CaseEngine,
    private readonly cases: CaseQueryService,
    private readonly store: AttachmentStore,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  /** The size limit, for the multipart reader. */
  maxBytes(): number {
    return this.config.get('ATTACHMENT_MAX_BYTES', { infer: true });
  }

  /** Checked before the body is read: the case exists for the caller, who may write to it. */
  async assertCanUpload(caseId: string, actor: Actor): Promise<void> {
    const row = await this.cases.visibleCase(caseId, actor);
    if (isReadOnly(actor)) {
      throw DomainError.forbidden('An AUDITOR reads attachments and adds none.');
    }
    if (row.status !== 'active') {
      throw new DomainError(
        'BUSINESS_RULE',
        'The case is closed: its file is sealed and takes no more attachments.',
      );
    }
  }

  async upload(
    caseId: string,
    actor: Actor,
    file: UploadedFile,
    meta: AttachmentMetaDto,
  ): Promise<AttachmentView> {
    await this.assertCanUpload(caseId, actor);
    if (file.content.length === 0) {
      throw DomainError.validation([{ field: 'file', message: 'is empty' }]);
    }
    const fileName = cleanFileName(file.fileName);
    const detected = await detectAttachmentType(file.content, fileName);
    if (!detected.ok) {
      throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `The file is refused: ${detected.reason}.`, {
        errors: [{ field: 'file', message: detected.reason }],
      });
    }
    const id = randomUUID();
    const sha256 = createHash('sha256').update(file.content).digest('hex');
    const now = new Date();
    let saved: CaseAttachmentEntity | undefined;
    await this.engine.recordEvent({
      caseId,
      type: 'ATTACHMENT_ADDED',
      actor,
      payload: {
        attachmentId: id,
        kind: meta.kind ?? 'OTHER',
        fileName,
        contentType: detected.contentType,
        sizeBytes: file.content.length,
        sha256,
        ...(meta.note !== undefined ? { note: meta.note } : {}),
      },
      within: async (m, row) => {
        if (row.status !== 'active') {
          throw new DomainError('BUSINESS_RULE', 'The case was closed meanwhile.');
        }
        saved = m.create(CaseAttachmentEntity, {
          id,
          caseId: row.id,
          kind: meta.kind ?? 'OTHER',
          fileName,
          contentType: detected.contentType,
          declaredType: file.declaredType?.slice(0, 127) ?? null,
          sizeBytes: file.content.length,
          sha256,
          storage: this.store.name,
          caseState: row.state,
          note: meta.note ?? null,
          uploadedBy: actor.id,
          uploadedAt: now,
          eventSeq: row.version,
        });
        await m.insert(CaseAttachmentEntity, saved);
        await this.store.put(m, id, file.content);
      },
    });
    return toView(saved!);
  }

  async list(caseId: string, actor: Actor, q: AttachmentListQuery): Promise<Page<AttachmentView>> {
    const row = await this.cases.visibleCase(caseId, actor);
    const [items, total] = await this.attachments.findAndCount({
      where: { caseId: row.id, ...(q.kind ? { kind: q.kind } : {}) },
      order: { uploadedAt: 'ASC', id: 'ASC' },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items: items.map(toView), total, page: q.page, pageSize: q.pageSize };
  }

  /** The bytes, after the download is recorded in the case's access log. */
  async download(caseId: string, attachmentId: string, actor: Actor): Promise<Download> {
    const row = await this.cases.visibleCase(caseId, actor);
    const attachment = /^[0-9a-f-]{36}$/i.test(attachmentId)
      ? await this.attachments.findOneBy({ id: attachmentId, caseId: row.id })
      : null;
    if (!attachment) {
      throw DomainError.notFound('Attachment');
    }
    const content = await this.store.get(attachment.id);
    if (!content || createHash('sha256').update(content).digest('hex') !== attachment.sha256) {
      // Not the caller's fault: the stored bytes are missing or changed (logged as a 500).
      throw new Error(`attachment ${attachment.id}: stored content missing or altered`);
    }
    // A read goes to the access log, not the case's history: it must not bump the version.
    await this.accessLog.record(row.id, actor.id, 'ATTACHMENT_DOWNLOADED', {
      attachmentId: attachment.id,
      fileName: attachment.fileName,
      sha256: attachment.sha256,
    });
    return { attachment: toView(attachment), content };
  }
}
