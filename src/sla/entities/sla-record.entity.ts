import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One stage of one case (a case × state entry): when it was entered, due and left, the time that
 * does not count (a `pausesSla` state: waiting on the applicant), whether its deadline was
 * breached and who held it. Written by the engine's observers in the transition's transaction.
 */
@Entity('sla_records')
export class SlaRecordEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'case_id', type: 'char', length: 36 })
  caseId!: string;

  @Column({ name: 'case_type', type: 'varchar', length: 64 })
  caseType!: string;

  @Column({ type: 'varchar', length: 191 })
  state!: string;

  @Column({ name: 'street_code', type: 'varchar', length: 32, nullable: true })
  streetCode!: string | null;

  /** The case's assignee while the stage was open (the latest one if it was reassigned meanwhile). */
  @Column({ name: 'assignee_id', type: 'char', length: 36, nullable: true })
  assigneeId!: string | null;

  /** The event seq that entered the stage. */
  @Column({ name: 'entry_seq', type: 'int' })
  entrySeq!: number;

  @Column({ name: 'entered_at', type: 'datetime', precision: 3 })
  enteredAt!: Date;

  /** The stage's deadline (the earliest open state deadline), null when the state has none. */
  @Column({ name: 'due_at', type: 'datetime', precision: 3, nullable: true })
  dueAt!: Date | null;

  @Column({ name: 'left_at', type: 'datetime', precision: 3, nullable: true })
  leftAt!: Date | null;

  /** The state declares `pausesSla`: its whole time is paused time (not counted). */
  @Column({ name: 'pauses_sla', type: 'boolean', default: false })
  pausesSla!: boolean;

  /** The deadline is a duty (it marks the case overdue) rather than a planned event (公示 ends). */
  @Column({ type: 'boolean', default: false })
  duty!: boolean;

  @Column({ name: 'paused_ms', type: 'bigint', default: 0 })
  pausedMs!: string;

  /** Counted time: left − entered − paused; null while open. */
  @Column({ name: 'duration_ms', type: 'bigint', nullable: true })
  durationMs!: string | null;

  @Column({ type: 'boolean', default: false })
  breached!: boolean;

  @Column({ name: 'breached_at', type: 'datetime', precision: 3, nullable: true })
  breachedAt!: Date | null;

  /** The case id while the record is open (unique: one open stage per case), null once left. */
  @Column({ name: 'open_key', type: 'char', length: 36, nullable: true })
  openKey!: string | null;
}
