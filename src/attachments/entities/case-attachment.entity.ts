import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** What an attachment is for: 补正材料, 证明材料, 证据, 会议纪要, 文书, other. */
export const ATTACHMENT_KINDS = [
  'SUPPLEMENT',
  'CERTIFICATE',
  'EVIDENCE',
  'MINUTES',
  'DECISION',
  'OTHER',
] as const;
export type AttachmentKind = (typeof ATTACHMENT_KINDS)[number];

/**
 * A file attached to a case (metadata; the bytes are in the store, by default
 * `attachment_contents`). `content_type` is what the bytes are, never what the name or the
 * client said; `event_seq` is the ATTACHMENT_ADDED row of the case's audit trail.
 */
@Entity('case_attachments')
@Index('ix_case_attachments_case', ['caseId', 'uploadedAt'])
export class CaseAttachmentEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id!: string;

  @Column({ name: 'case_id', type: 'char', length: 36 })
  caseId!: string;

  @Column({ type: 'varchar', length: 32 })
  kind!: AttachmentKind;

  @Column({ name: 'file_name', type: 'varchar', length: 255 })
  fileName!: string;

  /** Detected from the bytes. */
  @Column({ name: 'content_type', type: 'varchar', length: 127 })
  contentType!: string;

  /** What the client declared, kept for the record only. */
  @Column({ name: 'declared_type', type: 'varchar', length: 127, nullable: true })
  declaredType!: string | null;

  @Column({ name: 'size_bytes', type: 'int' })
  sizeBytes!: number;

  @Column({ type: 'char', length: 64 })
  sha256!: string;

  /** Where the bytes are: `database` (attachment_contents). */
  @Column({ type: 'varchar', length: 16 })
  storage!: string;

  /** The case's state when the file came (e.g. `awaiting_supplement` for a 补正). */
  @Column({ name: 'case_state', type: 'varchar', length: 191 })
  caseState!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  note!: string | null;

  @Column({ name: 'uploaded_by', type: 'varchar', length: 64 })
  uploadedBy!: string;

  @Column({ name: 'uploaded_at', type: 'datetime', precision: 3 })
  uploadedAt!: Date;

  @Column({ name: 'event_seq', type: 'int' })
  eventSeq!: number;
}
