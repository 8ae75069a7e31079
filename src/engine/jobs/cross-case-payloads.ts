import { Injectable } from '@nestjs/common';
import type { OutboxReference } from '../../queue/jobs';
import { OutboxRepository } from '../persistence/outbox-repository';

/**
 * Where a cross-case job's payload lives: its outbox row (Redis carries only the row's job id,
 * never a linked case's personal data), purged once the job's effect is in the database.
 */
@Injectable()
export class CrossCasePayloads {
  constructor(private readonly rows: OutboxRepository) {}

  /**
   * A job's payload: from the outbox row when the job carries only its reference; null when the
   * row is settled already (its effect is in the database; a late duplicate). A job queued
   * before payloads stayed in the database carries the payload itself.
   */
  async payloadOf<T extends object>(data: OutboxReference | T): Promise<T | null> {
    if (!('outbox' in data) || typeof data.outbox !== 'string') {
      return data as T;
    }
    return this.rows.unsettledPayload<T>(data.outbox);
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
    await this.rows.settle({ jobId });
  }
}
