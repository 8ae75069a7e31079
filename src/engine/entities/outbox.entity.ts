import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Work to hand to BullMQ, written in the same transaction as the change that caused it.
 * The relay adds each row as a job with `job_id` (deterministic: adding twice is a no-op)
 * and stamps `dispatched_at`; rows Redis never got are re-sent, so nothing committed is lost.
 */
@Entity('outbox')
@Index('ix_outbox_pending', ['dispatchedAt', 'id'])
export class OutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  queue!: string;

  @Column({ name: 'job_name', type: 'varchar', length: 64 })
  jobName!: string;

  @Column({ name: 'job_id', type: 'varchar', length: 191, unique: true })
  jobId!: string;

  @Column({ type: 'json' })
  payload!: Record<string, unknown>;

  /** The job runs at this time (a delayed job when in the future). */
  @Column({ name: 'run_at', type: 'datetime', precision: 3 })
  runAt!: Date;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'dispatched_at', type: 'datetime', precision: 3, nullable: true })
  dispatchedAt!: Date | null;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;
}
