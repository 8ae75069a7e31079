import { availableParallelism } from 'node:os';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  MinLength,
  validateSync,
} from 'class-validator';
import { passwordProblem } from '../users/password-strength';

export const PROCESS_ROLES = ['api', 'worker', 'all'] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;
const toInt = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

/** Every environment variable the service reads, typed and validated once at start-up. */
export class Environment {
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT: number = 3000;

  @Matches(/^mysql:\/\/[^/\s]+\/[A-Za-z0-9_$-]+(\?.*)?$/, {
    message: 'DATABASE_URL must look like mysql://user:pass@host:3306/db',
  })
  DATABASE_URL!: string;

  /**
   * A Galera cluster's nodes, `host:port,host:port`: connections go to the first that is up and
   * ready, the next when it fails (docs/operations.md). DATABASE_URL then gives the user,
   * password and database (its host is ignored); several hosts in DATABASE_URL work as well.
   */
  @IsOptional()
  @Matches(/^[^\s,:/]+(:\d{1,5})?(,[^\s,:/]+(:\d{1,5})?)*$/, {
    message: 'DATABASE_HOSTS must look like db1:3306,db2:3306,db3:3306',
  })
  DATABASE_HOSTS?: string;

  /** Redis (db number, password); with REDIS_SENTINELS its host is the Sentinels' to tell. */
  @ValidateIf((e: Environment) => e.REDIS_SENTINELS === undefined || e.REDIS_URL !== undefined)
  @Matches(/^rediss?:\/\/[^\s]+$/, { message: 'REDIS_URL must look like redis://host:6379/0' })
  REDIS_URL!: string;

  /**
   * Redis Sentinels, `host:port,host:port`: every Redis client (BullMQ's too) asks them for the
   * current primary and follows a failover.
   */
  @IsOptional()
  @Matches(/^[^\s,:/]+(:\d{1,5})?(,[^\s,:/]+(:\d{1,5})?)*$/, {
    message: 'REDIS_SENTINELS must look like sentinel1:26379,sentinel2:26379,sentinel3:26379',
  })
  REDIS_SENTINELS?: string;

  /** The primary's name the Sentinels monitor (`sentinel monitor <name> ...`). */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, {
    message: 'REDIS_SENTINEL_NAME must be 1-64 of A-Z a-z 0-9 _ . -',
  })
  REDIS_SENTINEL_NAME: string = 'mymaster';

  @IsString()
  @MinLength(16, { message: 'JWT_SECRET must be at least 16 characters' })
  JWT_SECRET!: string;

  @IsOptional()
  @Matches(/^\d+[smhd]$/, { message: 'JWT_EXPIRES_IN must look like 12h, 30m or 7d' })
  JWT_EXPIRES_IN: string = '12h';

  @IsString()
  @Matches(/^[A-Za-z0-9_.-]{3,64}$/, {
    message: 'ADMIN_USERNAME must be 3-64 letters, digits, _ . -',
  })
  ADMIN_USERNAME!: string;

  /** The users' password rule applies (checked in validateEnvironment, with ADMIN_USERNAME). */
  @IsString()
  ADMIN_PASSWORD!: string;

  @IsOptional()
  @IsIn(PROCESS_ROLES, { message: 'ROLE must be one of api, worker, all' })
  ROLE: ProcessRole = 'all';

  @IsOptional()
  @IsString()
  POLICY_FILE?: string;

  /** BullMQ key prefix; `{yibao}` keeps every queue in one Redis Cluster hash slot. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_{}.-]{1,64}$/, {
    message: 'QUEUE_PREFIX must be 1-64 of A-Z a-z 0-9 _ { } . -',
  })
  QUEUE_PREFIX: string = 'yibao';

  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'MIGRATIONS_RUN must be true or false' })
  MIGRATIONS_RUN: boolean = true;

  /** How often the worker relays outbox rows and reconciles due deadlines (ms). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  OUTBOX_RELAY_INTERVAL_MS: number = 1000;

  /**
   * Jobs each worker process runs at once per queue. A job spends most of its time waiting on
   * the database, so a burst of deadlines coming due together is taken up in parallel; the
   * database pool (20 connections) bounds how many transactions really run at once.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000, { message: 'WORKER_CONCURRENCY must be between 1 and 1000' })
  WORKER_CONCURRENCY: number = 64;

  /**
   * A due deadline is normally fired by its BullMQ delayed job; the reconciler fires it from the
   * database when the job is this late (Redis lost it, or nothing was running at the time).
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  DEADLINE_RECONCILE_GRACE_MS: number = 30000;

  /**
   * Only deadlines due within this horizon wait in Redis as BullMQ delayed jobs; later ones stay
   * in the database and are queued by the promotion round (every DEADLINE_PROMOTE_INTERVAL_MS,
   * which must be shorter) once they come within it. A deadline days away costs Redis nothing.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  DEADLINE_HORIZON_MS: number = 3_600_000;

  /** How often each worker queues the deadlines that came within the horizon (ms). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  DEADLINE_PROMOTE_INTERVAL_MS: number = 300_000;

  /**
   * Group commit of events (transition/group-commit.ts): a process runs at most this many event
   * transactions at once; events sent meanwhile to other cases wait and go together in the next
   * (up to GROUP_COMMIT_MAX in one transaction). 0: each event its own transaction, no limit.
   * By default one per CPU core, at least 2: the server has about as many statements running at
   * once as it has cores, and the rest of the load shares their round trips and COMMITs.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(64)
  GROUP_COMMIT_PARALLEL: number = Math.max(2, availableParallelism());

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(256)
  GROUP_COMMIT_MAX: number = 16;

  /**
   * An event transaction still running after this long (ms: a lock wait, a slow hook) no longer
   * counts towards GROUP_COMMIT_PARALLEL, so one stuck case does not hold up every other event.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(60_000)
  GROUP_COMMIT_STALL_MS: number = 100;

  /**
   * Due deadlines are fired in batches: up to DEADLINE_FIRE_BATCH deadlines of different cases in
   * one transaction (each its own transition), DEADLINE_FIRE_PARALLEL batches at a time in a
   * process (the jobs of a due moment and the reconciler alike).
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  DEADLINE_FIRE_BATCH: number = 16;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  DEADLINE_FIRE_PARALLEL: number = 4;

  /**
   * A due moment's job runs this long before it (0: at it). Its batches claim the deadlines due
   * then, run their transitions and send their writes ahead, and hold the COMMIT until the due
   * time: a burst becomes visible at its due time instead of after its work. The cases it
   * prepares are locked meanwhile; an event sent to one makes the batch roll back and applies
   * first (it waits up to ~0.3 s). Nothing commits before its due time, whatever this is.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10_000)
  DEADLINE_PREPARE_MS: number = 1000;

  /**
   * Deadlines prepared ahead of their moment go in batches of this many (a moment's whole burst
   * should fit in DEADLINE_FIRE_PARALLEL of them); deadlines already due use DEADLINE_FIRE_BATCH.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(1000)
  DEADLINE_PREPARE_BATCH: number = 128;

  /**
   * How many BullMQ jobs the deadlines due at one moment share (each case's deadline names one):
   * a burst due together is fired by that many jobs, so several workers take part.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(64)
  DEADLINE_JOBS_PER_MOMENT: number = 2;

  @IsOptional()
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL: string = 'info';

  /**
   * One log line per HTTP request (pino-http, at info), with a request id on every log line of
   * the request. Off by default: the access log is the proxy's, and the per-request logger (and
   * the async context it keeps for every promise of the request) costs the API a few percent of
   * its CPU on every transition (bench/README.md). Warnings and errors are logged either way.
   */
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean({ message: 'LOG_REQUESTS must be true or false' })
  LOG_REQUESTS: boolean = false;

  /**
   * The largest attachment accepted (bytes; 413 above it). Attachments are stored in the
   * database: MySQL's max_allowed_packet must be larger (MariaDB's default is 16 MiB).
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'ATTACHMENT_MAX_BYTES must be a whole number of bytes' })
  @Min(1024)
  @Max(64 * 1024 * 1024)
  ATTACHMENT_MAX_BYTES: number = 10 * 1024 * 1024;

  /** Failed logins of one username before it is locked for LOGIN_LOCK_SECONDS. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100)
  LOGIN_MAX_FAILURES: number = 5;

  /** Failed logins from one address (any usernames) before the address is locked. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(100000)
  LOGIN_IP_MAX_FAILURES: number = 50;

  /**
   * The reverse proxies whose `X-Forwarded-For` is believed (comma-separated addresses or CIDR
   * ranges, e.g. `10.0.0.5,10.1.0.0/16`); none by default: the client is the socket's peer, and
   * a forged header cannot dodge the per-address login limit.
   */
  @IsOptional()
  @Matches(/^[0-9A-Fa-f.:/]+(,[0-9A-Fa-f.:/]+)*$/, {
    message: 'TRUSTED_PROXIES must be comma-separated IP addresses or CIDR ranges',
  })
  TRUSTED_PROXIES?: string;

  /** Requests a minute one address may make to /api/v1/public/ (each API process counts its own). */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'PUBLIC_RATE_LIMIT_PER_MINUTE must be a whole number' })
  @Min(1)
  @Max(100000)
  PUBLIC_RATE_LIMIT_PER_MINUTE: number = 60;

  /** Streamed imports (expense records) running at once in one process; more get 503. */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'IMPORT_CONCURRENCY must be a whole number' })
  @Min(1)
  @Max(64)
  IMPORT_CONCURRENCY: number = 2;

  /**
   * The longest a request may take to arrive in full (ms; Fastify's requestTimeout): a client
   * that trickles a body is cut off with 408 instead of holding a socket for ever. 0: no limit.
   */
  @IsOptional()
  @Transform(toInt)
  @IsInt({ message: 'REQUEST_TIMEOUT_MS must be a whole number' })
  @Min(0)
  @Max(3_600_000)
  REQUEST_TIMEOUT_MS: number = 120_000;

  /** How long a lock lasts, and the window in which failures are counted (seconds). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 3600)
  LOGIN_LOCK_SECONDS: number = 900;

  /** Where the webhook channel POSTs notifications (none: the channel is off). */
  @IsOptional()
  @Matches(/^https?:\/\/[^\s]+$/, {
    message: 'NOTIFY_WEBHOOK_URL must be an http(s) URL',
  })
  NOTIFY_WEBHOOK_URL?: string;

  /** HMAC-SHA256 key of the `X-Yibao-Signature` header; required with NOTIFY_WEBHOOK_URL. */
  @ValidateIf((e: Environment) => e.NOTIFY_WEBHOOK_URL !== undefined)
  @IsString()
  @MinLength(16, { message: 'NOTIFY_WEBHOOK_SECRET must be at least 16 characters' })
  NOTIFY_WEBHOOK_SECRET?: string;

  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(100)
  @Max(120000)
  NOTIFY_WEBHOOK_TIMEOUT_MS: number = 5000;

  /** Attempts per webhook or e-mail delivery before it is dead-lettered. */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(20)
  NOTIFY_DELIVERY_ATTEMPTS: number = 5;

  /** First retry delay; each next one doubles (exponential backoff). */
  @IsOptional()
  @Transform(toInt)
  @IsInt()
  @Min(10)
  NOTIFY_DELIVERY_BACKOFF_MS: number = 5000;

  /** `smtp://user:pass@host:587` or `smtps://…:465` (none: the e-mail channel is off). */
  @IsOptional()
  @Matches(/^smtps?:\/\/[^\s]+$/, { message: 'SMTP_URL must look like smtp://user:pass@host:587' })
  SMTP_URL?: string;

  @ValidateIf((e: Environment) => e.SMTP_URL !== undefined)
  @Matches(/^[^<>]*<?[^\s@<>]+@[^\s@<>]+>?$/, {
    message: 'SMTP_FROM must be an address like "医保局 <noreply@example.gov.cn>"',
  })
  SMTP_FROM?: string;
}

export class ConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigurationError';
  }
}

/** Validates `process.env`-like input; throws a ConfigurationError naming every bad variable. */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  // An empty variable (`PORT=`) means "not set": optional ones take their defaults.
  const given = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''));
  const env = plainToInstance(Environment, given, { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, whitelist: false });
  const problems = errors.map((e) => {
    const messages = Object.values(e.constraints ?? {});
    const missing = raw[e.property] === undefined || raw[e.property] === '';
    return missing ? `${e.property} is missing` : `${e.property}: ${messages.join('; ')}`;
  });
  // The administrator's first password obeys the rule every other password does.
  const weak =
    typeof env.ADMIN_PASSWORD === 'string'
      ? passwordProblem(env.ADMIN_PASSWORD, env.ADMIN_USERNAME)
      : null;
  if (weak !== null) {
    problems.push(`ADMIN_PASSWORD: ${weak}`);
  }
  // A promotion round must come at least twice within the horizon, or a deadline is queued late.
  if (
    Number.isInteger(env.DEADLINE_HORIZON_MS) &&
    Number.isInteger(env.DEADLINE_PROMOTE_INTERVAL_MS) &&
    env.DEADLINE_PROMOTE_INTERVAL_MS * 2 > env.DEADLINE_HORIZON_MS
  ) {
    problems.push('DEADLINE_PROMOTE_INTERVAL_MS: must be at most half of DEADLINE_HORIZON_MS');
  }
  if (problems.length > 0) {
    throw new ConfigurationError(problems);
  }
  return env;
}
