import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { jsonColumn } from '../../database/json-column';
import type { OutboxReference } from '../../queue/jobs';

/**
 * Where a cross-case job's payload lives: its outbox row (Redis carries only the row's job id,
 * never a linked case's personal data), purged once the job's effect is in the database.
 */
@Injectable()
export class CrossCasePayloads {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * A job's payload: from the outbox row when the job carries only its reference; null when the
   * row is settled already (its effect is in the database; a late duplicate). A job queued
   * before payloads stayed in the database carries the payload itself.
   */
  async payloadOf<T extends object>(data: OutboxReference | T): Promise<T | null> {
    if (!('outbox' in data) || typeof data.outbox !== 'string') {
      return data as T;
    }
    const [row] = await this.dataSource.query<
      Array<{ payload: string | T; settled_at: Date | null }>
    >('SELECT payload, settled_at FROM outbox WHERE job_id = ?', [data.outbox]);
    return row && row.settled_at === null ? jsonColumn<T>(row.payload) : null;
  }

  /**
   * Carries out one cross-case job: reads its payload, runs it, settles its row; a job whose row
   * is settled already is a late duplicate and does nothing.
   */
  async process<T extends object, R>(
    job: { id?: string; data: OutboxReference | T },
    run: (payload: T) => Promise<R>,
  ): Promise<R | 'duplicate'> {
    const payload = await this.payloadOf(job.data);
    if (!payload) {
      return 'duplicate';
    }
    const result = await run(payload);
    await this.settle(String(job.id));
    return result;
  }

  /**
   * The job ran: its row needs no reconciling (called after success). Its payload (personal
   * data in a linked case's input) is purged: the row stays, as a count.
   */
  async settle(jobId: string): Promise<void> {
    await this.dataSource.query(
      "UPDATE outbox SET settled_at = ?, payload = '{}' WHERE job_id = ? AND settled_at IS NULL",
      [new Date(), jobId],
    );
  }
}
