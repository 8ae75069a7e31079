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
 * What a job carries to Redis. A cross-case job's payload (a linked case's opening input: a
 * resident's ID, name, illness costs) stays in the database: the job carries the outbox row's job
 * id only, so Redis and bull-board never hold personal data (kept there for days). Other jobs
 * carry ids already.
 */
export function jobData(
  row: Pick<OutboxEntity, 'queue' | 'jobId' | 'payload'>,
): Record<string, unknown> {
  return row.queue === JOBS.openLinkedCase.queue ? { outbox: row.jobId } : row.payload;
}

/**
 * Hands committed outbox rows to BullMQ. Called right after a commit (best effort) and
 * periodically by the worker, so a row that missed Redis (crash, outage) is sent later.
 * Job ids are deterministic: sending a row twice never makes two jobs.
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);

  constructor(
    private readonly rows: OutboxRepository,
    private readonly queues: QueueService,
  ) {}

  /** Sends rows just committed; never throws (what fails stays for the periodic relay). */
  async dispatchRows(rows: OutboxEntity[]): Promise<number> {
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
   * transaction is needed, nobody else takes them meanwhile. One Redis round trip per queue, one
   * UPDATE. On failure the lease is released so the next relay round sends them.
   */
  private async handOver(rows: OutboxEntity[]): Promise<number> {
    // By job id: the engine defers these inserts (write-behind) and never learns the row ids.
    const jobIds = rows.map((r) => r.jobId);
    try {
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
    } catch (e) {
      this.logger.warn(`outbox hand-over deferred to the relay: ${(e as Error).message}`);
      await this.rows.releaseLease(jobIds, String((e as Error).message)).catch(() => undefined); // the lease then runs out by itself
      return 0;
    }
    await this.rows.markHandedOver(jobIds);
    return rows.length;
  }

  private jobOptions(row: OutboxEntity): JobsOptions {
    return {
      jobId: row.jobId,
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

  async backlog(): Promise<number> {
    return this.rows.backlog();
  }

  private async dispatch(ids: string[], batchSize: number): Promise<number> {
    const [, n] = await this.dispatchBatch(ids, batchSize);
    return n;
  }

  /**
   * Claims undispatched rows — the given ones, or the oldest — with `FOR UPDATE SKIP LOCKED`, so
   * concurrent relays (after-commit dispatches, every worker's periodic round) never hand the same
   * row over twice; adds them to BullMQ and stamps them in the same transaction. Returns how
   * many rows were claimed and how many were handed over.
   */
  private async dispatchBatch(ids: string[] | null, batchSize: number): Promise<[number, number]> {
    return this.rows
      .transaction(async (m): Promise<[number, number]> => {
        const rows = await this.rows.claim(m, ids, batchSize);
        if (rows.length === 0) {
          return [0, 0];
        }
        const done: string[] = [];
        try {
          await this.queues.ready();
          for (const row of rows) {
            await this.queues.queue(row.queue).add(row.jobName, jobData(row), this.jobOptions(row));
            done.push(row.id);
          }
        } catch (e) {
          const failed = rows.find((r) => !done.includes(r.id));
          if (failed) {
            await this.rows.markFailed(m, failed.id, String((e as Error).message));
          }
          this.logger.warn(`outbox relay paused: ${(e as Error).message}`);
        }
        if (done.length > 0) {
          await this.rows.markDispatched(m, done);
        }
        return [rows.length, done.length];
      })
      .catch((e: Error) => {
        // A deadlock or lost connection: nothing was stamped, the next round sends the rows.
        this.logger.warn(`outbox relay round failed: ${e.message}`);
        return [0, 0];
      });
  }
}
