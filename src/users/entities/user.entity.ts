import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { Role } from '../../../workflows/workflow-definition';

export type ExpertField = 'MEDICAL' | 'INSURANCE' | 'FINANCE';

@Entity('users')
export class UserEntity {
  @PrimaryColumn({ type: 'char', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 64, unique: true })
  username!: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 100 })
  passwordHash!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 100 })
  displayName!: string;

  @Column({ type: 'json' })
  roles!: Role[];

  /** A STREET_OFFICE user's street (街道); it sees and acts on that street's cases only. */
  @Column({ name: 'street_code', type: 'varchar', length: 32, nullable: true })
  streetCode!: string | null;

  @Column({ name: 'expert_field', type: 'varchar', length: 16, nullable: true })
  expertField!: ExpertField | null;

  /** The institution an expert or inspector works for: never drawn for it (回避). */
  @Column({ type: 'varchar', length: 100, nullable: true })
  affiliation!: string | null;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** Bumped on deactivation or password change: older tokens stop working. */
  @Column({ name: 'token_version', type: 'int', default: 0 })
  tokenVersion!: number;

  @Column({ name: 'created_at', type: 'datetime', precision: 3 })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'datetime', precision: 3 })
  updatedAt!: Date;
}
