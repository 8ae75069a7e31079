import { Injectable, Logger } from '@nestjs/common';
import type { JobsOptions } from 'bullmq';
import { JOBS } from '../../queue/jobs';
import { QueueService } from '../../queue/queue.service';
import type { OutboxEntity } from '../entities/outbox.entity';
import { OutboxRepository } from '../persistence/outbox-repository';

/**
 * How long a row written with a lease belongs to the process that committed it. Generous: the
 * hand-over right after the commit takes milliseconds, and fails fast when Redis is down (the
 * lease is then released at once); only a crash between commit and hand-over makes the relay
 * wait this long.
 */
export const OUTBOX_LEASE_MS = 30_000;

/**
 * Outbox rows due further ahead than this stay in the database: a transition does not hand them
 * to Redis (an SLA reminder is due days after the transition that schedules it); the row is
 * written held back (`claimed_until` = when it comes within the horizon) and the periodic relay
 * sends it then, as a job delayed for the rest. Redis holds only what is due soon, and a commit
 * pays no Redis round trip for the rest. Deadline jobs are left out: the deadline scheduler
 * decides what of them goes to Redis when.
 */
export const OUTBOX_HORIZON_MS = 15 * 60_000;

/** Whether a row waits in the database for the relay to send it once within the horizon. */
export function beyondHorizon(
  row: Pick<OutboxEntity, 'queue' | 'runAt'>,
  now: number = Date.now(),
): boolean {
  return row.queue !== JOBS.fireDeadline.queue && row.runAt.getTime() > now + OUTBOX_HORIZON_MS;
}

/**
 * The BullMQ job an outbox row hands over: its own (`job_id`), except a deadline's, which joins
 * the job of its due moment (deadline-scheduler.ts `momentJobId`), shared with the other deadlines
 * due then; BullMQ keeps one job per id.
 */
export function bullJobId(row: Pick<OutboxEntity, 'jobName' | 'jobId' | 'payload'>): string {
  return row.jobName === JOBS.fireDeadline.name && typeof row.payload.momentJob === 'string'
    ? row.payload.momentJob
    : row.jobId;
}

/**
 * What a job carries to Redis. A cross-case job's payload (a linked case's opening input: a
 * resident's ID, name, illness costs) stays in the database: the job carries the outbox row's job
 * id only, so Redis and bull-board never hold personal data (kept there for days). A deadline's
 * job is its due moment's (`bullJobId`): it carries the moment only. Other jobs carry ids already.
 */
export function jobData(
  row: Pick<OutboxEntity, 'queue' | 'jobName' | 'jobId' | 'payload'>,
): Record<string, unknown> {
  if (row.queue === JOBS.openLinkedCase.queue) {
    return { outbox: row.jobId };
  }
  if (bullJobId(row) !== row.jobId) {
    return { dueAt: row.payload.dueAt };
  }
  return row.payload;
}

/**
 * How long a relay round's lease on the rows it sends lasts: the round commits the lease, adds
 * the jobs to BullMQ and stamps the rows within milliseconds (a producer fails fast when Redis is
 * down); only a crash in between makes the next round wait this long.
 */
export const RELAY_LEASE_MS = 10_000;

/** Rows committed by concurrent transactions, waiting for the next hand-over to Redis. */
interface PendingHandOver {
  rows: OutboxEntity[];
  done: (handedOver: number) => void;
}

/**
 * Hands committed outbox rows to BullMQ. Called right after a commit (best effort) and
 * periodically by the worker, so a row that missed Redis (crash, outage) is sent later.
 * Job ids are deterministic: sending a row twice never makes two jobs. No database row lock is
 * ever held across a Redis call (see OutboxRepository.lease).
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  /** Leased rows of commits that came while a hand-over was on its way (sent together next). */
  private pending: PendingHandOver[] = [];
  private handingOver = false;

  constructor(
    private readonly rows: OutboxRepository,
    private readonly queues: QueueService,
  ) {}

  /** Sends rows just committed; never throws (what fails stays for the periodic relay). */
  async dispatchRows(all: OutboxEntity[]): Promise<number> {
    const now = Date.now();
    const rows = all.filter((r) => !beyondHorizon(r, now)); // the relay sends those in time
    const leased = rows.filter((r) => r.claimedUntil !== null && r.claimedUntil !== undefined);
    const others = rows.filter((r) => !leased.includes(r));
    return (
      (leased.length === 0 ? 0 : await this.handOver(leased)) +
      (others.length === 0
        ? 0
        : await this.dispatch(
            others.map((r) => r.id),
            others.length,
          ))
    );
  }

  /**
   * Hands over rows this process holds the lease of (written by its own transaction): no claim
   * transaction is needed, nobody else takes them meanwhile. Group hand-over: the rows of every
   * commit that comes while one hand-over is on its way go together in the next one, so under
   * load many commits share one Redis round trip per queue and one stamping UPDATE (one redo
   * log flush), and a lone commit is sent at once.
   */
  private handOver(rows: OutboxEntity[]): Promise<number> {
    return new Promise<number>((done) => {
      this.pending.push({ rows, done });
      if (!this.handingOver) {
        void this.drainHandOvers();
      }
    });
  }

  private async drainHandOvers(): Promise<void> {
    this.handingOver = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        const sent = await this.handOverNow(batch.flatMap((p) => p.rows));
        for (const p of batch) {
          p.done(sent ? p.rows.length : 0);
        }
      }
    } finally {
      this.handingOver = false;
    }
  }

  /**
   * One Redis round trip per queue, one UPDATE. On failure the lease is released so the next
   * relay round sends them. Never throws.
   */
  private async handOverNow(rows: OutboxEntity[]): Promise<boolean> {
    // By job id: the engine defers these inserts (write-behind) and never learns the row ids.
    const jobIds = rows.map((r) => r.jobId);
    try {
      await this.addJobs(rows);
    } catch (e) {
      this.logger.warn(`outbox hand-over deferred to the relay: ${(e as Error).message}`);
      await this.rows.releaseLease(jobIds, String((e as Error).message)).catch(() => undefined); // the lease then runs out by itself
      return false;
    }
    // The jobs are in Redis: a failed stamp only means the relay sends them again once the
    // lease runs out, a no-op thanks to the job ids.
    return this.rows.markHandedOver(jobIds).then(
      () => true,
      (e: Error) => {
        this.logger.warn(`outbox hand-over not stamped: ${e.message}`);
        return false;
      },
    );
  }

  /** Adds the rows' jobs to BullMQ: one `addBulk` (one round trip) per queue, all at once. */
  private async addJobs(rows: OutboxEntity[]): Promise<void> {
    await this.queues.ready();
    const byQueue = new Map<string, OutboxEntity[]>();
    for (const row of rows) {
      byQueue.set(row.queue, [...(byQueue.get(row.queue) ?? []), row]);
    }
    await Promise.all(
      [...byQueue].map(([queue, own]) =>
        this.queues.queue(queue).addBulk(
          own.map((row) => ({
            name: row.jobName,
            data: jobData(row),
            opts: this.jobOptions(row),
          })),
        ),
      ),
    );
  }

  private jobOptions(row: OutboxEntity): JobsOptions {
    return {
      jobId: bullJobId(row),
      delay: Math.max(0, row.runAt.getTime() - Date.now()),
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: 24 * 3600 },
      removeOnFail: { age: 7 * 24 * 3600 },
      ...this.queues.retryFor(row.queue, row.jobName),
    };
  }

  /** Sends every undispatched row, oldest first, in batches. */
  async dispatchPending(batchSize = 500): Promise<number> {
    let sent = 0;
    for (;;) {
      const [claimed, n] = await this.dispatchBatch(null, batchSize);
      sent += n;
      if (claimed === 0 || n < claimed) {
        return sent; // nothing left, or Redis refused: try again on the next round
      }
    }
  }

  /** Rows not in Redis yet that nobody is handing over or holding back till later. */
  async backlog(): Promise<number> {
    return this.rows.backlog();
  }

  private async dispatch(ids: string[], batchSize: number): Promise<number> {
    const [, n] = await this.dispatchBatch(ids, batchSize);
    return n;
  }

  /**
   * Leases undispatched rows — the given ones, or the oldest — in a short transaction of its own
   * (concurrent relays never take the same row), then adds them to BullMQ and stamps them.
   * Returns how many rows were leased and how many were handed over.
   */
  private async dispatchBatch(ids: string[] | null, batchSize: number): Promise<[number, number]> {
    let rows: OutboxEntity[];
    try {
      rows = await this.rows.lease(ids, batchSize, new Date(Date.now() + RELAY_LEASE_MS));
    } catch (e) {
      // A deadlock or lost connection: nothing was leased, the next round sends the rows.
      this.logger.warn(`outbox relay round failed: ${(e as Error).message}`);
      return [0, 0];
    }
    if (rows.length === 0) {
      return [0, 0];
    }
    const leased = rows.map((r) => r.id);
    try {
      await this.addJobs(rows);
    } catch (e) {
      this.logger.warn(`outbox relay paused: ${(e as Error).message}`);
      await this.rows.markFailed(leased, String((e as Error).message)).catch(() => undefined); // the lease then runs out by itself
      return [rows.length, 0];
    }
    try {
      await this.rows.markDispatched(leased);
    } catch (e) {
      // In Redis already: sent again (a no-op) once the lease has run out.
      this.logger.warn(`outbox relay stamp failed: ${(e as Error).message}`);
      return [rows.length, 0];
    }
    return [rows.length, rows.length];
  }
}
