import { jsonColumn } from '../database/json-column';
import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { compare, hash } from 'bcryptjs';
import { In, QueryFailedError, type Repository } from 'typeorm';
import type { Role } from '../../workflows/workflow-definition';
import type { Environment } from '../config/environment';
import { PolicyService } from '../config/policy.service';
import { type Actor, SYSTEM } from '../engine/actor';
import { type AccountChange, accountDutyProblem } from './account-duties';
import { AccountLogService } from './account-log.service';
import { type Identity, IdentityCache } from './identity-cache';
import { DomainError } from '../common/errors/domain-error';
import type { CreateUserDto, UpdateUserDto, UserView } from './dto/create-user.dto';
import { passwordProblem } from './password-strength';
import { type ExpertField, UserEntity } from './entities/user.entity';

const BCRYPT_ROUNDS = 10;
/** Compared against when the user does not exist, so both answers take as long. */
const DUMMY_HASH = '$2b$10$CwTycUXWue0Thq9StjUM0uJ8.kH6b1YB6R8dF1zJfJcD6G3bYyqGu';

@Injectable()
export class UsersService implements OnApplicationBootstrap {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly config: ConfigService<Environment, true>,
    private readonly policy: PolicyService,
    private readonly log: AccountLogService,
    private readonly identities: IdentityCache,
  ) {}

  /** The administrator from ADMIN_USERNAME / ADMIN_PASSWORD, created when missing. */
  async onApplicationBootstrap(): Promise<void> {
    const username = this.config.get('ADMIN_USERNAME', { infer: true });
    if (await this.users.existsBy({ username })) {
      return;
    }
    try {
      await this.create({
        username,
        password: this.config.get('ADMIN_PASSWORD', { infer: true }),
        displayName: 'Administrator',
        roles: ['ADMIN'],
      });
      this.logger.log(`created administrator "${username}"`);
    } catch (e) {
      if (!(e instanceof DomainError && e.code === 'CONFLICT')) {
        throw e; // another process created it at the same moment: fine
      }
    }
  }

  /**
   * A new account, by `actor` (the bootstrap administrator: the service itself). The duties of
   * administrators apply (account-duties.ts); the account log gets USER_CREATED in the same
   * transaction.
   */
  async create(dto: CreateUserDto, actor: Actor = SYSTEM): Promise<UserView> {
    this.assertDuties(actor, {
      rolesBefore: [],
      rolesAfter: dto.roles,
      // A new account is the grant of its roles: the security administrator's when separated.
      touchesAccount: false,
      own: false,
      firstSecurityAdmin:
        dto.roles.includes('SECURITY_ADMIN') &&
        (await this.activeWithRole('SECURITY_ADMIN')).length === 0,
    });
    const now = new Date();
    const user = this.users.create({
      id: randomUUID(),
      username: dto.username,
      passwordHash: await hash(dto.password, BCRYPT_ROUNDS),
      displayName: dto.displayName,
      roles: dto.roles,
      streetCode: dto.streetCode ?? null,
      expertField: dto.expertField ?? null,
      affiliation: dto.affiliation ?? null,
      active: true,
      tokenVersion: 0,
      createdAt: now,
      updatedAt: now,
    });
    try {
      await this.users.manager.transaction(async (m) => {
        await m.getRepository(UserEntity).insert(user);
        await this.log.record(m, actor.id, user, this.log.entriesFor(null, user, false), now);
      });
    } catch (e) {
      if (
        e instanceof QueryFailedError &&
        (e.driverError as { code?: string }).code === 'ER_DUP_ENTRY'
      ) {
        throw new DomainError('CONFLICT', `The username "${dto.username}" is taken.`, {
          errors: [{ field: 'username', message: 'is taken' }],
        });
      }
      throw e;
    }
    return toView(user);
  }

  async list(
    page: number,
    pageSize: number,
    filter: { role?: Role; active?: boolean } = {},
  ): Promise<{ items: UserView[]; total: number }> {
    const qb = this.users
      .createQueryBuilder('u')
      .orderBy('u.created_at', 'ASC')
      .addOrderBy('u.id', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize);
    if (filter.active !== undefined) {
      qb.andWhere('u.active = :active', { active: filter.active });
    }
    if (filter.role) {
      // roles is a JSON array of plain names: a quoted name matches exactly one role.
      qb.andWhere('u.roles LIKE :role', { role: `%"${filter.role}"%` });
    }
    const [rows, total] = await qb.getManyAndCount();
    return { items: rows.map(toView), total };
  }

  /**
   * An administrator changes a user: roles, street, expert field, affiliation, name, active, or
   * resets the password. The result must still be consistent (a street office has a street, an
   * expert a field); an administrator cannot deactivate or un-ADMIN themselves. Deactivation and
   * a new password bump the token version: every token issued before stops working at once.
   */
  async update(id: string, dto: UpdateUserDto, actor: Actor): Promise<UserView> {
    const actorId = actor.id;
    const given = Object.entries(dto).filter(([, v]) => v !== undefined);
    if (given.length === 0) {
      throw DomainError.validation([{ field: 'body', message: 'names nothing to change' }]);
    }
    const user = /^[0-9a-f-]{36}$/i.test(id) ? await this.users.findOneBy({ id }) : null;
    if (!user) {
      throw DomainError.notFound('User');
    }
    if (id === actorId && dto.active === false) {
      throw new DomainError('BUSINESS_RULE', 'You cannot deactivate yourself.', {
        errors: [{ field: 'active', message: 'an administrator cannot deactivate themselves' }],
      });
    }
    if (
      id === actorId &&
      dto.roles !== undefined &&
      user.roles.includes('ADMIN') &&
      !dto.roles.includes('ADMIN')
    ) {
      throw new DomainError('BUSINESS_RULE', 'You cannot take the ADMIN role from yourself.', {
        errors: [{ field: 'roles', message: 'must keep ADMIN for yourself' }],
      });
    }
    this.assertDuties(actor, {
      rolesBefore: user.roles,
      rolesAfter: dto.roles ?? user.roles,
      touchesAccount: given.some(([k]) => k !== 'roles'),
      own: id === actorId,
    });
    const next: UserEntity = {
      ...user,
      ...(dto.displayName !== undefined ? { displayName: dto.displayName } : {}),
      ...(dto.roles !== undefined ? { roles: dto.roles } : {}),
      ...(dto.streetCode !== undefined ? { streetCode: dto.streetCode } : {}),
      ...(dto.expertField !== undefined ? { expertField: dto.expertField } : {}),
      ...(dto.affiliation !== undefined ? { affiliation: dto.affiliation } : {}),
      ...(dto.active !== undefined ? { active: dto.active } : {}),
    };
    const errors = [];
    if (next.roles.includes('STREET_OFFICE') && next.streetCode === null) {
      errors.push({ field: 'streetCode', message: 'a STREET_OFFICE user needs a streetCode' });
    }
    if (next.roles.includes('EXPERT') && next.expertField === null) {
      errors.push({ field: 'expertField', message: 'an EXPERT needs an expertField' });
    }
    if (dto.password !== undefined) {
      const problem = passwordProblem(dto.password, user.username);
      if (problem !== null) {
        errors.push({ field: 'password', message: `password ${problem}` });
      }
    }
    if (errors.length > 0) {
      throw DomainError.validation(errors);
    }
    const revoke = (dto.active === false && user.active) || dto.password !== undefined;
    next.tokenVersion = user.tokenVersion + (revoke ? 1 : 0);
    next.updatedAt = new Date();
    if (dto.password !== undefined) {
      next.passwordHash = await hash(dto.password, BCRYPT_ROUNDS);
    }
    await this.users.manager.transaction(async (m) => {
      await m.getRepository(UserEntity).update(
        { id },
        {
          displayName: next.displayName,
          roles: next.roles,
          streetCode: next.streetCode,
          expertField: next.expertField,
          affiliation: next.affiliation,
          active: next.active,
          tokenVersion: next.tokenVersion,
          passwordHash: next.passwordHash,
          updatedAt: next.updatedAt,
        },
      );
      const entries = this.log.entriesFor(user, next, dto.password !== undefined);
      await this.log.record(m, actorId, user, entries, next.updatedAt);
    });
    // Roles, street and deactivation take effect at the next request, in every process.
    await this.identities.changed(id);
    this.logger.log(
      `user ${user.username} changed by ${actorId}: ${given.map(([k]) => k).join(', ')}`,
    );
    return toView(next);
  }

  /** An unlock by `actor` (the throttle lifts the lock): duties checked, then logged. */
  async recordUnlock(id: string, actor: Actor): Promise<UserEntity> {
    const user = /^[0-9a-f-]{36}$/i.test(id) ? await this.users.findOneBy({ id }) : null;
    if (!user) {
      throw DomainError.notFound('User');
    }
    this.assertDuties(actor, {
      rolesBefore: user.roles,
      rolesAfter: user.roles,
      touchesAccount: false,
      unlock: true,
      own: user.id === actor.id,
    });
    await this.log.record(this.users.manager, actor.id, user, [{ action: 'UNLOCKED', detail: {} }]);
    return user;
  }

  private assertDuties(actor: Actor, change: AccountChange): void {
    if (actor.system) {
      return; // the bootstrap administrator from the environment
    }
    const problem = accountDutyProblem(this.policy.duties().accounts, actor.roles, change);
    if (problem?.kind === 'forbidden') {
      throw new DomainError('FORBIDDEN', problem.message, { rule: problem.rule });
    }
    if (problem?.kind === 'invalid') {
      throw new DomainError('BUSINESS_RULE', `The roles break a rule: ${problem.message}.`, {
        errors: [{ field: problem.field, message: problem.message }],
      });
    }
  }

  /**
   * One's own new password, with the current one: null when the current one is wrong. Tokens
   * issued before stop working (the token version moves on); the caller gets a fresh one.
   */
  async changeOwnPassword(
    id: string,
    currentPassword: string,
    newPassword: string,
  ): Promise<UserEntity | null> {
    const user = await this.users.findOneBy({ id, active: true });
    if (!user || !(await compare(currentPassword, user.passwordHash))) {
      return null;
    }
    const problem =
      passwordProblem(newPassword, user.username) ??
      (newPassword === currentPassword ? 'must differ from the current password' : null);
    if (problem !== null) {
      throw DomainError.validation([{ field: 'newPassword', message: `newPassword ${problem}` }]);
    }
    user.passwordHash = await hash(newPassword, BCRYPT_ROUNDS);
    user.tokenVersion += 1;
    user.updatedAt = new Date();
    await this.users.update(
      { id },
      {
        passwordHash: user.passwordHash,
        tokenVersion: user.tokenVersion,
        updatedAt: user.updatedAt,
      },
    );
    await this.identities.changed(id);
    return user;
  }

  /** The expert pool (专家库): active users with role EXPERT and their field and affiliation. */
  async experts(): Promise<
    Array<{ userId: string; expertField: ExpertField; affiliation: string | null }>
  > {
    const users = await this.users.find({ where: { active: true } });
    return users
      .filter((u) => u.roles.includes('EXPERT') && u.expertField !== null)
      .map((u) => ({
        userId: u.id,
        expertField: u.expertField as ExpertField,
        affiliation: u.affiliation,
      }));
  }

  /** The inspector directory (执法检查人员名录库): active INSPECTOR users and their affiliation. */
  async inspectors(): Promise<Array<{ userId: string; affiliation: string | null }>> {
    const users = await this.users.find({ where: { active: true } });
    return users
      .filter((u) => u.roles.includes('INSPECTOR'))
      .map((u) => ({ userId: u.id, affiliation: u.affiliation }));
  }

  /** Users by id (missing ids are left out). */
  byIds(ids: readonly string[]): Promise<UserEntity[]> {
    return ids.length === 0 ? Promise.resolve([]) : this.users.findBy({ id: In([...ids]) });
  }

  /** Active users with a role (e.g. every caseworker, for the workload). */
  async activeWithRole(role: Role): Promise<UserEntity[]> {
    const users = await this.users.find({ where: { active: true }, order: { createdAt: 'ASC' } });
    return users.filter((u) => u.roles.includes(role));
  }

  /** Active users with their roles and street: who may be notified (SLA reminders, breaches). */
  async activeDirectory(): Promise<
    Array<{ id: string; roles: UserEntity['roles']; streetCode: string | null }>
  > {
    const users = await this.users.find({
      where: { active: true },
      select: { id: true, roles: true, streetCode: true },
    });
    return users.map((u) => ({ id: u.id, roles: u.roles, streetCode: u.streetCode }));
  }

  /** Display names by user id (reports name the assignees); unknown ids are left out. */
  async displayNames(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) {
      return new Map();
    }
    const users = await this.users.find({
      where: ids.map((id) => ({ id })),
      select: { id: true, displayName: true },
    });
    return new Map(users.map((u) => [u.id, u.displayName]));
  }

  findActive(id: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ id, active: true });
  }

  /**
   * What the auth guard checks on every request: from memory while fresh (IdentityCache: a
   * change drops it in every process), else in raw SQL (the ORM's per-call cost shows there).
   */
  findActiveIdentity(id: string): Promise<Identity | null> {
    return this.identities.get(id, () => this.readActiveIdentity(id));
  }

  private async readActiveIdentity(id: string): Promise<Identity | null> {
    const [r] = await this.users.query<
      Array<{
        id: string;
        roles: string | Role[];
        street_code: string | null;
        token_version: number;
      }>
    >('SELECT id, roles, street_code, token_version FROM users WHERE id = ? AND active = 1', [id]);
    return r
      ? {
          id: r.id,
          roles: jsonColumn<Role[]>(r.roles),
          streetCode: r.street_code,
          tokenVersion: Number(r.token_version),
        }
      : null;
  }

  async findView(id: string): Promise<UserView> {
    const user = await this.users.findOneBy({ id });
    if (!user) {
      throw DomainError.notFound('User');
    }
    return toView(user);
  }

  /** The active user with this name and password, or null (the same time either way). */
  async verifyPassword(username: string, password: string): Promise<UserEntity | null> {
    const user = await this.users.findOneBy({ username, active: true });
    const ok = await compare(password, user?.passwordHash ?? DUMMY_HASH);
    return user && ok ? user : null;
  }
}

export function toView(u: UserEntity): UserView {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    roles: u.roles,
    streetCode: u.streetCode,
    expertField: u.expertField,
    affiliation: u.affiliation,
    active: u.active,
    createdAt: u.createdAt,
    updatedAt: u.updatedAt,
  };
}
