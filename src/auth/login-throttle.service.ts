import { Injectable, Logger } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, MoreThan } from 'typeorm';
import { sha256Hex } from '../common/canonical-hash';
import { DomainError } from '../common/errors/domain-error';
import type { Environment } from '../config/environment';
import { LoginFailureEntity } from './entities/login-failure.entity';

/**
 * Login rate limiting and lockout, shared by every API process (rows in `login_failures`, never
 * memory). A username is locked for LOGIN_LOCK_SECONDS after LOGIN_MAX_FAILURES failures within
 * that long, and a client address after LOGIN_IP_MAX_FAILURES (someone trying many names). A
 * locked login is refused with 429 and Retry-After, even with the right password, and an
 * unknown username is counted and locked exactly like a real one (no user enumeration). A
 * success clears the username's failures; an administrator can unlock a user.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ConfigService<Environment, true>,
  ) {}

  private userKey(username: string): string {
    return sha256Hex(`user:${username.toLowerCase()}`);
  }

  private ipKey(ip: string): string {
    return sha256Hex(`ip:${ip}`);
  }

  private lockMs(): number {
    return this.config.get('LOGIN_LOCK_SECONDS', { infer: true }) * 1000;
  }

  /** 429 while the username or the address is locked. */
  async assertNotLocked(username: string, ip: string | undefined, now = new Date()): Promise<void> {
    const keys = [this.userKey(username), ...(ip ? [this.ipKey(ip)] : [])];
    const locked = await this.dataSource.getRepository(LoginFailureEntity).find({
      where: { keyHash: In(keys), lockedUntil: MoreThan(now) },
    });
    if (locked.length > 0) {
      const until = Math.max(...locked.map((l) => l.lockedUntil!.getTime()));
      const seconds = Math.max(1, Math.ceil((until - now.getTime()) / 1000));
      throw new DomainError(
        'RATE_LIMITED',
        `Too many failed logins: try again in ${Math.ceil(seconds / 60)} minute(s).`,
        { retryAfterSeconds: seconds },
      );
    }
  }

  /**
   * Counts an attempt BEFORE its password is compared, then refuses it (429) if that made the
   * username or the address locked: check, compare and count are no longer separate steps, so
   * parallel guesses get no more tries than serial ones (at most LOGIN_MAX_FAILURES compared
   * per window). A success takes its count back (`recordSuccess`); a failure leaves it.
   */
  async beginAttempt(username: string, ip: string | undefined, now = new Date()): Promise<void> {
    await this.assertNotLocked(username, ip, now);
    await this.recordFailure(username, ip, now);
    await this.assertNotLocked(username, ip, now);
  }

  async recordFailure(username: string, ip: string | undefined, now = new Date()): Promise<void> {
    await this.count(
      this.userKey(username),
      this.config.get('LOGIN_MAX_FAILURES', { infer: true }),
      now,
    );
    if (ip) {
      await this.count(
        this.ipKey(ip),
        this.config.get('LOGIN_IP_MAX_FAILURES', { infer: true }),
        now,
      );
    }
    await this.purge(now);
  }

  /** The right password: the username's failures are forgotten, the address's attempt taken back. */
  async recordSuccess(username: string, ip?: string): Promise<void> {
    await this.dataSource
      .getRepository(LoginFailureEntity)
      .delete({ keyHash: this.userKey(username) });
    if (ip) {
      await this.dataSource.query(
        'UPDATE login_failures SET failures = GREATEST(failures - 1, 0) WHERE key_hash = ?',
        [this.ipKey(ip)],
      );
    }
  }

  /** A right password whose attempt was counted (a password change): the count is taken back. */
  async takeBack(username: string, ip?: string): Promise<void> {
    await this.dataSource.query(
      'UPDATE login_failures SET failures = GREATEST(failures - 1, 0) WHERE key_hash IN (?)',
      [[this.userKey(username), ...(ip ? [this.ipKey(ip)] : [])]],
    );
  }

  /**
   * Rows whose window and lock are over say nothing any more: deleted, so guessing unknown
   * usernames does not grow the table forever.
   */
  private async purge(now: Date): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM login_failures
        WHERE window_started_at < ? AND (locked_until IS NULL OR locked_until < ?) LIMIT 1000`,
      [new Date(now.getTime() - this.lockMs()), now],
    );
  }

  /** An administrator lifts a user's lock (and forgets the failures). */
  async unlock(username: string): Promise<void> {
    await this.recordSuccess(username);
  }

  /**
   * One more attempt in the key's window (a new window when the last one is over); beyond `max`
   * failures the key is locked and its count starts again (attempts are counted before they are
   * compared: the (max+1)th is the one refused). Two statements, each atomic: concurrent
   * attempts on several processes all count.
   */
  private async count(key: string, max: number, now: Date): Promise<void> {
    const windowStart = new Date(now.getTime() - this.lockMs());
    await this.dataSource.query(
      `INSERT INTO login_failures (key_hash, failures, window_started_at, locked_until, updated_at)
       VALUES (?, 1, ?, NULL, ?)
       ON DUPLICATE KEY UPDATE
         failures = IF(window_started_at < ?, 1, failures + 1),
         window_started_at = IF(window_started_at < ?, ?, window_started_at),
         updated_at = ?`,
      [key, now, now, windowStart, windowStart, now, now],
    );
    const until = new Date(now.getTime() + this.lockMs());
    const result: { affectedRows?: number } = await this.dataSource.query(
      `UPDATE login_failures SET locked_until = ?, failures = 0, window_started_at = ?
        WHERE key_hash = ? AND failures > ?`,
      [until, now, key, max],
    );
    if ((result.affectedRows ?? 0) > 0) {
      this.logger.warn(`login locked until ${until.toISOString()} after ${max} failures`);
    }
  }
}
