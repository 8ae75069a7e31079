import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The bytes of an attachment, in a table of their own so listing never reads them. */
@Entity('attachment_contents')
export class AttachmentContentEntity {
  @PrimaryColumn({ name: 'attachment_id', type: 'char', length: 36 })
  attachmentId!: string;

  @Column({ type: 'longblob' })
  content!: Buffer;
}
