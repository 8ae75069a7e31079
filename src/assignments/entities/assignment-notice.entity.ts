import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * "A case was assigned to you": the new assignee's notice, written in the transaction of the
 * ASSIGNED event (one per event: unique case + seq). The in-app inbox of this issue; the
 * notifications module can take over through AssignmentNotifier.
 */
@Entity('assignment_notices')
@Index('ix_assignment_notices_user', ['userId', 'createdAt'])
@Index('ux_assignment_notices_event', ['caseId', 'eventSeq'], { unique: true })
export class AssignmentNoticeEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  /** Whom the notice is for: the new assignee. */
  @Column({ name: 'user_id', type: 'char', length: 36 })
  userId!: string;

  @Column({ name: 'case_id', type: 'char', length: 36 })
  caseId!: string;

  @Column({ name: 'case_type', type: 'varchar', length: 64 })
  caseType!: string;

  /** The ASSIGNED event of the case's history. */
  @Column({ name: 'event_seq', type: 'int' })
  eventSeq!: number;

  @Column({ name: 'assigned_by', type: 'varchar', length: 64 })
  assignedBy!: string;

  @Column({ name: 'previous_assignee_id', type: 'char', length: 36, nullable: true })
  previousAssigneeId!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'read_at', type: 'datetime', precision: 3, nullable: true })
  readAt!: Date | null;
}
