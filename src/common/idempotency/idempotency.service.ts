import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { Environment } from '../../config/environment';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, LessThan, QueryFailedError } from 'typeorm';
import { canonicalHash } from '../canonical-hash';
import { DomainError } from '../errors/domain-error';
import { IdempotencyKeyEntity } from './idempotency-key.entity';
import { deferWrite, writeBehindTransaction } from '../../database/write-behind';

/** Keys are kept at least this long (docs/api.md: at least 24 hours). */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]{1,128}$/;

export interface IdempotencyScope {
  userId: string;
  endpoint: string;
  /** The client's `Idempotency-Key` header. */
  key: string | undefined;
}

/** Checks the `Idempotency-Key` header: required, 1-128 visible ASCII characters. */
export function requireIdempotencyKey(key: string | undefined): string {
  if (key === undefined || !IDEMPOTENCY_KEY_PATTERN.test(key)) {
    throw DomainError.validation([
      {
        field: 'Idempotency-Key',
        message: 'send a unique key (1-128 visible ASCII characters) per new request',
      },
    ]);
  }
  return key;
}

function isDuplicateKey(e: unknown): boolean {
  return (
    e instanceof QueryFailedError && (e.driverError as { code?: string }).code === 'ER_DUP_ENTRY'
  );
}

/**
 * Runs a creating request at most once per (user, endpoint, key).
 *
 * The key row is inserted in the SAME transaction as what the request creates. A concurrent
 * retry's insert waits on the unique index until the first transaction ends: after a commit it
 * gets a duplicate-key error and answers with the stored result; after a rollback it proceeds
 * as the first. The same key with a different body (SHA-256 of canonical JSON) is a 409.
 */
/** How often a worker drops expired keys. */
const PURGE_EVERY_MS = 60 * 60 * 1000;

@Injectable()
export class IdempotencyService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(IdempotencyService.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  /** Workers purge expired keys hourly (a query by the indexed expires_at; several workers are harmless). */
  onApplicationBootstrap(): void {
    if (this.config.get('ROLE', { infer: true }) === 'api') {
      return;
    }
    this.timer = setInterval(() => {
      this.purgeExpired().catch((e: Error) =>
        this.logger.warn(`idempotency purge failed: ${e.message}`),
      );
    }, PURGE_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /**
   * `plannedId`: the id of what `create` will create, when the caller names it first; the key row
   * is written with it and needs no update after `create`.
   */
  async run(
    scope: IdempotencyScope,
    body: unknown,
    create: (m: EntityManager) => Promise<string>,
    plannedId?: string,
  ): Promise<{ resourceId: string; replayed: boolean }> {
    const key = requireIdempotencyKey(scope.key);
    const requestHash = canonicalHash(body);
    for (let attempt = 1; ; attempt++) {
      try {
        const resourceId = await writeBehindTransaction(this.dataSource, async (m) => {
          const now = new Date();
          // Deferred like the update below (write-behind.ts): the key rides with the first
          // statement of `create`. A key already taken fails the transaction there (or at the
          // COMMIT) with the duplicate-key error handled below; nothing in `create` catches it.
          await deferWrite(
            m,
            `INSERT INTO idempotency_keys (user_id, endpoint, \`key\`, request_hash, resource_id,
               created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
            [
              scope.userId,
              scope.endpoint,
              key,
              requestHash,
              plannedId ?? null,
              now,
              new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
            ],
          );
          const id = await create(m);
          if (id !== plannedId) {
            await deferWrite(
              m,
              'UPDATE idempotency_keys SET resource_id = ? WHERE user_id = ? AND endpoint = ? AND `key` = ?',
              [id, scope.userId, scope.endpoint, key],
            );
          }
          return id;
        });
        return { resourceId, replayed: false };
      } catch (e) {
        if (!isDuplicateKey(e) || attempt >= 3) {
          throw e;
        }
        const existing = await this.dataSource
          .getRepository(IdempotencyKeyEntity)
          .findOneBy({ userId: scope.userId, endpoint: scope.endpoint, key });
        if (!existing) {
          continue; // the first request rolled back meanwhile: this one goes ahead
        }
        if (existing.expiresAt.getTime() < Date.now()) {
          await this.dataSource.getRepository(IdempotencyKeyEntity).delete({ id: existing.id });
          continue;
        }
        if (existing.requestHash !== requestHash) {
          throw new DomainError(
            'IDEMPOTENCY_MISMATCH',
            'This Idempotency-Key was already used with a different request body.',
            { errors: [{ field: 'Idempotency-Key', message: 'reused with a different body' }] },
          );
        }
        if (existing.resourceId) {
          return { resourceId: existing.resourceId, replayed: true };
        }
      }
    }
  }

  /** Drops keys past their retention (run by the worker). */
  async purgeExpired(now = new Date()): Promise<number> {
    const result = await this.dataSource
      .getRepository(IdempotencyKeyEntity)
      .delete({ expiresAt: LessThan(now) });
    return result.affected ?? 0;
  }
}
