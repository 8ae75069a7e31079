import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AttachmentContentEntity } from './entities/attachment-content.entity';

/**
 * Where attachment bytes live. Never a local file: API processes run on several machines.
 * `put` runs inside the transaction that records ATTACHMENT_ADDED, so a failed upload leaves
 * nothing behind. An S3-compatible store would implement the same two methods (and write its
 * object before the transaction commits, keyed by the attachment id).
 */
export abstract class AttachmentStore {
  /** Recorded on each attachment row (`storage`). */
  abstract readonly name: string;
  abstract put(m: EntityManager, attachmentId: string, content: Buffer): Promise<void>;
  abstract get(attachmentId: string): Promise<Buffer | null>;
}

/** The default: a LONGBLOB row per attachment, in the same database as the case. */
@Injectable()
export class DatabaseAttachmentStore extends AttachmentStore {
  readonly name = 'database';

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async put(m: EntityManager, attachmentId: string, content: Buffer): Promise<void> {
    await m.insert(AttachmentContentEntity, { attachmentId, content });
  }

  async get(attachmentId: string): Promise<Buffer | null> {
    const row = await this.dataSource
      .getRepository(AttachmentContentEntity)
      .findOneBy({ attachmentId });
    return row?.content ?? null;
  }
}
