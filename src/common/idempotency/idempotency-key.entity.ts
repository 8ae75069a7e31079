import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A client's `Idempotency-Key`, scoped to (user, endpoint). The first request claims the key
 * (unique index); retries with the same body get the stored result, a different body is a 409.
 */
@Entity('idempotency_keys')
@Index('ux_idempotency_scope', ['userId', 'endpoint', 'key'], { unique: true })
@Index('ix_idempotency_expires', ['expiresAt'])
export class IdempotencyKeyEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 64 })
  userId!: string;

  @Column({ type: 'varchar', length: 128 })
  endpoint!: string;

  @Column({ type: 'varchar', length: 128 })
  key!: string;

  /** SHA-256 of the canonical JSON body. */
  @Column({ name: 'request_hash', type: 'char', length: 64 })
  requestHash!: string;

  /** The id of what the first request created (e.g. the case id), once it committed. */
  @Column({ name: 'resource_id', type: 'varchar', length: 64, nullable: true })
  resourceId!: string | null;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'expires_at', type: 'datetime', precision: 3 })
  expiresAt!: Date;
}
