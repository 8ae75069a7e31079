import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const REPORTER_TYPES = ['INDIVIDUAL', 'EMPLOYER', 'ORGANISATION'] as const;
export type ReporterType = (typeof REPORTER_TYPES)[number];

/**
 * 个人、单位或组织申报: someone reports a person below the thresholds but in real difficulty.
 * Kept whether it opened the person's proactive case or joined the one already open.
 */
@Entity('monitoring_reports')
@Index('ix_monitoring_reports_person', ['personKey', 'year'])
export class MonitoringReportEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id!: string;

  @Column({ name: 'person_key', type: 'char', length: 64 })
  personKey!: string;

  @Column({ type: 'int' })
  year!: number;

  @Column({ name: 'id_number', type: 'varchar', length: 18 })
  idNumber!: string;

  @Column({ type: 'varchar', length: 50 })
  name!: string;

  @Column({ type: 'varchar', length: 20, nullable: true })
  phone!: string | null;

  @Column({ name: 'street_code', type: 'varchar', length: 32 })
  streetCode!: string;

  @Column({ name: 'insurance_type', type: 'varchar', length: 16 })
  insuranceType!: string;

  @Column({ type: 'varchar', length: 16, nullable: true })
  category!: string | null;

  @Column({ type: 'varchar', length: 500 })
  reason!: string;

  @Column({ name: 'reporter_type', type: 'varchar', length: 16 })
  reporterType!: ReporterType;

  @Column({ name: 'reporter_name', type: 'varchar', length: 100 })
  reporterName!: string;

  @Column({ name: 'reporter_phone', type: 'varchar', length: 20, nullable: true })
  reporterPhone!: string | null;

  /** The user who recorded the report. */
  @Column({ name: 'reported_by', type: 'varchar', length: 64 })
  reportedBy!: string;

  @Column({ name: 'reported_at', type: 'datetime', precision: 3 })
  reportedAt!: Date;

  @Column({ name: 'flag_id', type: 'bigint' })
  flagId!: string;

  @Column({ name: 'case_id', type: 'char', length: 36, nullable: true })
  caseId!: string | null;

  /** The report opened the case (else the person's case of the year was already open). */
  @Column({ name: 'case_opened', type: 'boolean' })
  caseOpened!: boolean;
}
