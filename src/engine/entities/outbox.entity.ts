import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Work to hand to BullMQ, written in the same transaction as the change that caused it.
 * The relay leases rows (`claimed_until`, set in a short transaction with `SKIP LOCKED`, so two
 * workers never take the same row and no lock is held across a Redis call), adds them as jobs
 * with `job_id` (deterministic: a resend after a crash is a no-op) and stamps `dispatched_at`; rows Redis never got are re-sent, so nothing committed is lost. A row written
 * with `claimed_until` belongs to the process that committed it until then (it hands the row
 * over right after its commit); the relay takes it only once that lease has run out.
 */
@Entity('outbox')
@Index('ix_outbox_pending', ['dispatchedAt', 'id'])
@Index('ix_outbox_due', ['dispatchedAt', 'claimedUntil'])
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

  /** Failed hand-over attempts (see last_error). */
  @Column({ type: 'int', default: 0 })
  attempts!: number;

  /** Successful hand-overs to BullMQ: 1 once dispatched, whatever the number of workers. */
  @Column({ type: 'int', default: 0 })
  handovers!: number;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  /**
   * Until then only the committing process hands the row over (see OutboxRelay.handOver), or a
   * relay round that leased it; a row due beyond OUTBOX_HORIZON_MS is held back until then.
   */
  @Column({ name: 'claimed_until', type: 'datetime', precision: 3, nullable: true })
  claimedUntil!: Date | null;

  /** A cross-case job whose effect is in the database (CrossCaseReconciler); null until then. */
  @Column({ name: 'settled_at', type: 'datetime', precision: 3, nullable: true })
  settledAt!: Date | null;
}
