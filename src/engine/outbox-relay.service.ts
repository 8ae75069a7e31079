import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull } from 'typeorm';
import { QueueService } from '../queue/queue.service';
import { OutboxEntity } from './entities/outbox.entity';

/**
 * Hands committed outbox rows to BullMQ. Called right after a commit (best effort) and
 * periodically by the worker, so a row that missed Redis (crash, outage) is sent later.
 * Job ids are deterministic: sending a row twice never makes two jobs.
 */
@Injectable()
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queues: QueueService,
  ) {}

  /** Sends rows just committed; never throws (what fails stays for the periodic relay). */
  async dispatchRows(rows: OutboxEntity[]): Promise<number> {
    return rows.length === 0 ? 0 : this.dispatch(rows);
  }

  /** Sends every undispatched row, oldest first, in batches. */
  async dispatchPending(batchSize = 500): Promise<number> {
    let sent = 0;
    for (;;) {
      const rows = await this.dataSource
        .getRepository(OutboxEntity)
        .find({ where: { dispatchedAt: IsNull() }, order: { id: 'ASC' }, take: batchSize });
      if (rows.length === 0) {
        return sent;
      }
      const n = await this.dispatch(rows);
      sent += n;
      if (n < rows.length) {
        return sent; // Redis refused: try again on the next round
      }
    }
  }

  async backlog(): Promise<number> {
    return this.dataSource.getRepository(OutboxEntity).count({ where: { dispatchedAt: IsNull() } });
  }

  private async dispatch(rows: OutboxEntity[]): Promise<number> {
    const done: string[] = [];
    try {
      await this.queues.ready();
      for (const row of rows) {
        await this.queues.queue(row.queue).add(row.jobName, row.payload, {
          jobId: row.jobId,
          delay: Math.max(0, row.runAt.getTime() - Date.now()),
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: { age: 24 * 3600 },
          removeOnFail: { age: 7 * 24 * 3600 },
          ...this.queues.retryFor(row.queue, row.jobName),
        });
        done.push(row.id);
      }
    } catch (e) {
      const failed = rows.find((r) => !done.includes(r.id));
      if (failed) {
        await this.dataSource
          .getRepository(OutboxEntity)
          .increment({ id: failed.id }, 'attempts', 1)
          .catch(() => undefined);
        await this.dataSource
          .getRepository(OutboxEntity)
          .update({ id: failed.id }, { lastError: String((e as Error).message).slice(0, 500) })
          .catch(() => undefined);
      }
      this.logger.warn(`outbox relay paused: ${(e as Error).message}`);
    }
    if (done.length > 0) {
      await this.dataSource
        .getRepository(OutboxEntity)
        .update({ id: In(done) }, { dispatchedAt: new Date(), lastError: null });
    }
    return done.length;
  }
}
