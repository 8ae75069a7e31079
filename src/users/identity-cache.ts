import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import IORedis from 'ioredis';
import type { Role } from '../../workflows/workflow-definition';
import type { Environment } from '../config/environment';
import { redisOptionsFromUrl } from '../queue/queue.service';

/** What the auth guard checks on every request (the user's row, active users only). */
export interface Identity {
  id: string;
  roles: Role[];
  streetCode: string | null;
  tokenVersion: number;
}

/**
 * How long an identity read from the database is trusted when no change message arrives: the
 * bound on how late a change made by another process takes effect while Redis is down.
 */
export const IDENTITY_TTL_MS = 2000;

/**
 * The identities the auth guard checks, kept in memory so a request does not pay a database
 * round trip for them. A change to a user (roles, street, deactivation, a new password) drops
 * the entry at once in the process that made it and, through a Redis channel, in every other
 * process; an entry also expires after IDENTITY_TTL_MS, so a message lost while Redis was down
 * delays a change by that much at most. A read that overlaps a change is not cached (its answer
 * may predate the change).
 */
@Injectable()
export class IdentityCache implements OnApplicationShutdown {
  private readonly logger = new Logger(IdentityCache.name);
  private readonly entries = new Map<string, { identity: Identity | null; until: number }>();
  /** Changes seen per user id: a read that started before one is not stored. */
  private readonly changes = new Map<string, number>();
  private readonly channel: string;
  private readonly url: string;
  private subscriber?: IORedis;
  private publisher?: IORedis;

  constructor(config: ConfigService<Environment, true>) {
    this.url = config.get('REDIS_URL', { infer: true });
    this.channel = `${config.get('QUEUE_PREFIX', { infer: true })}:identity-changed`;
  }

  /** Subscribes on first use (a process that checks no token never connects). */
  private subscribe(): void {
    const options = redisOptionsFromUrl(this.url);
    this.subscriber = new IORedis({ ...options, maxRetriesPerRequest: null });
    this.subscriber.on('error', (e: Error) =>
      this.logger.debug(`redis (identities): ${e.message}`),
    );
    this.subscriber.on('message', (_channel: string, id: string) => this.forget(id));
    // Messages sent while the subscription was down are lost: start from nothing again.
    this.subscriber.on('ready', () => this.entries.clear());
    void this.subscriber.subscribe(this.channel).catch(() => undefined);
  }

  private publishing(): IORedis {
    if (!this.publisher) {
      this.publisher = new IORedis({
        ...redisOptionsFromUrl(this.url),
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        connectTimeout: 2000,
      });
      this.publisher.on('error', (e: Error) =>
        this.logger.debug(`redis (identities): ${e.message}`),
      );
    }
    return this.publisher;
  }

  async onApplicationShutdown(): Promise<void> {
    for (const connection of [this.subscriber, this.publisher]) {
      if (connection) {
        await connection.quit().catch(() => connection.disconnect());
      }
    }
  }

  /** The identity of `id`, from memory while fresh, else read with `load` (and remembered). */
  async get(id: string, load: () => Promise<Identity | null>): Promise<Identity | null> {
    if (!this.subscriber) {
      this.subscribe();
    }
    const now = Date.now();
    const hit = this.entries.get(id);
    // Only while subscribed: a change message could be missed otherwise.
    if (hit && hit.until > now && this.subscriber?.status === 'ready') {
      return hit.identity;
    }
    const changesBefore = this.changes.get(id) ?? 0;
    const identity = await load();
    if ((this.changes.get(id) ?? 0) === changesBefore) {
      this.entries.set(id, { identity, until: now + IDENTITY_TTL_MS });
    }
    return identity;
  }

  /** A user changed (committed): forgotten here at once, and in the other processes. */
  async changed(id: string): Promise<void> {
    this.forget(id);
    const publisher = this.publishing();
    if (publisher.status !== 'ready') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2000);
        publisher.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await publisher.publish(this.channel, id).catch((e: Error) => {
      this.logger.warn(
        `identity change not broadcast (other processes see it within ${IDENTITY_TTL_MS} ms): ${e.message}`,
      );
    });
  }

  private forget(id: string): void {
    this.entries.delete(id);
    this.changes.set(id, (this.changes.get(id) ?? 0) + 1);
  }
}
