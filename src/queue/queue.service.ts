import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { type ConnectionOptions, type Job, type JobsOptions, Queue, Worker } from 'bullmq';
import IORedis, { type RedisOptions } from 'ioredis';
import type { Environment } from '../config/environment';
import { JOBS, type JobKey, type JobPayloads } from './jobs';

/** A job's processor; `job.data` typed by the job's name (JobPayloads). */
type Handler<K extends JobKey = JobKey> = (job: Job<JobPayloads[K]>) => Promise<unknown>;
/** Per-job retry settings (e.g. webhook deliveries); every other job gets the relay's defaults. */
export type JobRetryOptions = Pick<JobsOptions, 'attempts' | 'backoff'>;

/** `redis://user:pass@host:6379/0` -> ioredis options (BullMQ workers open their own connections). */
export function redisOptionsFromUrl(url: string): RedisOptions {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
  };
}

/** The Redis settings every client is built from (QueueService, tests, tools). */
export type RedisSettings = Pick<
  Environment,
  'REDIS_URL' | 'REDIS_SENTINELS' | 'REDIS_SENTINEL_NAME'
>;

/**
 * Connection options of every ioredis client, BullMQ's included: the server of REDIS_URL, or,
 * with REDIS_SENTINELS, the primary the Sentinels name. ioredis asks them on every (re)connect
 * and checks the server really is a primary, so a client follows a failover once its socket to
 * the old primary closes; a write refused with READONLY (the old primary demoted while the
 * connection stayed open) reconnects too. (ioredis' `failoverDetector` is not used: a switch
 * announced while the client is reconnecting ends the client for good.) REDIS_URL then only
 * gives the password and db number.
 */
export function redisConnectionOptions(settings: RedisSettings): RedisOptions {
  if (!settings.REDIS_SENTINELS) {
    return redisOptionsFromUrl(settings.REDIS_URL);
  }
  const fromUrl = settings.REDIS_URL ? redisOptionsFromUrl(settings.REDIS_URL) : {};
  return {
    username: fromUrl.username,
    password: fromUrl.password,
    db: fromUrl.db ?? 0,
    tls: fromUrl.tls,
    sentinels: settings.REDIS_SENTINELS.split(',').map((s) => {
      const [host, port] = s.trim().split(':');
      return { host, port: port ? Number(port) : 26379 };
    }),
    name: settings.REDIS_SENTINEL_NAME,
    reconnectOnError: reconnectOnReadonly,
    // Sentinels themselves unreachable: keep asking (a worker waits for Redis forever).
    sentinelRetryStrategy: (times) => Math.min(times * 200, 2000),
  };
}

/** A write refused by a demoted primary: reconnect (to the one the Sentinels name now). */
function reconnectOnReadonly(e: Error): boolean {
  return e.message.startsWith('READONLY');
}

/** The time zone of every scheduled job (the bureau's days and months). */
export const SCHEDULE_TIME_ZONE = 'Asia/Shanghai';
const RETRY_SCHEDULING_MS = 60_000;

/** The cron pattern of a monthly schedule: minute 0 of `hour` on `dayOfMonth`, every month. */
export function monthlyPattern(at: { dayOfMonth: number; hour: number }): string {
  return `0 ${at.hour} ${at.dayOfMonth} * *`;
}

/**
 * Owns the Redis connections, queues and workers.
 * - Producers fail fast when Redis is down (no offline queue): the outbox row stays undispatched
 *   and the relay re-sends it later, so a request never hangs on Redis.
 * - Workers wait for Redis forever (`maxRetriesPerRequest: null`, as BullMQ requires).
 */
@Injectable()
export class QueueService implements OnApplicationShutdown {
  private readonly logger = new Logger(QueueService.name);
  private readonly queues = new Map<string, Queue>();
  private readonly workers: Worker[] = [];
  private readonly handlers = new Map<string, (job: Job) => Promise<unknown>>();
  private readonly retryOptions = new Map<string, JobRetryOptions>();
  private producerConnection?: IORedis;
  private readyWait?: Promise<void>;
  private readonly prefix: string;
  private readonly settings: RedisSettings;
  private readonly schedulingRetries = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(config: ConfigService<Environment, true>) {
    this.prefix = config.get('QUEUE_PREFIX', { infer: true });
    this.settings = {
      REDIS_URL: config.get('REDIS_URL', { infer: true }),
      REDIS_SENTINELS: config.get('REDIS_SENTINELS', { infer: true }),
      REDIS_SENTINEL_NAME: config.get('REDIS_SENTINEL_NAME', { infer: true }),
    };
  }

  private producer(): IORedis {
    if (!this.producerConnection) {
      this.producerConnection = new IORedis({
        ...redisConnectionOptions(this.settings),
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        connectTimeout: 2000,
        retryStrategy: (times) => Math.min(times * 200, 2000),
      });
      this.producerConnection.on('error', (e: Error) =>
        this.logger.debug(`redis (producer): ${e.message}`),
      );
    }
    return this.producerConnection;
  }

  queue(name: string): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new Queue(name, { connection: this.producer(), prefix: this.prefix });
      q.on('error', (e: Error) => this.logger.debug(`queue ${name}: ${e.message}`));
      this.queues.set(name, q);
    }
    return q;
  }

  /** Registers the one handler of a job; a second registration is a programming error. */
  handle<K extends JobKey>(key: K, handler: Handler<K>, retry?: JobRetryOptions): void {
    const { queue, name } = JOBS[key];
    const id = `${queue}/${name}`;
    if (this.handlers.has(id)) {
      throw new Error(`Job ${id} already has a handler`);
    }
    this.handlers.set(id, handler);
    if (retry) {
      this.retryOptions.set(id, retry);
    }
  }

  /** The retry settings registered with a job's handler, if any (the outbox relay applies them). */
  retryFor(queue: string, name: string): JobRetryOptions | undefined {
    return this.retryOptions.get(`${queue}/${name}`);
  }

  /** Starts one worker per queue (worker and all roles); every declared job must have a handler. */
  startWorkers(concurrency = 8): void {
    const missing = Object.values(JOBS)
      .map((j) => `${j.queue}/${j.name}`)
      .filter((id) => !this.handlers.has(id));
    if (missing.length > 0) {
      throw new Error(`Jobs without a handler: ${missing.join(', ')}`);
    }
    const queueNames = new Set<string>(Object.values(JOBS).map((j) => j.queue));
    for (const queueName of queueNames) {
      const worker = new Worker(
        queueName,
        async (job) => {
          const handler = this.handlers.get(`${queueName}/${job.name}`);
          if (!handler) {
            throw new Error(`No handler for job ${queueName}/${job.name}`);
          }
          return handler(job);
        },
        {
          connection: this.workerConnection(),
          prefix: this.prefix,
          concurrency,
        },
      );
      worker.on('error', (e: Error) => this.logger.warn(`worker ${queueName}: ${e.message}`));
      worker.on('failed', (job, e) =>
        this.logger.warn(`job ${job?.id ?? '?'} failed: ${e.message}`),
      );
      this.workers.push(worker);
    }
  }

  /** A worker's connection options: it waits for Redis forever, as BullMQ requires. */
  private workerConnection(): ConnectionOptions {
    if (!this.settings.REDIS_SENTINELS) {
      return { url: this.settings.REDIS_URL, maxRetriesPerRequest: null };
    }
    const {
      sentinels,
      name,
      username,
      password,
      db,
      tls,
      sentinelRetryStrategy,
      reconnectOnError,
    } = redisConnectionOptions(this.settings);
    return {
      sentinels,
      name,
      username,
      password,
      db,
      tls,
      sentinelRetryStrategy,
      reconnectOnError,
      maxRetriesPerRequest: null,
    };
  }

  /** Resolves once the producer connection is ready (it queues nothing while Redis is down). */
  async ready(timeoutMs = 2000): Promise<IORedis> {
    const connection = this.producer();
    if (connection.status === 'ready') {
      return connection;
    }
    if (connection.status === 'end') {
      // ioredis gave up (e.g. every Sentinel unreachable for a moment): start it again.
      connection.connect().catch(() => undefined);
    }
    // One shared wait, however many callers arrive while Redis is (re)connecting.
    this.readyWait ??= new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        connection.off('ready', onReady);
        reject(new Error(`Redis is not reachable (${connection.status})`));
      }, timeoutMs);
      const onReady = (): void => {
        clearTimeout(timer);
        resolve();
      };
      connection.once('ready', onReady);
    }).finally(() => {
      this.readyWait = undefined;
    });
    await this.readyWait;
    return connection;
  }

  /**
   * A monthly BullMQ job scheduler of `key`: minute 0 of `hour` on `dayOfMonth` in Asia/Shanghai
   * time, created or updated (idempotent: every worker upserts it, it exists once). Retried every
   * minute while Redis is away, until shutdown.
   */
  async scheduleMonthly(
    key: JobKey,
    schedulerId: string,
    at: { dayOfMonth: number; hour: number },
  ): Promise<void> {
    const { queue, name } = JOBS[key];
    try {
      await this.ready();
      await this.queue(queue).upsertJobScheduler(
        schedulerId,
        { pattern: monthlyPattern(at), tz: SCHEDULE_TIME_ZONE },
        { name, data: {}, opts: { removeOnComplete: 24, removeOnFail: 24 } },
      );
    } catch (e) {
      if (this.stopped) {
        return;
      }
      this.logger.warn(`job scheduler ${schedulerId} not set up yet: ${(e as Error).message}`);
      const retry = setTimeout(() => {
        this.schedulingRetries.delete(retry);
        void this.scheduleMonthly(key, schedulerId, at);
      }, RETRY_SCHEDULING_MS);
      retry.unref();
      this.schedulingRetries.add(retry);
    }
  }

  async ping(): Promise<void> {
    await (await this.ready()).ping();
  }

  async depth(): Promise<Record<string, number>> {
    await this.ready();
    const out: Record<string, number> = {};
    for (const name of new Set<string>(Object.values(JOBS).map((j) => j.queue))) {
      const counts = await this.queue(name).getJobCounts('waiting', 'delayed', 'active', 'failed');
      for (const [state, n] of Object.entries(counts)) {
        out[`${name}:${state}`] = n;
      }
    }
    return out;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.schedulingRetries.forEach((t) => clearTimeout(t));
    await Promise.allSettled(this.workers.map((w) => w.close()));
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.producerConnection?.disconnect();
  }
}
