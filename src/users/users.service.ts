import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectRepository } from '@nestjs/typeorm';
import { compare, hash } from 'bcryptjs';
import { QueryFailedError, type Repository } from 'typeorm';
import type { Environment } from '../config/environment';
import { DomainError } from '../common/errors/domain-error';
import type { CreateUserDto, UserView } from './dto/create-user.dto';
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

  async create(dto: CreateUserDto): Promise<UserView> {
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
      await this.users.insert(user);
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

  async list(page: number, pageSize: number): Promise<{ items: UserView[]; total: number }> {
    const [rows, total] = await this.users.findAndCount({
      order: { createdAt: 'ASC' },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items: rows.map(toView), total };
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
  };
}
