import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * Failed logins per username and per client address (keyed by a hash of `user:<name>` or
 * `ip:<address>`), in the database so every API process counts the same failures.
 */
@Entity('login_failures')
export class LoginFailureEntity {
  @PrimaryColumn({ name: 'key_hash', type: 'char', length: 64 })
  keyHash!: string;

  @Column({ type: 'int' })
  failures!: number;

  @Column({ name: 'window_started_at', type: 'datetime', precision: 3 })
  windowStartedAt!: Date;

  @Column({ name: 'locked_until', type: 'datetime', precision: 3, nullable: true })
  lockedUntil!: Date | null;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
