import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { JobsOptions } from 'bullmq';
import type { Environment } from '../../config/environment';
import { JOBS } from '../../queue/jobs';
import { QueueService } from '../../queue/queue.service';
import { DeadlineRepository } from '../persistence/deadline-repository';
import { momentJobId, momentJobRunAt } from './deadline-scheduler';

/** Rows queued per round trip to Redis. */
const PAGE = 1000;

/** The options every fire-deadline job gets (the same as the outbox relay gives it). */
const FIRE_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

/**
 * The promotion round of the deadline horizon (docs/architecture.md, 'How a deadline fires'): a
 * deadline due later than DEADLINE_HORIZON_MS when it started has no job in Redis, only its row.
 * Every worker, on start and every DEADLINE_PROMOTE_INTERVAL_MS, queues the pending rows that
 * came within the horizon as BullMQ delayed jobs — one per due moment (momentJobId), shared with
 * the deadlines queued at their start — and stamps `queued_at`. Promoting twice (two workers, a
 * crash between the hand-over and the stamp) is harmless: BullMQ keeps one job per id, and firing
 * is decided by the rows.
 * A deadline that comes due while Redis is away is fired by the reconciler from the database.
 */
@Injectable()
export class DeadlinePromotion implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeadlinePromotion.name);
  private readonly horizonMs: number;
  private readonly intervalMs: number;
  private readonly isWorker: boolean;
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly rows: DeadlineRepository,
    private readonly queues: QueueService,
    config: ConfigService<Environment, true>,
  ) {
    this.horizonMs = config.get('DEADLINE_HORIZON_MS', { infer: true });
    this.intervalMs = config.get('DEADLINE_PROMOTE_INTERVAL_MS', { infer: true });
    this.isWorker = config.get('ROLE', { infer: true }) !== 'api';
    this.perMoment = config.get('DEADLINE_JOBS_PER_MOMENT', { infer: true });
    this.prepareMs = config.get('DEADLINE_PREPARE_MS', { infer: true });
  }

  private readonly perMoment: number;
  private readonly prepareMs: number;

  onApplicationBootstrap(): void {
    if (!this.isWorker) {
      return;
    }
    void this.round();
    this.timer = setInterval(() => void this.round(), this.intervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) {
      clearInterval(this.timer);
    }
  }

  /** One scheduled round; rounds never overlap within a process, and never throw. */
  private async round(): Promise<void> {
    if (this.running) {
      return;
    }
    this.running = true;
    try {
      await this.promote();
    } catch (e) {
      this.logger.warn(`deadline promotion deferred: ${(e as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  /** Queues every pending deadline due by `now` + the horizon that has no job yet; how many. */
  async promote(now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() + this.horizonMs);
    let promoted = 0;
    for (;;) {
      const due = await this.rows.unqueued(cutoff, PAGE);
      if (due.length === 0) {
        return promoted;
      }
      await this.queues.ready();
      // Deadlines due at the same moment share a job: one add each.
      const moments = new Map(due.map((d) => [momentJobId(d, this.perMoment), d.dueAt]));
      await this.queues.queue(JOBS.fireDeadline.queue).addBulk(
        [...moments].map(([jobId, dueAt]) => ({
          name: JOBS.fireDeadline.name,
          data: { dueAt: dueAt.toISOString() },
          opts: {
            ...FIRE_JOB_OPTIONS,
            jobId,
            delay: Math.max(0, momentJobRunAt(dueAt, this.prepareMs).getTime() - Date.now()),
          },
        })),
      );
      await this.rows.markQueued(
        due.map((d) => d.id),
        new Date(),
      );
      promoted += due.length;
      if (due.length < PAGE) {
        return promoted;
      }
    }
  }
}
