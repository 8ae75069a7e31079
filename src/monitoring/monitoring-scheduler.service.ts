import { Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { shanghaiYear } from '../time/shanghai';
import { DomainError } from '../common/errors/domain-error';
import type { Environment } from '../config/environment';
import { PolicyService } from '../config/policy.service';
import { SYSTEM } from '../engine/actor';
import { QueueService } from '../queue/queue.service';
import type { RunView } from './dto/monitoring.dto';
import { MonitoringRunsService } from './monitoring-runs.service';

/** The one scheduler of the monthly run: upserted by every worker, so it exists once. */
export const MONTHLY_RUN_SCHEDULER_ID = 'monitoring-monthly-run';

/**
 * 每月信息共享: the early-warning run happens monthly by itself, on the day the policy sets
 * (`monitoring.schedule`), as a BullMQ job scheduler (repeatable job) in Asia/Shanghai time. The
 * job runs the current year's run as actor `system`; a year without reference incomes in the
 * policy is logged and skipped, not retried.
 */
@Injectable()
export class MonitoringScheduler implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger(MonitoringScheduler.name);

  constructor(
    private readonly config: ConfigService<Environment, true>,
    private readonly queues: QueueService,
    private readonly policy: PolicyService,
    private readonly runs: MonitoringRunsService,
  ) {}

  onModuleInit(): void {
    this.queues.handle('monitoringRun', () => this.runScheduled());
  }

  onApplicationBootstrap(): void {
    if (this.config.get('ROLE', { infer: true }) !== 'api') {
      void this.schedule();
    }
  }

  /** Creates or updates the scheduler (idempotent); retried every minute while Redis is away. */
  schedule(): Promise<void> {
    return this.queues.scheduleMonthly(
      'monitoringRun',
      MONTHLY_RUN_SCHEDULER_ID,
      this.policy.monitoring().schedule,
    );
  }

  /** The job: this year's run (Asia/Shanghai), as `system`. */
  async runScheduled(now = new Date()): Promise<RunView | { skipped: string }> {
    const year = shanghaiYear(now);
    try {
      return await this.runs.run(year, SYSTEM);
    } catch (e) {
      if (e instanceof DomainError && e.code === 'BUSINESS_RULE') {
        this.logger.warn(`monthly monitoring run for ${year} skipped: ${e.message}`);
        return { skipped: e.message };
      }
      throw e;
    }
  }
}
