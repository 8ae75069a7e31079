import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { YearThresholds } from '../monitoring-thresholds';

export type RunStatus = 'running' | 'completed' | 'failed';

/** One application of the thresholds to a year's records: who ran it, with which figures, and what it found. */
@Entity('monitoring_runs')
@Index('ix_monitoring_runs_year', ['year', 'startedAt'])
export class MonitoringRunEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id!: string;

  @Column({ type: 'int' })
  year!: number;

  @Column({ type: 'varchar', length: 16 })
  status!: RunStatus;

  /** The user who asked for the run, or `system` for the monthly one. */
  @Column({ name: 'started_by', type: 'varchar', length: 64 })
  startedBy!: string;

  @Column({ name: 'started_at', type: 'datetime', precision: 3 })
  startedAt!: Date;

  @Column({ name: 'finished_at', type: 'datetime', precision: 3, nullable: true })
  finishedAt!: Date | null;

  @Column({ name: 'policy_version', type: 'varchar', length: 32 })
  policyVersion!: string;

  /** The thresholds and reference incomes the run applied. */
  @Column({ type: 'json' })
  thresholds!: YearThresholds;

  @Column({ type: 'int', nullable: true })
  scanned!: number | null;

  /** Records over their threshold in this run (flagged now or before). */
  @Column({ type: 'int', nullable: true })
  flagged!: number | null;

  /** Persons this run flagged for the first time this year. */
  @Column({ name: 'newly_flagged', type: 'int', nullable: true })
  newlyFlagged!: number | null;

  @Column({ name: 'cases_opened', type: 'int', nullable: true })
  casesOpened!: number | null;

  @Column({ name: 'cases_failed', type: 'int', nullable: true })
  casesFailed!: number | null;

  @Column({ name: 'scan_ms', type: 'int', nullable: true })
  scanMs!: number | null;

  @Column({ name: 'cases_ms', type: 'int', nullable: true })
  casesMs!: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error!: string | null;
}
