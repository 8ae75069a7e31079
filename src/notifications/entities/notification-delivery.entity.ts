import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export type DeliveryChannel = 'webhook' | 'email';
export type DeliveryStatus = 'pending' | 'sent' | 'dead';

/**
 * One webhook call or e-mail for one notification event. Its BullMQ job retries with backoff;
 * after the last attempt the row is `dead` (GET /notifications/deliveries?status=dead).
 * Unique per (dedupe key, channel): a notification is delivered once per channel.
 */
@Entity('notification_deliveries')
export class NotificationDeliveryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'varchar', length: 16 })
  channel!: DeliveryChannel;

  @Column({ name: 'event_type', type: 'varchar', length: 64 })
  eventType!: string;

  @Column({ name: 'dedupe_key', type: 'varchar', length: 191 })
  dedupeKey!: string;

  @Column({ name: 'case_id', type: 'char', length: 36, nullable: true })
  caseId!: string | null;

  /** The webhook URL or the e-mail addresses (comma-separated) at the time of the event. */
  @Column({ type: 'varchar', length: 1000 })
  target!: string;

  /** Exactly what is sent: the webhook's JSON body (signed as is), or the e-mail as JSON. */
  @Column({ type: 'mediumtext' })
  body!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: DeliveryStatus;

  @Column({ type: 'int', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'varchar', length: 500, nullable: true })
  lastError!: string | null;

  /** An attempt in flight holds the row until then: a duplicate job never sends concurrently. */
  @Column({ name: 'lease_until', type: 'datetime', precision: 3, nullable: true })
  leaseUntil!: Date | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;

  @Column({ name: 'sent_at', type: 'datetime', precision: 3, nullable: true })
  sentAt!: Date | null;
}
