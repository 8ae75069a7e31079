import { Injectable, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { shanghaiDate } from '../time/shanghai';
import type { Environment } from '../config/environment';
import { PolicyService } from '../config/policy.service';
import { SYSTEM } from '../engine/actor';
import { QueueService } from '../queue/queue.service';
import { CapitationCasesService } from './capitation-cases.service';

/** The one scheduler of the monthly opening: upserted by every worker, so it exists once. */
export const CAPITATION_OPENING_SCHEDULER_ID = 'capitation-monthly-opening';

/**
 * 月度结算: on the day the policy sets (`capitation.schedule`, default the 1st), a BullMQ job
 * scheduler opens the month's settlement of every capitation institution, as `system`. A month
 * already opened (by hand, or by a repeated job) is skipped: the case's origin key is unique.
 */
@Injectable()
export class CapitationScheduler implements OnModuleInit, OnApplicationBootstrap {
  constructor(
    private readonly config: ConfigService<Environment, true>,
    private readonly queues: QueueService,
    private readonly policy: PolicyService,
    private readonly cases: CapitationCasesService,
  ) {}

  onModuleInit(): void {
    this.queues.handle('capitationOpening', () => this.openScheduled());
  }

  onApplicationBootstrap(): void {
    if (this.config.get('ROLE', { infer: true }) !== 'api') {
      void this.schedule();
    }
  }

  /** Creates or updates the scheduler (idempotent); retried every minute while Redis is away. */
  schedule(): Promise<void> {
    return this.queues.scheduleMonthly(
      'capitationOpening',
      CAPITATION_OPENING_SCHEDULER_ID,
      this.policy.capitation().schedule,
    );
  }

  /** The job: this month (Asia/Shanghai) for every capitation institution, as `system`. */
  openScheduled(now = new Date()): Promise<{ opened: number; skipped: number }> {
    const [year, month] = shanghaiDate(now).split('-').map(Number);
    return this.cases.openMonth(year, month, SYSTEM);
  }
}
