import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Who read what of a case (a download of an attachment): an access log beside the case, not an
 * event of its history. A read changes nothing, so it neither bumps the case's version (a
 * caseworker's If-Match stays good when an auditor looks) nor joins the hash chain; the auditor
 * reviews it through `GET /api/v1/cases/:id/access-log` (等保 2.0: every access traceable).
 */
@Entity('case_access_log')
@Index('ix_case_access_log_case', ['caseId', 'at'])
export class CaseAccessEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'case_id', type: 'char', length: 36 })
  caseId!: string;

  /** The reading user's id. */
  @Column({ type: 'varchar', length: 64 })
  actor!: string;

  /** What was read, e.g. `ATTACHMENT_DOWNLOADED`. */
  @Column({ type: 'varchar', length: 64 })
  action!: string;

  /** Which item, never personal data (attachment id, file name, hash). */
  @Column({ type: 'json' })
  detail!: Record<string, unknown>;

  @Column({ type: 'datetime', precision: 3 })
  at!: Date;
}
