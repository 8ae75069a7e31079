import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** `paused`: a case-level clock standing still (its `due_at − closed_at` is the time left). */
export type DeadlineStatus = 'pending' | 'fired' | 'overdue' | 'cancelled' | 'paused';
export type DeadlineKind = 'state' | 'case';

/**
 * A deadline of one state entry. The database holds the truth: a BullMQ delayed job (or the
 * reconciler) only asks the engine to fire it, and the engine fires a `pending` row once.
 */
@Entity('case_deadlines')
@Index('ix_case_deadlines_due', ['status', 'dueAt'])
@Index('ix_case_deadlines_case', ['caseId', 'status'])
@Index('ix_case_deadlines_unqueued', ['status', 'queuedAt', 'dueAt'])
@Index('ix_case_deadlines_remind', ['remindAt'])
export class CaseDeadlineEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'case_id', type: 'char', length: 36 })
  caseId!: string;

  /** The state's name for a state deadline, the clock's name for a case-level clock. */
  @Column({ type: 'varchar', length: 191 })
  name!: string;

  @Column({ type: 'varchar', length: 8 })
  kind!: DeadlineKind;

  /** The event seq that entered the state: tells a stale timer from a live one. */
  @Column({ name: 'entry_seq', type: 'int' })
  entrySeq!: number;

  /** Bumped when a deadline starts again in the same state entry. */
  @Column({ type: 'int', default: 0 })
  restart!: number;

  @Column({ type: 'varchar', length: 16 })
  duration!: string;

  @Column({ name: 'started_at', type: 'datetime', precision: 3 })
  startedAt!: Date;

  @Column({ name: 'due_at', type: 'datetime', precision: 3 })
  dueAt!: Date;

  /** The event to send when due, or null: then the case is only marked overdue. */
  @Column({ name: 'on_expire_event', type: 'varchar', length: 64, nullable: true })
  onExpireEvent!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: DeadlineStatus;

  @Column({ name: 'fired_at', type: 'datetime', precision: 3, nullable: true })
  firedAt!: Date | null;

  /**
   * When its BullMQ delayed job was handed over; null while it is due beyond the horizon
   * (DEADLINE_HORIZON_MS): the promotion round queues it when it comes within.
   */
  @Column({ name: 'queued_at', type: 'datetime', precision: 3, nullable: true })
  queuedAt!: Date | null;

  /**
   * When someone who must act is reminded (临期提醒), if the engine's observers want a reminder
   * (EngineObserver.reminderAt); null once sent, or forgotten after the deadline closed.
   */
  @Column({ name: 'remind_at', type: 'datetime', precision: 3, nullable: true })
  remindAt!: Date | null;

  /** When the case left the state (or the clock stopped). */
  @Column({ name: 'closed_at', type: 'datetime', precision: 3, nullable: true })
  closedAt!: Date | null;
}
