import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type SlaAlertKind = 'reminder' | 'breach' | 'escalation';
export type SlaAlertStatus = 'scheduled' | 'sent' | 'cancelled';

/**
 * A breach alert or an escalation, written in the transaction that breached the deadline, with
 * its BullMQ job in the outbox; or a reminder (75% of a deadline), written once sent (until then
 * its time is on the deadline's row, `remind_at`). Unique per (deadline, kind, level); the job
 * locks the row and sends only while it is `scheduled`, so a job run twice, resent by the relay
 * or raced by the reconciler sends once.
 */
@Entity('sla_alerts')
export class SlaAlertEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'case_id', type: 'char', length: 36 })
  caseId!: string;

  @Column({ name: 'deadline_id', type: 'bigint' })
  deadlineId!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: SlaAlertKind;

  /** Escalation level (1, 2, …); 0 for reminders and breaches. */
  @Column({ type: 'int', default: 0 })
  level!: number;

  /** `<kind>-<name>-<entry seq>` of the deadline: one reminder per deadline entry, even if resumed. */
  @Column({ name: 'deadline_key', type: 'varchar', length: 255 })
  deadlineKey!: string;

  @Column({ name: 'due_at', type: 'datetime', precision: 3 })
  dueAt!: Date;

  @Column({ type: 'varchar', length: 16 })
  status!: SlaAlertStatus;

  /** Why it was cancelled, or how many were notified. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  outcome!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'sent_at', type: 'datetime', precision: 3, nullable: true })
  sentAt!: Date | null;
}
