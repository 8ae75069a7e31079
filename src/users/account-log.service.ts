import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { Role } from '../../workflows/workflow-definition';
import type { AccountActionQuery, AccountActionView } from './dto/account-action.dto';
import {
  type AccountAction,
  type AccountActionDetail,
  AccountActionEntity,
} from './entities/account-action.entity';
import { UserEntity } from './entities/user.entity';

/** Fields of an account that are its own data (not its powers), named in PROFILE_CHANGED. */
const PROFILE_FIELDS = ['displayName', 'streetCode', 'expertField', 'affiliation'] as const;

type Entry = { action: AccountAction; detail: AccountActionDetail };

/**
 * The account administration log: written in the transaction of each change, read by the
 * auditor. Entries name fields and roles, never a password.
 */
@Injectable()
export class AccountLogService {
  constructor(
    @InjectRepository(AccountActionEntity)
    private readonly actions: Repository<AccountActionEntity>,
  ) {}

  /** The entries a change from `before` to `after` makes (a new account: `before` null). */
  entriesFor(before: UserEntity | null, after: UserEntity, passwordReset: boolean): Entry[] {
    if (before === null) {
      return [{ action: 'USER_CREATED', detail: { roles: [...after.roles] } }];
    }
    const entries: Entry[] = [];
    const rolesBefore: readonly Role[] = before.roles;
    if (
      rolesBefore.length !== after.roles.length ||
      !after.roles.every((r) => rolesBefore.includes(r))
    ) {
      entries.push({
        action: 'ROLES_CHANGED',
        detail: {
          before: [...rolesBefore],
          after: [...after.roles],
          granted: after.roles.filter((r) => !rolesBefore.includes(r)),
          taken: rolesBefore.filter((r) => !after.roles.includes(r)),
        },
      });
    }
    const fields = PROFILE_FIELDS.filter((f) => before[f] !== after[f]);
    if (fields.length > 0) {
      entries.push({ action: 'PROFILE_CHANGED', detail: { fields: [...fields] } });
    }
    if (before.active !== after.active) {
      entries.push({ action: after.active ? 'REACTIVATED' : 'DEACTIVATED', detail: {} });
    }
    if (passwordReset) {
      entries.push({ action: 'PASSWORD_RESET', detail: {} });
    }
    return entries;
  }

  async record(
    m: EntityManager,
    actorId: string,
    user: Pick<UserEntity, 'id' | 'username'>,
    entries: readonly Entry[],
    at = new Date(),
  ): Promise<void> {
    if (entries.length === 0) {
      return;
    }
    await m.getRepository(AccountActionEntity).insert(
      entries.map((e) => ({
        at,
        actorId,
        action: e.action,
        userId: user.id,
        username: user.username,
        detail: e.detail,
      })),
    );
  }

  /** Newest first, narrowed by account, administrator, action or time. */
  async list(q: AccountActionQuery): Promise<{ items: AccountActionView[]; total: number }> {
    const qb = this.actions
      .createQueryBuilder('a')
      .orderBy('a.at', 'DESC')
      .addOrderBy('a.id', 'DESC')
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize);
    if (q.userId !== undefined) {
      qb.andWhere('a.user_id = :userId', { userId: q.userId });
    }
    if (q.actorId !== undefined) {
      qb.andWhere('a.actor_id = :actorId', { actorId: q.actorId });
    }
    if (q.action !== undefined) {
      qb.andWhere('a.action = :action', { action: q.action });
    }
    if (q.from !== undefined) {
      qb.andWhere('a.at >= :from', { from: new Date(q.from) });
    }
    if (q.to !== undefined) {
      qb.andWhere('a.at < :to', { to: new Date(q.to) });
    }
    const [rows, total] = await qb.getManyAndCount();
    // Who acted, by name: the auditor reads people, not ids (an account deleted later stays an id).
    const actorIds = [...new Set(rows.map((r) => r.actorId).filter((id) => id !== 'system'))];
    const names = new Map(
      actorIds.length === 0
        ? []
        : (
            await this.actions.manager.find(UserEntity, {
              where: actorIds.map((id) => ({ id })),
              select: { id: true, displayName: true },
            })
          ).map((u) => [u.id, u.displayName]),
    );
    return {
      items: rows.map((r) => ({
        id: r.id,
        at: r.at.toISOString(),
        actorId: r.actorId,
        actorName: r.actorId === 'system' ? null : (names.get(r.actorId) ?? null),
        action: r.action,
        userId: r.userId,
        username: r.username,
        detail: r.detail,
      })),
      total,
    };
  }
}
