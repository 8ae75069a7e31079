import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { FlagRule } from '../monitoring-thresholds';

export type FlagSource = 'RUN' | 'REPORT';

/**
 * A person flagged for monitoring in a year, by a threshold or by a report: at most one per
 * person and year (unique key), so however many runs overlap, one proactive case is opened.
 * The row keeps what was known when the person was flagged (the record may be replaced later).
 */
@Entity('monitoring_flags')
@Index('ux_monitoring_flags_person', ['personKey', 'year'], { unique: true })
@Index('ix_monitoring_flags_street', ['year', 'streetCode'])
@Index('ix_monitoring_flags_case', ['year', 'caseId'])
export class MonitoringFlagEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'person_key', type: 'char', length: 64 })
  personKey!: string;

  @Column({ type: 'int' })
  year!: number;

  @Column({ type: 'varchar', length: 8 })
  source!: FlagSource;

  @Column({ type: 'varchar', length: 32 })
  rule!: FlagRule;

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

  @Column({ name: 'in_policy_cost', type: 'decimal', precision: 14, scale: 2, nullable: true })
  inPolicyCost!: string | null;

  @Column({ name: 'insurance_paid', type: 'decimal', precision: 14, scale: 2, nullable: true })
  insurancePaid!: string | null;

  @Column({ name: 'relief_paid', type: 'decimal', precision: 14, scale: 2, nullable: true })
  reliefPaid!: string | null;

  @Column({ name: 'out_of_policy_cost', type: 'decimal', precision: 14, scale: 2, nullable: true })
  outOfPolicyCost!: string | null;

  @Column({ name: 'in_policy_burden', type: 'decimal', precision: 15, scale: 2, nullable: true })
  inPolicyBurden!: string | null;

  @Column({ name: 'total_burden', type: 'decimal', precision: 15, scale: 2, nullable: true })
  totalBurden!: string | null;

  /** What the rule measured, and the threshold it reached or exceeded. */
  @Column({ type: 'decimal', precision: 15, scale: 2, nullable: true })
  burden!: string | null;

  @Column({ type: 'decimal', precision: 20, scale: 6, nullable: true })
  threshold!: string | null;

  @Column({ name: 'run_id', type: 'char', length: 36, nullable: true })
  runId!: string | null;

  @Column({ name: 'report_id', type: 'char', length: 36, nullable: true })
  reportId!: string | null;

  /** Who ran the run (or `system`) or recorded the report. */
  @Column({ name: 'flagged_by', type: 'varchar', length: 64 })
  flaggedBy!: string;

  @Column({ name: 'flagged_at', type: 'datetime', precision: 3 })
  flaggedAt!: Date;

  /** The proactive relief case opened for the flag (NULL until it is open). */
  @Column({ name: 'case_id', type: 'char', length: 36, nullable: true })
  caseId!: string | null;

  @Column({ name: 'case_opened_at', type: 'datetime', precision: 3, nullable: true })
  caseOpenedAt!: Date | null;
}
