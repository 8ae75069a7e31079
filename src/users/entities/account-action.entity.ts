import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '../../../workflows/workflow-definition';

/** What an administrator did to an account. */
export const ACCOUNT_ACTIONS = [
  'USER_CREATED',
  'ROLES_CHANGED',
  'PROFILE_CHANGED',
  'DEACTIVATED',
  'REACTIVATED',
  'PASSWORD_RESET',
  'UNLOCKED',
] as const;
export type AccountAction = (typeof ACCOUNT_ACTIONS)[number];

/** What an entry records besides its action: roles granted and taken, fields changed. */
export interface AccountActionDetail {
  /** USER_CREATED: the roles the account starts with. */
  roles?: Role[];
  /** ROLES_CHANGED. */
  before?: Role[];
  after?: Role[];
  granted?: Role[];
  taken?: Role[];
  /** PROFILE_CHANGED: which fields (never their values' secrets). */
  fields?: string[];
}

/**
 * The account administration log (等保 2.0: separated administrators, every grant traceable): who
 * created an account, granted or took roles, deactivated, reset a password or lifted a login
 * lock, written in the same transaction as the change. The auditor (审计管理员) reviews it at
 * `GET /api/v1/audit/account-actions`; no administrator can read or change it through the API.
 */
@Entity('account_actions')
@Index('ix_account_actions_user', ['userId', 'at'])
@Index('ix_account_actions_at', ['at'])
export class AccountActionEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'datetime', precision: 3 })
  at!: Date;

  /** The administrator's user id, or `system` for the bootstrap administrator. */
  @Column({ name: 'actor_id', type: 'varchar', length: 64 })
  actorId!: string;

  @Column({ type: 'varchar', length: 32 })
  action!: AccountAction;

  /** The account acted on. */
  @Column({ name: 'user_id', type: 'char', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 64 })
  username!: string;

  /** Roles before and after, the fields changed; never a password or a hash. */
  @Column({ type: 'json' })
  detail!: AccountActionDetail;
}
